import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/events/append.js';
import { claimDue } from '../../src/webhooks/store.js';
import { BACKENDS, Client, DEMO_KEY, startHarness, type Harness } from './harness.js';

// Fast retries for the test; the worker reads these when the app is built (and rebuilt on restart).
// The poll is slow on purpose: a write through the API must wake the worker long before it.
const ENV = { WORKLANE_WEBHOOK_TIMEOUT_MS: '300', WORKLANE_WEBHOOK_BACKOFF_MS: '50,100,200', WORKLANE_WEBHOOK_MAX_AGE_MS: '4000', WORKLANE_WEBHOOK_POLL_MS: '2000' };

type Mode = 'ok' | 'fail' | 'hang';
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: Mode;
}

/** A real receiver on loopback: each path answers 200, 500, or never (past the worker's timeout). */
class Receiver {
  readonly log: Received[] = [];
  readonly modes = new Map<string, Mode>();
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const answered = this.modes.get(path) ?? 'ok';
        this.log.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
        if (answered === 'ok') res.writeHead(204).end();
        else if (answered === 'fail') res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver is down');
        // 'hang': no answer; the socket is destroyed when the receiver closes.
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const a = this.server.address();
    this.base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }
  at(path: string, answered?: Mode) {
    return this.log.filter((r) => r.path === path && (answered === undefined || r.answered === answered));
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The receiver's side of Standard Webhooks, written independently of the server's code. */
function verifies(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = String(headers['webhook-id']);
  const ts = String(headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = 'v1,' + createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return String(headers['webhook-signature']).split(' ').includes(expected) && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const invoice = (externalId: string) => ({
  worktype: 'invoice-dispute',
  source: 'crm',
  externalId,
  title: `Invoice ${externalId}`,
  attributes: { orderId: externalId, department: 'Finance', segment: 'Gold', amount: 120, currency: 'EUR' },
});

describe.each(BACKENDS)('webhooks on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let crm: Client;
  let adminId: string;
  const rx = new Receiver();
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    if (skip) return;
    for (const [k, v] of Object.entries(ENV)) [saved[k], process.env[k]] = [process.env[k], v];
    await rx.start();
    h = await startHarness(backend);
    admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    adminId = (await admin.req('GET', '/api/v1/me')).json.user.id;
    crm = new Client(h.base, DEMO_KEY);
  });
  afterAll(async () => {
    await h?.close();
    await rx.close().catch(() => {});
    for (const k of Object.keys(ENV)) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  });

  const subscribe = async (path: string, events: string[], extra: Record<string, unknown> = {}) => {
    const res = await admin.req('POST', '/api/v1/webhooks', { url: rx.base + path, events, ...extra });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json as { id: string; secret: string };
  };
  const capture = async (externalId: string) => {
    const res = await crm.req('POST', '/api/v1/tasks', invoice(externalId));
    expect(res.status).toBe(201);
    return res.json.id as string;
  };
  /** Every delivery of a subscription, following the cursor a page of two at a time. */
  const allDeliveries = async (id: string, state?: string) => {
    const items: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    let cursor: string | null = null;
    do {
      const qs: string = `?limit=2${state ? `&state=${state}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await admin.req('GET', `/api/v1/webhooks/${id}/deliveries${qs}`);
      expect(res.status).toBe(200);
      items.push(...res.json.items);
      cursor = res.json.nextCursor;
    } while (cursor);
    return items;
  };
  const eventsAfter = async (afterId: number, types?: string[]) => {
    let q = h.db.store.db.selectFrom('events').select(['id', 'type', 'task_id']).where('id', '>', afterId);
    if (types) q = q.where('type', 'in', types);
    return q.orderBy('id').execute();
  };
  const lastEventId = async () => Number((await h.db.store.db.selectFrom('events').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow()).m ?? 0);

  it.skipIf(skip)('manages subscriptions: admins only, http(s) URLs, known events, secrets, audit trail', async () => {
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const body = { url: rx.base + '/x', events: ['task.created'] };
    expect((await alice.req('POST', '/api/v1/webhooks', body)).status).toBe(403);
    expect((await crm.req('GET', '/api/v1/webhooks')).status).toBe(403);

    const bad: [unknown, number, string][] = [
      [{ ...body, url: 'ftp://example.com/hook' }, 422, '/url'],
      [{ ...body, url: 'not a url' }, 422, '/url'],
      [{ ...body, events: ['task.created', 'task.exploded'] }, 422, '/events/1'],
      [{ ...body, events: [] }, 400, '/events'],
      [{ url: body.url }, 400, '/events'],
      [{ ...body, secret: 'mine' }, 400, '/secret'],
      [{ ...body, enabled: 'yes' }, 400, '/enabled'],
    ];
    for (const [b, status, pointer] of bad) {
      const res = await admin.req('POST', '/api/v1/webhooks', b);
      expect(res.status, JSON.stringify(b)).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.json.errors.map((e: { pointer: string }) => e.pointer), JSON.stringify(b)).toContain(pointer);
    }

    const created = await admin.req('POST', '/api/v1/webhooks', { ...body, events: ['task.created', '*'], description: 'CRM' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ url: body.url, events: ['task.created', '*'], enabled: true, description: 'CRM' });
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(created.json.secret.slice(6), 'base64')).toHaveLength(24);
    const id = created.json.id;
    const list = await admin.req('GET', '/api/v1/webhooks');
    expect(list.json.items.find((w: { id: string }) => w.id === id)).not.toHaveProperty('secret');
    expect((await admin.req('GET', `/api/v1/webhooks/${id}`)).json.secret).toBe(created.json.secret);

    expect((await admin.req('PATCH', `/api/v1/webhooks/${id}`, { events: ['case.closed', 'nope'] })).json.errors[0].pointer).toBe('/events/1');
    expect((await admin.req('PATCH', `/api/v1/webhooks/${id}`, {})).status).toBe(400);
    const patched = await admin.req('PATCH', `/api/v1/webhooks/${id}`, { enabled: false, description: null });
    expect(patched.json).toMatchObject({ enabled: false, description: null });
    const rotated = await admin.req('POST', `/api/v1/webhooks/${id}/rotate-secret`);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(rotated.json.secret).not.toBe(created.json.secret);
    expect((await admin.req('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(204);
    expect((await admin.req('GET', `/api/v1/webhooks/${id}`)).status).toBe(404);
    expect((await admin.req('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(404);

    const audit = await h.db.store.db.selectFrom('events').select(['type', 'actor', 'data']).where('type', 'like', 'webhook.%').orderBy('id').execute();
    expect(audit.map((e) => e.type)).toEqual(['webhook.created', 'webhook.updated', 'webhook.secret-rotated', 'webhook.deleted']);
    expect(new Set(audit.map((e) => e.actor))).toEqual(new Set([`user:${adminId}`]));
    expect(JSON.stringify(audit)).not.toContain('whsec_');
  });

  it.skipIf(skip)('fans out in the same transaction as the event: one row per matching subscription, nothing on rollback', async () => {
    const a = await subscribe('/tx-a', ['task.created', 'task.canceled']);
    const b = await subscribe('/tx-b', ['*']);
    const off = await subscribe('/tx-off', ['*'], { enabled: false });
    const db = h.db.store.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await appendEvents(trx, [{ type: 'task.created', taskId: 'rolled-back' }]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await db.transaction().execute((trx) =>
      appendEvents(trx, [
        { type: 'task.created', taskId: 'tx-1' },
        { type: 'task.canceled', taskId: 'tx-1' },
        { type: 'task.updated', taskId: 'tx-1' },
        { type: 'auth.login', userId: 'x' },
      ]),
    );
    const rows = await db
      .selectFrom('webhook_deliveries')
      .innerJoin('events', 'events.id', 'webhook_deliveries.event_id')
      .select(['webhook_deliveries.subscription_id as sub', 'events.type', 'events.task_id'])
      .where('webhook_deliveries.subscription_id', 'in', [a.id, b.id, off.id])
      .execute();
    expect(rows.every((r) => r.task_id === 'tx-1')).toBe(true);
    expect(rows.filter((r) => r.sub === a.id).map((r) => r.type).sort()).toEqual(['task.canceled', 'task.created']);
    expect(rows.filter((r) => r.sub === b.id).map((r) => r.type).sort()).toEqual(['task.canceled', 'task.created', 'task.updated']);
    expect(rows.filter((r) => r.sub === off.id)).toEqual([]);
    await waitFor('tx deliveries', () => rx.at('/tx-a').length >= 2 && rx.at('/tx-b').length >= 3);
    for (const s of [a, b, off]) await admin.req('DELETE', `/api/v1/webhooks/${s.id}`);
  });

  it.skipIf(skip)('a claim takes each subscription\'s due deliveries up to its share of the slots, not more', async () => {
    // Due in 2100, so the running worker (claiming at the real time) leaves them alone.
    const [a, b] = [await subscribe('/share-a', ['case.created']), await subscribe('/share-b', ['case.created'])];
    const due = new Date('2100-01-01T00:00:00Z');
    const rows = [a, b].flatMap((sub) => Array.from({ length: 10 }, (_, i) => ({ subscription_id: sub.id, event_id: i + 1, event_type: 'case.created', next_attempt_at: due })));
    await h.db.store.db.insertInto('webhook_deliveries').values(rows).execute();
    const later = (ms: number) => new Date(due.getTime() + ms);
    const first = await claimDue(h.db.store.db, later(1000), 32, later(3_600_000), 3, new Map([[a.id, 2]]));
    const of = (claimed: { subscription_id: string }[], id: string) => claimed.filter((c) => c.subscription_id === id).length;
    expect([of(first, a.id), of(first, b.id)]).toEqual([1, 3]); // A had 2 of its 3 in flight
    const capped = await claimDue(h.db.store.db, later(1000), 2, later(3_600_000), 3);
    expect(capped).toHaveLength(2); // the batch limit holds over all subscriptions
    // Leased: not due again before the lease ends.
    expect(await claimDue(h.db.store.db, later(2000), 32, later(3_600_000), 100)).toHaveLength(20 - 4 - 2);
    for (const sub of [a, b]) expect((await admin.req('DELETE', `/api/v1/webhooks/${sub.id}`)).status).toBe(204);
  });

  it.skipIf(skip)('sends at once after a committed API write, not at the next poll', async () => {
    const sub = await subscribe('/fast', ['task.created']);
    await new Promise((r) => setTimeout(r, 100)); // the worker's pass after subscribing is over; next poll in ~2 s
    const started = Date.now();
    const t = await capture(`wh-${backend}-fast`);
    await waitFor('the fast delivery', () => rx.at('/fast').some((r) => JSON.parse(r.body).data.taskId === t));
    expect(Date.now() - started).toBeLessThan(1000);
    await admin.req('DELETE', `/api/v1/webhooks/${sub.id}`);
  });

  it.skipIf(skip)('delivers every event at least once, signed, through 500s and timeouts, with a stable webhook-id', async () => {
    rx.modes.set('/main', 'fail');
    const before = await lastEventId();
    const main = await subscribe('/main', ['task.created', 'task.completed', 'task.canceled']);
    const all = await subscribe('/all', ['*']);
    const off = await subscribe('/disabled', ['*'], { enabled: false });

    // One task goes the whole way through an agent (task.offered is committed by the dispatcher, not a request).
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    await alice.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t1 = await capture(`wh-${backend}-1`);
    const offer = await waitFor('an offer to Alice', async () => (await alice.req('GET', '/api/v1/me/offers')).json.items.find((o: { taskId: string }) => o.taskId === t1));
    expect((await alice.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await alice.req('POST', `/api/v1/tasks/${t1}/complete`, { wrapUpCode: 'processed' })).status).toBe(200);
    await alice.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
    const t2 = await capture(`wh-${backend}-2`);
    const t3 = await capture(`wh-${backend}-3`);
    const t4 = await capture(`wh-${backend}-4`);
    for (const t of [t2, t3]) expect((await crm.req('POST', `/api/v1/tasks/${t}/cancel`, { reason: 'duplicate' })).status).toBe(200);

    // The receiver is down (500), then hangs past the 300 ms timeout, then recovers.
    await waitFor('three 500s', () => rx.at('/main', 'fail').length >= 3);
    rx.modes.set('/main', 'hang');
    await waitFor('two hung attempts', () => rx.at('/main', 'hang').length >= 2);
    rx.modes.set('/main', 'ok');

    const expected = await eventsAfter(before, ['task.created', 'task.completed', 'task.canceled']);
    expect(expected.map((e) => `${e.task_id}:${e.type}`)).toEqual(
      expect.arrayContaining([`${t1}:task.created`, `${t1}:task.completed`, `${t2}:task.canceled`, `${t3}:task.canceled`, `${t4}:task.created`]),
    );
    const eventIdOf = (r: Received) => JSON.parse(r.body).data.eventId as string;
    await waitFor('every expected event at /main', () => {
      const got = new Set(rx.at('/main', 'ok').map(eventIdOf));
      return expected.every((e) => got.has(String(e.id)));
    });
    // Exactly the subscribed events, nothing else.
    expect(new Set(rx.at('/main').map(eventIdOf))).toEqual(new Set(expected.map((e) => String(e.id))));

    // Signatures verify with the subscription's secret; a tampered body does not.
    for (const r of rx.at('/main')) expect(verifies(main.secret, r.headers, r.body)).toBe(true);
    const sample = rx.at('/main', 'ok')[0]!;
    expect(verifies(main.secret, sample.headers, sample.body.replace('"type":"task.', '"type":"tusk.'))).toBe(false);
    expect(verifies(all.secret, sample.headers, sample.body)).toBe(false);
    expect(sample.headers['content-type']).toBe('application/json');

    // The payload: { type, timestamp, data } with the ids.
    const created = rx.at('/main', 'ok').map((r) => JSON.parse(r.body)).find((b) => b.type === 'task.created' && b.data.taskId === t4);
    expect(created).toMatchObject({ type: 'task.created', data: { taskId: t4, worktype: 'invoice-dispute', externalId: `wh-${backend}-4` } });
    expect(new Date(created.timestamp).toISOString()).toBe(created.timestamp);
    // Every task event names the task by the source system's own id, the completion too.
    const completed = rx.at('/main', 'ok').map((r) => JSON.parse(r.body)).find((b) => b.type === 'task.completed' && b.data.taskId === t1);
    expect(completed.data).toMatchObject({ taskId: t1, source: 'crm', externalId: `wh-${backend}-1`, wrapUpCode: 'processed' });
    const canceled = rx.at('/main', 'ok').map((r) => JSON.parse(r.body)).find((b) => b.type === 'task.canceled' && b.data.taskId === t2);
    expect(canceled.data).toMatchObject({ taskId: t2, externalId: `wh-${backend}-2`, reason: 'duplicate' });

    // One webhook-id per event; retries reuse it with the same body.
    const byId = new Map<string, Received[]>();
    for (const r of rx.at('/main')) byId.set(String(r.headers['webhook-id']), [...(byId.get(String(r.headers['webhook-id'])) ?? []), r]);
    expect(byId.size).toBe(expected.length);
    const retried = [...byId.values()].filter((rs) => rs.length > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const rs of retried) {
      expect(new Set(rs.map((r) => r.body)).size).toBe(1);
      expect(rs.at(-1)!.answered).toBe('ok');
    }

    // The delivery log (paged two at a time) shows the failed attempts and the success. The
    // receiver answers before the worker commits the outcome, so the last success may land a moment later.
    const log = await waitFor('every delivery recorded as delivered', async () => {
      const l = await allDeliveries(main.id);
      return l.length === expected.length && l.every((d) => d.state === 'delivered' && d.deliveredAt && d.attempts.length === d.attemptCount) && l;
    });
    expect(new Set(log.map((d) => d.messageId))).toEqual(new Set(byId.keys()));
    const attempts = log.flatMap((d) => d.attempts);
    expect(attempts.filter((a) => a.statusCode === 500).length).toBeGreaterThanOrEqual(3);
    expect(attempts.filter((a) => a.statusCode === null && /timed out/.test(a.error)).length).toBeGreaterThanOrEqual(2);
    for (const d of log) expect(d.attempts.at(-1)).toMatchObject({ statusCode: 204, error: null, durationMs: expect.any(Number), at: expect.any(String) });
    expect(await allDeliveries(main.id, 'dead')).toEqual([]);

    // '*' gets every task/case/SLA event (incl. the dispatcher's task.offered), never audit events; disabled gets nothing.
    const families = (await eventsAfter(before)).filter((e) => /^(task|case|sla)\./.test(e.type));
    expect(families.map((e) => e.type)).toContain('task.offered');
    await waitFor('every task event at /all', () => {
      const got = new Set(rx.at('/all', 'ok').map(eventIdOf));
      return families.every((e) => got.has(String(e.id)));
    });
    expect(rx.at('/all').every((r) => /^(task|case|sla)\./.test(JSON.parse(r.body).type))).toBe(true);
    expect(rx.at('/disabled')).toEqual([]);
    expect(await allDeliveries(off.id)).toEqual([]);

    const metrics = String((await admin.req('GET', '/metrics')).json); // admins (or a metrics:read key) only
    expect(Number(/^worklane_webhook_deliveries_sent_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(expected.length);
    expect(Number(/^worklane_webhook_attempts_failed_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(5);
  });

  it.skipIf(skip)('dead-letters after the retry window; a manual retry sends it again (409 on a delivered one)', async () => {
    rx.modes.set('/dead', 'fail');
    const sub = await subscribe('/dead', ['task.created']);
    const t = await capture(`wh-${backend}-dead`);
    const [dead] = await waitFor('a dead delivery', async () => {
      const items = await allDeliveries(sub.id, 'dead');
      return items.length ? items : undefined;
    }, 15_000);
    expect(dead.eventType).toBe('task.created');
    expect(dead.attempts.length).toBeGreaterThanOrEqual(3);
    expect(dead.attempts.every((a: { statusCode: number }) => a.statusCode === 500)).toBe(true);
    expect(dead.nextAttemptAt).toBeNull();
    expect(await allDeliveries(sub.id, 'pending')).toEqual([]);
    const metrics = String((await admin.req('GET', '/metrics')).json); // admins (or a metrics:read key) only
    expect(metrics).toMatch(/^worklane_webhook_deliveries_dead_total [1-9]/m);

    expect((await admin.req('POST', `/api/v1/webhooks/${sub.id}/deliveries/999999999/retry`)).status).toBe(404);
    expect((await admin.req('POST', `/api/v1/webhooks/${sub.id}/deliveries/abc/retry`)).status).toBe(400);
    expect((await crm.req('POST', `/api/v1/webhooks/${sub.id}/deliveries/${dead.id}/retry`)).status).toBe(403);

    rx.modes.set('/dead', 'ok');
    const failedSoFar = rx.at('/dead').length;
    const retried = await admin.req('POST', `/api/v1/webhooks/${sub.id}/deliveries/${dead.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ id: dead.id, state: 'pending' });
    const delivered = await waitFor('the retried delivery', async () => (await allDeliveries(sub.id, 'delivered'))[0]);
    expect(delivered.attempts.length).toBe(dead.attempts.length + 1);
    const last = rx.at('/dead').slice(failedSoFar);
    expect(last).toHaveLength(1);
    expect(last[0]!.headers['webhook-id']).toBe(dead.messageId);
    expect(JSON.parse(last[0]!.body).data.taskId).toBe(t);
    expect(rx.at('/dead').every((r) => r.headers['webhook-id'] === dead.messageId)).toBe(true);

    const again = await admin.req('POST', `/api/v1/webhooks/${sub.id}/deliveries/${dead.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    const audit = await h.db.store.db.selectFrom('events').select(['actor', 'data']).where('type', '=', 'webhook.delivery-retried').execute();
    expect(audit).toEqual([{ actor: `user:${adminId}`, data: { id: sub.id, deliveryId: dead.id, from: 'dead' } }]);
  });

  it.skipIf(skip)('keeps pending deliveries across a restart, including events committed while the server was down', async () => {
    rx.modes.set('/restart', 'fail');
    const sub = await subscribe('/restart', ['task.created', 'task.escalated']);
    const t1 = await capture(`wh-${backend}-r1`);
    const t2 = await capture(`wh-${backend}-r2`);
    await waitFor('a failed attempt for each', () => new Set(rx.at('/restart', 'fail').map((r) => r.headers['webhook-id'])).size >= 2);
    await h.restart(async () => {
      // Nothing sends now; an event committed meanwhile must still go out.
      await appendEvents(h.db.store.db, [{ type: 'task.escalated', taskId: t1, data: { level: 1 } }]);
    });
    const pending = await allDeliveries(sub.id, 'pending');
    expect(pending.length).toBeGreaterThanOrEqual(1);
    rx.modes.set('/restart', 'ok');
    await waitFor('all three after the restart', async () => (await allDeliveries(sub.id, 'delivered')).length === 3);
    const got = rx.at('/restart', 'ok').map((r) => JSON.parse(r.body));
    expect(got.map((b) => `${b.data.taskId}:${b.type}`).sort()).toEqual([`${t1}:task.created`, `${t1}:task.escalated`, `${t2}:task.created`].sort());
    for (const r of rx.at('/restart')) expect(verifies(sub.secret, r.headers, r.body)).toBe(true);
  });
});
