import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/events/append.js';
import { json } from '../../src/db/schema.js';
import { serverSecret, verifyToken } from '../../src/portal/token.js';
import { BACKENDS, Client, DEMO_KEY, startHarness, applyConfig, type Harness } from './harness.js';

/** A real SMTP server on loopback that parses what arrives; `bounce…` addresses are refused (550), and it can be made to fail for a while (451). */
class Mailbox {
  readonly mails: ParsedMail[] = [];
  /** Deliveries to these addresses fail (451) this many more times: per address, so mail to others in flight meanwhile cannot use up the failure. */
  readonly failing = new Map<string, number>();
  private server!: SMTPServer;
  port = 0;
  /** SMTP connections opened so far. */
  connections = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      disableReverseLookup: true,
      onConnect: (_session, cb) => (this.connections++, cb()),
      onRcptTo: (address, _session, cb) => {
        if (address.address.startsWith('bounce')) return cb(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
        cb();
      },
      onData: (stream, session, cb) => {
        simpleParser(stream).then(
          (mail) => {
            const to = session.envelope.rcptTo.map((r) => r.address).find((a) => (this.failing.get(a) ?? 0) > 0);
            if (to) {
              this.failing.set(to, this.failing.get(to)! - 1);
              return cb(Object.assign(new Error('try again later'), { responseCode: 451 }));
            }
            this.mails.push(mail);
            cb();
          },
          (err: Error) => cb(err),
        );
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
  }
  to(address: string) {
    return this.mails.filter((m) => [m.to].flat().some((t) => t?.value.some((v) => v.address === address)));
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  status: number;
}

/** A local SMS/push provider speaking the adapters' protocol: fails `failNext` times per path, or always while `down`. */
class Provider {
  readonly hits: Hit[] = [];
  readonly failNext = new Map<string, number>();
  readonly down = new Set<string>();
  /** Requests to these paths get no answer until `release()`. */
  readonly hang = new Set<string>();
  private held: (() => void)[] = [];
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        if (this.hang.has(path)) return this.held.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"late"}'));
        const left = this.failNext.get(path) ?? 0;
        const fail = this.down.has(path) || left > 0;
        if (left > 0) this.failNext.set(path, left - 1);
        const status = req.headers.authorization !== `Bearer token-${path.slice(1)}` ? 401 : fail ? 503 : 200;
        this.hits.push({ path, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? JSON.stringify({ id: `prov-${this.hits.length}` }) : '{"error":"unavailable"}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }
  /** Answers the held requests (200) and stops holding. */
  release(): void {
    this.hang.clear();
    for (const answer of this.held.splice(0)) answer();
  }
  get holding(): number {
    return this.held.length;
  }
  at(path: string, status?: number) {
    return this.hits.filter((h) => h.path === path && (status === undefined || h.status === status));
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
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

const CREATED_EMAIL = {
  id: 'nt-created-email',
  name: 'Confirmation',
  channel: 'email',
  subject: 'Your {{ Case_Type | downcase }} request {{ Case_Id }}',
  body:
    'Dear {{ Customer_Firstname }} {{ Customer_Name }},\n' +
    'ticket {{ Case_Id }} about order {{ fields.order_number }} ({{ Field_order_number }}) is {{ Case_Status }}.\n' +
    'We answer within {{ Case_SLA }} {{ Case_SLA_Format | downcase }} ({{ Case_SLA_Type }}).\n' +
    'Created {{ Case_Creation_Date }} at {{ Case_Creation_Time }} ({{ Case_Created_At | date: "%H:%M %z" }}).\n' +
    'Segment {{ Customer_Segment }}, membership {{ Customer_membership }}.\n' +
    'Follow it: {{ Portal_Link }}',
};
const SMS = { id: 'nt-sms', name: 'SMS', channel: 'sms', body: 'Case {{ Case_Id }} is {{ Case_Status }}.' };
const PUSH = { id: 'nt-push', name: 'Push', channel: 'push', subject: 'Case {{ Case_Id }}', body: '{{ Case_Type }}: {{ Event_Reason | default: "updated" }}' };
const STAFF = { id: 'nt-staff', name: 'SLA warning', channel: 'email', subject: 'SLA warning on {{ Case_Id }}', body: '{{ Case_Id }} is due {{ Case_SLA_Due_Date }} {{ Case_SLA_Due_Time }}. {{ Case_Link }}' };

/** Brussels dates from today on; `nt-later` is closed today and the next two days, so it next opens on the fourth at 09:00. */
const DAYS = [0, 1, 2, 3].map((n) => new Date(Date.now() + n * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Europe/Brussels' }));
const OPEN_DAY = DAYS[3]!;
const WEEK = (from: string, to: string) => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from, to }]]));

const CONFIG = {
  version: 1,
  calendars: [
    { id: 'nt-later', name: 'Opens later', timeZone: 'Europe/Brussels', week: WEEK('09:00', '17:00'), overrides: DAYS.slice(0, 3).map((date) => ({ date, periods: [] })) },
    { id: 'nt-always', name: 'Always open', timeZone: 'Europe/Brussels', week: WEEK('00:00', '24:00') },
  ],
  caseTypes: [
    {
      id: 'nt-tech',
      name: 'Technical',
      form: { fields: [{ name: 'order_number', label: 'Order', type: 'text' }] },
      sla: { duration: 16, unit: 'hours', mode: 'calendar' },
    },
  ],
  notificationTemplates: [CREATED_EMAIL, SMS, PUSH, STAFF],
  notificationRules: [
    {
      caseType: 'nt-tech',
      rules: [
        { event: 'case.created', channel: 'email', template: 'nt-created-email', recipients: ['customer'] },
        { event: 'case.escalated', channel: 'sms', template: 'nt-sms', recipients: ['customer'] },
        { event: 'case.closed', channel: 'push', template: 'nt-push', recipients: ['customer'] },
        { event: 'sla.warning', channel: 'email', template: 'nt-staff', recipients: ['supervisors', 'addresses'], addresses: ['oncall@example.com'] },
        { event: 'case.assigned', channel: 'email', template: 'nt-staff', recipients: ['assignee', 'customer'], businessHoursOnly: true, calendar: 'nt-later' },
        { event: 'sla.breached', channel: 'email', template: 'nt-staff', recipients: ['supervisors'], businessHoursOnly: true, calendar: 'nt-always' },
      ],
    },
  ],
};

// Fast retries; the worker reads these when the app is built (and rebuilt on restart).
const ENV = {
  WORKLANE_NOTIFY_BACKOFF_MS: '40,80',
  WORKLANE_NOTIFY_MAX_ATTEMPTS: '4',
  WORKLANE_NOTIFY_POLL_MS: '200',
  WORKLANE_NOTIFY_TIMEOUT_MS: '3000',
  WORKLANE_MAIL_FROM: 'Worklane Test <noreply@worklane.test>',
  WORKLANE_PUBLIC_URL: 'https://worklane.test',
  WORKLANE_TIME_ZONE: 'Europe/Brussels',
  WORKLANE_SMS_TOKEN: 'token-sms',
  WORKLANE_PUSH_TOKEN: 'token-push',
};

describe.each(BACKENDS)('notifications on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let sam: Client;
  const mail = new Mailbox();
  const prov = new Provider();
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    if (skip) return;
    await mail.start();
    await prov.start();
    const env = { ...ENV, WORKLANE_SMTP_URL: `smtp://127.0.0.1:${mail.port}`, WORKLANE_SMS_URL: `${prov.base}/sms`, WORKLANE_PUSH_URL: `${prov.base}/push` };
    for (const [k, v] of Object.entries(env)) [saved[k], process.env[k]] = [process.env[k], v];
    h = await startHarness(backend);
    admin = await applyConfig(h, CONFIG);
    sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
  });
  afterAll(async () => {
    await h?.close();
    await mail.close().catch(() => {});
    await prov.close().catch(() => {});
    for (const k of Object.keys(saved)) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  });

  const db = () => h.db.store.db;
  /** A case as the cases module stores it, and its customer. */
  const newCase = async (customer: { email?: string | null; phone?: string | null } = {}) => {
    const customerId = randomUUID();
    const caseId = randomUUID();
    await db()
      .insertInto('customers')
      .values({ id: customerId, name: 'Peeters', first_name: 'Jan', email: customer.email === undefined ? `jan-${customerId.slice(0, 8)}@example.com` : customer.email, phone: customer.phone === undefined ? '+32471000001' : customer.phone, segment: 'Gold', addresses: json([]), notes: null, custom: json({ membership: 'M-9' }), updated_at: new Date(), version: 0 })
      .execute();
    const row = await db()
      .insertInto('cases')
      .values({ id: caseId, case_type: 'nt-tech', status: 'new', customer_id: customerId, title: 'Router down', fields: json({ order_number: 'A-77' }), source: 'api', escalation_level: 0, sla_policy: json(null), sla_paused: json([]), sla_started_at: new Date('2025-03-30T00:30:00Z'), sla_due_at: new Date('2025-03-30T16:30:00Z'), created_at: new Date('2025-03-30T00:30:00Z'), updated_at: new Date(), version: 0 })
      .returning(['id', 'number'])
      .executeTakeFirstOrThrow();
    const email = (await db().selectFrom('customers').select('email').where('id', '=', customerId).executeTakeFirstOrThrow()).email;
    return { id: row.id, number: row.number, email, customerId };
  };
  const emit = async (type: string, caseId: string, data: Record<string, unknown> = {}) => {
    await appendEvents(db(), [{ type, data: { caseId, ...data } }]);
    h.app.services.notifications.kick();
  };
  const log = async (caseId: string, who: Client = admin) => {
    const r = await who.req('GET', `/api/v1/cases/${caseId}/notifications`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.json.items as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const settled = (caseId: string, n = 1) => waitFor(`${n} settled notification(s) of ${caseId}`, async () => {
    const items = await log(caseId);
    return items.length >= n && items.every((i) => i.state === 'sent' || i.state === 'dead') && items;
  });

  it.skipIf(skip)('templates: admins and supervisors edit them; a template that does not parse, or runs away, is refused with where and why', async () => {
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    const t = { id: 'nt-tmp', name: 'Tmp', channel: 'email', subject: 'Hi {{ Customer_Name }}', body: 'Case {{ Case_Id }}' };
    expect((await alice.req('POST', '/api/v1/notification-templates', t)).status).toBe(403);
    expect((await new Client(h.base, DEMO_KEY).req('GET', '/api/v1/notification-templates')).status).toBe(403);
    const created = await sam.req('POST', '/api/v1/notification-templates', t);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toMatchObject({ ...t, createdAt: expect.any(String) });

    const broken = await sam.req('PATCH', '/api/v1/notification-templates/nt-tmp', { body: 'Hello\n{% if Case_Id %}\nno end' });
    expect(broken.status).toBe(422);
    expect(broken.headers.get('content-type')).toMatch(/problem\+json/);
    expect(broken.json.errors).toEqual([{ pointer: '/body', message: expect.stringMatching(/^does not parse: line 2, col 1: tag \{% if Case_Id %\} not closed/), in: 'body' }]);
    const filter = await admin.req('POST', '/api/v1/notification-templates', { ...t, id: 'nt-bad', subject: '{{ Case_Id | shout }}' });
    expect(filter.status).toBe(422);
    expect(filter.json.errors[0]).toMatchObject({ pointer: '/subject', message: expect.stringMatching(/undefined filter: shout/) });
    const loop = await admin.req('POST', '/api/v1/notification-templates', { ...t, id: 'nt-loop', body: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' });
    expect(loop.status).toBe(422);
    expect(loop.json.errors[0]).toMatchObject({ pointer: '/body', message: expect.stringMatching(/fails on the sample case: .*limit exceeded/) });
    const sms = await admin.req('POST', '/api/v1/notification-templates', { ...t, id: 'nt-sms2', channel: 'sms' });
    expect(sms.status).toBe(422);
    expect(sms.json.errors[0]).toMatchObject({ pointer: '/subject', message: 'an SMS has no subject' });
    expect((await admin.req('GET', '/api/v1/notification-templates/nt-bad')).status).toBe(404);

    const renamed = await sam.req('PATCH', '/api/v1/notification-templates/nt-tmp', { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.json.name).toBe('Renamed');
    // In use by a rule: not deleted.
    const inUse = await admin.req('DELETE', '/api/v1/notification-templates/nt-sms');
    expect(inUse.status).toBe(409);
    expect(inUse.json.usedBy).toEqual(['case type nt-tech: case.escalated by sms']);
    expect((await sam.req('DELETE', '/api/v1/notification-templates/nt-tmp')).status).toBe(204);
    const audit = await db().selectFrom('events').select('type').where('type', 'like', 'config.notification-template.%').execute();
    expect(audit.map((a) => a.type)).toEqual(expect.arrayContaining(['config.notification-template.created', 'config.notification-template.updated', 'config.notification-template.deleted']));
  });

  it.skipIf(skip)('preview renders a stored template with a sample or a real case, and a draft', async () => {
    const sample = await sam.req('POST', '/api/v1/notification-templates/nt-created-email/preview', { sample: { number: 'X-1', fields: { order_number: 'Z-9' } } });
    expect(sample.status, JSON.stringify(sample.json)).toBe(200);
    expect(sample.json.subject).toBe('Your technical request X-1');
    expect(sample.json.body).toContain('about order Z-9 (Z-9)');
    expect(sample.json.variables).toEqual(expect.arrayContaining(['Case_Id', 'Case_SLA_Format', 'Customer_Email', 'Portal_Link', 'Field_order_number']));

    const c = await newCase();
    const real = await sam.req('POST', '/api/v1/notification-templates/nt-created-email/preview', { caseId: c.id });
    expect(real.status).toBe(200);
    expect(real.json.subject).toBe(`Your technical request ${c.number}`);
    expect(real.json.body).toContain('We answer within 16 hours (Calendar time).');
    expect(real.json.body).toContain('Created 2025-03-30 at 01:30 (01:30 +0100).');
    expect(real.json.body).toContain('Follow it: https://worklane.test/portal?token=preview'); // never a real signed link
    expect((await sam.req('POST', '/api/v1/notification-templates/nt-created-email/preview', { caseId: 'no-such-case' })).status).toBe(404);

    const draft = await sam.req('POST', '/api/v1/notification-templates/preview', { template: { channel: 'sms', body: '{{ Case_Id }} {{ Nope }}' } });
    expect(draft.status).toBe(200);
    expect(draft.json).toMatchObject({ body: 'C-1001 ', unknownVariables: ['Nope'] });
    const bad = await sam.req('POST', '/api/v1/notification-templates/preview', { template: { channel: 'sms', body: 'a\n{{ Case_Id ' } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0]).toMatchObject({ pointer: '/body', message: expect.stringMatching(/^line 2, col 1: output "\{\{ Case_Id " not closed/) });
  });

  it.skipIf(skip)('rules: one matrix per case type, validated', async () => {
    const got = await sam.req('GET', '/api/v1/case-types/nt-tech/notifications');
    expect(got.status).toBe(200);
    expect(got.json.rules).toHaveLength(6);
    expect((await sam.req('PUT', '/api/v1/case-types/nt-tech/notifications', { rules: [] })).status).toBe(403);
    expect((await admin.req('GET', '/api/v1/case-types/nope/notifications')).status).toBe(404);
    const bad = await admin.req('PUT', '/api/v1/case-types/nt-tech/notifications', {
      rules: [
        { event: 'case.created', channel: 'sms', template: 'nt-created-email', recipients: ['customer'] },
        { event: 'case.created', channel: 'sms', template: 'nt-sms', recipients: ['addresses'] },
        { event: 'sla.warning', channel: 'email', template: 'nt-staff', recipients: ['assignee'], businessHoursOnly: true },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/rules/0/template', '/rules/1', '/rules/1/addresses', '/rules/2/calendar']);
    const unknownEvent = await admin.req('PUT', '/api/v1/case-types/nt-tech/notifications', { rules: [{ event: 'case.exploded', channel: 'sms', template: 'nt-sms', recipients: ['customer'] }] });
    expect(unknownEvent.status).toBe(400);
    // Unchanged by the refusals.
    expect((await admin.req('GET', '/api/v1/case-types/nt-tech/notifications')).json).toEqual(got.json);
  });

  it.skipIf(skip)('templates and rules are in the configuration file: export, re-import unchanged, unknown references refused', async () => {
    const exported = await admin.req('GET', '/api/v1/config/export?format=json');
    expect(exported.status).toBe(200);
    expect(exported.json.notificationTemplates).toEqual(expect.arrayContaining([CREATED_EMAIL, SMS, PUSH, STAFF]));
    const rules = exported.json.notificationRules.find((r: { caseType: string }) => r.caseType === 'nt-tech');
    expect(rules.rules).toHaveLength(6);
    const again = await admin.req('POST', '/api/v1/config/import', exported.json);
    expect(again.status, JSON.stringify(again.json)).toBe(200);
    const mine = again.json.changes.filter((c: { kind: string }) => c.kind.startsWith('notification'));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.filter((c: { change: string }) => c.change !== 'unchanged')).toEqual([]);
    const bad = await admin.req('POST', '/api/v1/config/import', {
      version: 1,
      caseTypes: [],
      notificationTemplates: [{ ...SMS, body: '{% if x %}' }],
      notificationRules: [{ caseType: 'ghost', rules: [{ event: 'case.created', channel: 'sms', template: 'nope', recipients: ['customer'] }] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/notificationTemplates/0/body', '/notificationRules/0/caseType', '/notificationRules/0/rules/0/template']);
  });

  it.skipIf(skip)('a case event sends the rendered confirmation e-mail over real SMTP, logged on the case', async () => {
    const c = await newCase();
    await emit('case.created', c.id);
    const [item] = await settled(c.id);
    expect(item).toMatchObject({ state: 'sent', channel: 'email', recipientKind: 'customer', recipient: c.email, eventType: 'case.created', templateId: 'nt-created-email', attemptCount: 1 });
    expect(item.attempts).toEqual([expect.objectContaining({ ok: true, error: null })]);
    const [m] = mail.to(c.email!);
    expect(m, 'the e-mail arrived').toBeTruthy();
    expect(m!.subject).toBe(`Your technical request ${c.number}`);
    expect(m!.from?.value[0]).toMatchObject({ address: 'noreply@worklane.test', name: 'Worklane Test' });
    expect(m!.messageId).toBe(`<wl-notification-${item.id}@worklane>`);
    const lines = m!.text!.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Dear Jan Peeters,',
      `ticket ${c.number} about order A-77 (A-77) is New.`,
      'We answer within 16 hours (Calendar time).',
      'Created 2025-03-30 at 01:30 (01:30 +0100).',
      'Segment Gold, membership M-9.',
    ]);
    // Portal_Link: a signed link to this customer's portal.
    const link = /^Follow it: (https:\/\/worklane\.test\/portal\?token=(\S+))$/.exec(lines[5]!);
    expect(link, lines[5]).toBeTruthy();
    const verified = verifyToken(await serverSecret(db()), 'link', decodeURIComponent(link![2]!));
    expect(verified).toMatchObject({ ok: true, customerId: c.customerId });
    // Other events and other case types send nothing; the job is done once.
    await emit('case.updated', c.id);
    await appendEvents(db(), [{ type: 'task.created', taskId: 'x', data: {} }]);
    await h.app.services.notifications.idle();
    expect(await log(c.id)).toHaveLength(1);
    const jobs = await db().selectFrom('notification_jobs').select(['state', 'event_type']).where('case_id', '=', c.id).execute();
    expect(jobs).toEqual([{ state: 'done', event_type: 'case.created' }]);
  });

  it.skipIf(skip)('end to end through the cases API: created and closed cases notify their customer', async () => {
    const email = `els-${randomUUID().slice(0, 8)}@example.com`;
    const created = await admin.req('POST', '/api/v1/cases', { caseType: 'nt-tech', fields: { order_number: 'B-1' }, customer: { name: 'Smet', firstName: 'Els', email, phone: '+32470999888' } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const id = created.json.id as string;
    const number = created.json.number as string;
    const [m] = await waitFor('the confirmation e-mail', () => mail.to(email).length > 0 && mail.to(email));
    expect(m!.subject).toBe(`Your technical request ${number}`);
    expect(m!.text).toContain(`Dear Els Smet,\nticket ${number} about order B-1 (B-1) is `);
    const closed = await admin.req('POST', `/api/v1/cases/${id}/close`, { resolution: 'Fixed remotely' });
    expect(closed.status, JSON.stringify(closed.json)).toBe(200);
    const push = await waitFor('the closing push', () => prov.at('/push', 200).find((x) => x.body.to === '+32470999888'));
    expect(push.body).toEqual({ to: '+32470999888', title: `Case ${number}`, body: 'Technical: Fixed remotely' });
    const items = await settled(id, 2);
    expect(items.map((i) => [i.eventType, i.channel, i.state])).toEqual([
      ['case.closed', 'push', 'sent'],
      ['case.created', 'email', 'sent'],
    ]);
  });

  it.skipIf(skip)('SMS and push go to the provider with the bearer token; failures are retried and logged, nothing is lost', async () => {
    const c = await newCase({ phone: '+32470111222' });
    prov.failNext.set('/sms', 2);
    await emit('case.escalated', c.id, { reason: 'customer called again' });
    await emit('case.closed', c.id, { resolution: 'Replaced' });
    const items = await settled(c.id, 2);
    const sms = items.find((i) => i.channel === 'sms');
    const push = items.find((i) => i.channel === 'push');
    expect(sms).toMatchObject({ state: 'sent', recipient: '+32470111222', body: `Case ${c.number} is New.`, attemptCount: 3 });
    expect(sms.attempts.map((a: { ok: boolean; error: string | null }) => [a.ok, a.error])).toEqual([
      [false, 'HTTP 503: {"error":"unavailable"}'],
      [false, 'HTTP 503: {"error":"unavailable"}'],
      [true, null],
    ]);
    expect(push).toMatchObject({ state: 'sent', subject: `Case ${c.number}`, body: 'Technical: Replaced', attemptCount: 1 });
    const sent = prov.at('/sms').filter((x) => x.body.to === '+32470111222');
    expect(sent.map((x) => x.status)).toEqual([503, 503, 200]);
    expect(sent[2]!.body).toEqual({ to: '+32470111222', text: `Case ${c.number} is New.` });
    expect(sent[2]!.headers['idempotency-key']).toBe(`wl-notification-${sms.id}`);
    expect(prov.at('/push', 200).find((x) => x.body.to === '+32470111222')?.body).toEqual({ to: '+32470111222', title: `Case ${c.number}`, body: 'Technical: Replaced' });
    // The SMTP outage (451) is retried too.
    const again = await newCase();
    mail.failing.set(again.email!, 1);
    await emit('case.created', again.id);
    const [e] = await settled(again.id);
    expect(e).toMatchObject({ state: 'sent', attemptCount: 2 });
    expect(e.attempts[0]).toMatchObject({ ok: false, error: expect.stringMatching(/451/) });
    expect(mail.to(again.email!)).toHaveLength(1);
  });

  it.skipIf(skip)('dead letters: after the last attempt, on a permanent refusal, or without an address; manual retry sends it', async () => {
    prov.down.add('/push');
    const c = await newCase();
    await emit('case.closed', c.id);
    const [dead] = await settled(c.id);
    expect(dead).toMatchObject({ state: 'dead', attemptCount: 4, nextAttemptAt: null });
    expect(dead.attempts).toHaveLength(4);
    const listed = await sam.req('GET', '/api/v1/notifications?state=dead&channel=push');
    expect(listed.json.items.map((i: { id: string }) => i.id)).toContain(dead.id);
    // Lists across cases name each message's case by its number.
    expect(listed.json.items.find((i: { id: string }) => i.id === dead.id)).toMatchObject({ caseId: c.id, caseNumber: c.number });

    prov.down.delete('/push');
    expect((await new Client(h.base, DEMO_KEY).req('POST', `/api/v1/notifications/${dead.id}/retry`)).status).toBe(403);
    const retried = await sam.req('POST', `/api/v1/notifications/${dead.id}/retry`);
    expect(retried.status, JSON.stringify(retried.json)).toBe(200);
    expect(retried.json.state).toBe('pending');
    const [sent] = await settled(c.id);
    expect(sent.state).toBe('sent');
    expect(sent.attempts).toHaveLength(5);
    expect((await sam.req('POST', `/api/v1/notifications/${dead.id}/retry`)).status).toBe(409);
    expect((await sam.req('POST', '/api/v1/notifications/999999999/retry')).status).toBe(404);
    // The retry is in the audit log, with who did it.
    const audited = (await admin.req('GET', '/api/v1/audit?kind=notification.retried')).json.items;
    expect(audited).toContainEqual(expect.objectContaining({ type: 'notification.retried', data: expect.objectContaining({ id: dead.id, caseId: c.id, from: 'dead' }) }));

    // 550 from the mail server: dead at once.
    const bounce = await newCase({ email: `bounce-${randomUUID().slice(0, 8)}@example.com` });
    await emit('case.created', bounce.id);
    const [b] = await settled(bounce.id);
    expect(b).toMatchObject({ state: 'dead', attemptCount: 1, lastError: expect.stringMatching(/550/) });

    // No mobile number: recorded dead with the reason, and retry says why not.
    const noPhone = await newCase({ phone: null });
    await emit('case.escalated', noPhone.id);
    const [np] = await settled(noPhone.id);
    expect(np).toMatchObject({ state: 'dead', attemptCount: 0, lastError: 'customer Peeters has no mobile number' });
    expect((await sam.req('POST', `/api/v1/notifications/${np.id}/retry`)).status).toBe(409);
  });

  it.skipIf(skip)('staff alerts reach the supervisors and listed addresses; the log is for those who may see the case', async () => {
    const c = await newCase();
    await emit('sla.warning', c.id);
    const items = await settled(c.id, 2);
    expect(items.map((i) => [i.recipientKind, i.recipient]).sort()).toEqual([
      ['addresses', 'oncall@example.com'],
      ['supervisors', 'sam@worklane.local'],
    ]);
    const [m] = mail.to('sam@worklane.local').filter((x) => x.subject === `SLA warning on ${c.number}`);
    expect(m?.text?.trim()).toBe(`${c.number} is due 2025-03-30 18:30. https://worklane.test/cases/${c.id}`);
    const alice = await Client.login(h.base, 'alice@worklane.local', 'alice123');
    expect((await alice.req('GET', `/api/v1/cases/${c.id}/notifications`)).status).toBe(404); // as for the case itself
    expect((await new Client(h.base, DEMO_KEY).req('GET', `/api/v1/cases/${c.id}/notifications`)).status).toBe(403);
    expect(await log(c.id, sam)).toHaveLength(2);
  });

  it.skipIf(skip)('business hours: a staff alert outside the calendar waits for its opening; the customer does not wait', async () => {
    const c = await newCase();
    const alice = await db().selectFrom('users').select(['id', 'email']).where('email', '=', 'alice@worklane.local').executeTakeFirstOrThrow();
    await emit('case.assigned', c.id, { agent: alice.id });
    const items = await waitFor('two notifications', async () => {
      const xs = await log(c.id);
      return xs.length === 2 && xs.some((x) => x.state === 'sent') && xs;
    });
    const staff = items.find((i) => i.recipientKind === 'assignee');
    expect(staff).toMatchObject({ state: 'pending', recipient: alice.email, recipientUserId: alice.id, attemptCount: 0 });
    const opens = new Date(staff.nextAttemptAt);
    expect(opens.toLocaleString('en-CA', { timeZone: 'Europe/Brussels', hour12: false })).toBe(`${OPEN_DAY}, 09:00:00`);
    expect(items.find((i) => i.recipientKind === 'customer')).toMatchObject({ state: 'sent', recipient: c.email });
    expect(mail.to(alice.email)).toHaveLength(0);
    // A calendar that is open now holds nothing back.
    await emit('sla.breached', c.id);
    const breached = await waitFor('the breach alert', async () => (await log(c.id)).find((i) => i.eventType === 'sla.breached' && i.state === 'sent'));
    expect(breached).toMatchObject({ recipient: 'sam@worklane.local', attemptCount: 1 });
    // Unknown calendars are refused.
    const bad = await admin.req('PUT', '/api/v1/case-types/nt-tech/notifications', { rules: [{ event: 'case.assigned', channel: 'email', template: 'nt-staff', recipients: ['assignee'], businessHoursOnly: true, calendar: 'nope' }] });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0]).toMatchObject({ pointer: '/rules/0/calendar', message: 'unknown calendar "nope"' });
  });

  it.skipIf(skip)('a restart with pending work still delivers it: jobs queued while down, and messages waiting for a retry', async () => {
    prov.down.add('/push');
    const waiting = await newCase();
    await emit('case.closed', waiting.id);
    await waitFor('a failed first attempt', async () => (await log(waiting.id))[0]?.state === 'failed');
    const queued = await newCase();
    await h.restart(async () => {
      // While no server runs: a case event commits (its job with it), and the provider recovers.
      await appendEvents(h.db.store.db, [{ type: 'case.created', data: { caseId: queued.id } }]);
      prov.down.delete('/push');
    });
    admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    const [w] = await settled(waiting.id);
    expect(w.state).toBe('sent');
    const [q] = await settled(queued.id);
    expect(q.state).toBe('sent');
    expect(mail.to(queued.email!)).toHaveLength(1);
  });
  it.skipIf(skip)('a burst of case events: e-mails share pooled SMTP connections, a case\'s messages follow its events, each attempt logged once', async () => {
    const worker = h.app.services.notifications;
    await worker.idle();
    const connectionsBefore = mail.connections;
    const cases = await Promise.all(Array.from({ length: 40 }, () => newCase()));
    // Each case: created (an e-mail), then closed (a push), committed together as a burst.
    await appendEvents(db(), cases.flatMap((c) => [{ type: 'case.created', data: { caseId: c.id } }, { type: 'case.closed', data: { caseId: c.id } }]));
    worker.kick();
    for (const c of cases) {
      const items = await settled(c.id, 2);
      // The log lists newest first: the push of case.closed was made after the e-mail of case.created.
      expect(items.map((i) => [i.eventType, i.state, i.attemptCount])).toEqual([['case.closed', 'sent', 1], ['case.created', 'sent', 1]]);
      expect(Number(items[0].id)).toBeGreaterThan(Number(items[1].id));
      expect(mail.to(c.email!)).toHaveLength(1);
    }
    // One connection per message in flight at most (8), not one per message (40).
    expect(mail.connections - connectionsBefore).toBeLessThanOrEqual(worker.options.concurrency);
  });

  it.skipIf(skip)('with every slot taken by a provider that does not answer, the worker waits for a send to end instead of looking again and again', async () => {
    const worker = h.app.services.notifications;
    await worker.idle();
    prov.hang.add('/sms');
    const cases = await Promise.all(Array.from({ length: worker.options.concurrency + 4 }, () => newCase()));
    await appendEvents(db(), cases.map((c) => ({ type: 'case.escalated', data: { caseId: c.id } })));
    worker.kick();
    await waitFor('every slot taken', () => prov.holding === worker.options.concurrency);
    const passes = worker.passes;
    await new Promise((r) => setTimeout(r, 1000));
    // The backstop poll (200 ms here) at most, not a look per turn of the event loop while messages are due.
    expect(worker.passes - passes).toBeLessThanOrEqual(8);
    expect(prov.holding).toBe(worker.options.concurrency);
    prov.release();
    for (const c of cases) expect((await settled(c.id)).map((i) => i.state)).toEqual(['sent']);
  });
});
