import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, TEST_DATABASE_URL, startHarness, applyConfig, type Harness } from './harness.js';

// Routing rounds are pipelined: a round reserves what it decided and commits in the background, so
// the next round does not wait for it. PostgreSQL only: it takes a second connection holding a row
// lock to keep one round's commit in flight (PGlite runs one statement at a time).
const CONFIG = {
  version: 1,
  skills: [],
  teams: [{ id: 'pr-a', name: 'Pipeline A' }, { id: 'pr-b', name: 'Pipeline B' }],
  users: [
    { email: 'pr-amy@test.local', name: 'PR Amy', password: 'secret1', roles: ['agent'], teams: ['pr-a'], capacity: { workitem: 1 } },
    { email: 'pr-bob@test.local', name: 'PR Bob', password: 'secret1', roles: ['agent'], teams: ['pr-b'], capacity: { workitem: 1 } },
  ],
  queues: [
    { id: 'pr-qa', name: 'PR A', members: { teams: ['pr-a'] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] },
    { id: 'pr-qb', name: 'PR B', members: { teams: ['pr-b'] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] },
  ],
  worktypes: [
    { id: 'pr-a', name: 'PR A', defaultQueue: 'pr-qa', priority: 10, wrapUpCodes: ['done'] },
    { id: 'pr-b', name: 'PR B', defaultQueue: 'pr-qb', priority: 10, wrapUpCodes: ['done'] },
  ],
  wrapUpCodes: [{ code: 'done', label: 'Done' }],
  rules: [],
};

const postgres = BACKENDS.find((b) => b.backend === 'postgres')!;

describe.skipIf(postgres.skip)('pipelined routing rounds on postgres', () => {
  let h: Harness;
  let crm: Client;
  let amy: Client;
  let bob: Client;
  let side: pg.Client;
  let admin: Client;

  const capture = async (worktype: string, title: string) => {
    const r = await crm.req('POST', '/api/v1/tasks', { worktype, title });
    expect(r.status).toBe(201);
    return r.json.id as string;
  };
  const offersOf = async (taskId: string) => h.db.store.db.selectFrom('offers').select(['agent_id', 'state']).where('task_id', '=', taskId).execute();
  /** Until the dispatcher's commit is waiting on the side connection's row lock. */
  const blocked = async () => {
    for (let i = 0; i < 200; i++) {
      const r = await side.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
      if (r.rows[0]!.n > 0) return;
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('no commit waited on the lock');
  };

  /**
   * Amy not ready and her queue empty; then a new task for her, its row locked by the side
   * connection, and Amy available: a round offers it to her and its commit waits on the lock.
   */
  const heldUpOfferToAmy = async (title: string) => {
    expect((await amy.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' })).status).toBe(200);
    const before = (await crm.req('GET', '/api/v1/tasks?queue=pr-qa&state=queued')).json.items as { id: string }[];
    for (const t of before) expect((await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'cleanup' })).status).toBe(200);
    await h.app.services.dispatcher.idle();
    const id = await capture('pr-a', title);
    await side.query('begin');
    await side.query('select id from tasks where id = $1 for update', [id]);
    await amy.req('PUT', '/api/v1/me/presence', { status: 'available' });
    await blocked();
    return id;
  };

  beforeAll(async () => {
    h = await startHarness('postgres');
    crm = new Client(h.base, DEMO_KEY);
    admin = await applyConfig(h, CONFIG);
    amy = await Client.login(h.base, 'pr-amy@test.local', 'secret1');
    bob = await Client.login(h.base, 'pr-bob@test.local', 'secret1');
    await bob.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const { db } = await h.db.store.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('db')).executeTakeFirstOrThrow();
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${db}`;
    side = new pg.Client({ connectionString: url.toString() });
    await side.connect();
  });
  afterAll(async () => {
    await side?.end().catch(() => {});
    await h?.close();
  });

  it('a round whose commit is held up does not hold up the next: another agent gets their offer meanwhile', async () => {
    const bobs = await bob.stream();
    try {
      const held = await heldUpOfferToAmy('held up');
      const free = await capture('pr-b', 'goes through');
      await bobs.next((m) => m.type === 'offer.created' && m.offer.taskId === free, 5000);
      expect(await offersOf(held)).toEqual([]); // Amy's round has not committed yet
      // Amy's capacity (1) is reserved by the round in flight: a second task for her waits.
      const second = await capture('pr-a', 'waits for Amy');
      expect((await crm.req('GET', `/api/v1/tasks/${second}`)).json.state).toBe('queued');
      await side.query('commit');
      await h.app.services.dispatcher.idle();
      expect(await offersOf(held)).toMatchObject([{ state: 'pending' }]);
      expect((await crm.req('GET', `/api/v1/tasks/${held}`)).json.state).toBe('offered');
      expect((await crm.req('GET', `/api/v1/tasks/${second}`)).json.state).toBe('queued'); // Amy is still full
      expect((await crm.req('POST', `/api/v1/tasks/${second}/cancel`, { reason: 'cleanup' })).status).toBe(200);
    } finally {
      await side.query('rollback').catch(() => undefined);
      bobs.close();
    }
  });

  it('a round that loses its commit (the task changed meanwhile) gives the reserved capacity back', async () => {
    // Amy is full with the offer from the test above: going not ready withdraws it, then it is canceled.
    try {
      const changed = await heldUpOfferToAmy('changed meanwhile');
      // Another writer changes the task first: the round's version check fails.
      await side.query('update tasks set version = version + 1, priority = priority + 1 where id = $1', [changed]);
      await side.query('commit');
      await h.app.services.dispatcher.idle();
      expect(await offersOf(changed)).toEqual([]);
      // The capacity reserved for the lost offer is Amy's again: the next task is offered to her.
      const next = await capture('pr-a', 'after the lost one');
      await h.app.services.dispatcher.idle();
      expect(await offersOf(next)).toMatchObject([{ state: 'pending' }]);
      // Operators see it: the lost offer, the committed ones, the commits' times, none in flight now.
      const metrics = String((await admin.req('GET', '/metrics')).json);
      const value = (line: RegExp) => Number(line.exec(metrics)?.[1] ?? Number.NaN);
      expect(value(/^worklane_routing_offers_total\{outcome="lost"\} (\d+)$/m)).toBe(1);
      expect(value(/^worklane_routing_offers_total\{outcome="committed"\} (\d+)$/m)).toBe(3); // held, free, next
      expect(value(/^worklane_routing_commit_seconds_count (\d+)$/m)).toBe(4);
      expect(value(/^worklane_routing_decide_seconds_count (\d+)$/m)).toBe(4);
      expect(value(/^worklane_routing_commits_in_flight (\d+)$/m)).toBe(0);
    } finally {
      await side.query('rollback').catch(() => undefined);
    }
  });

  it('an agent who leaves while a round commits an offer to them gets it withdrawn, not left pending', async () => {
    try {
      const late = await heldUpOfferToAmy('offered as she leaves');
      const leaving = amy.req('PUT', '/api/v1/me/presence', { status: 'offline' }); // withdraws her offers: after the commit in flight
      await new Promise((res) => setTimeout(res, 200));
      await side.query('commit');
      expect((await leaving).status).toBe(200);
      await h.app.services.dispatcher.idle();
      expect(await offersOf(late)).toMatchObject([{ state: 'rescinded' }]);
      expect((await crm.req('GET', `/api/v1/tasks/${late}`)).json.state).toBe('queued');
    } finally {
      await side.query('rollback').catch(() => undefined);
    }
  });
});
