import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, Client, DEMO_KEY, startHarness, applyConfig, type Harness } from './harness.js';

// A completion starts from the row this process committed when it gave the task out (no read);
// the version check of its statement catches a row changed elsewhere, and it starts again from a read.
const CONFIG = {
  version: 1,
  skills: [],
  teams: [{ id: 'hr-team', name: 'Held rows' }],
  users: [
    { email: 'hr-amy@test.local', name: 'HR Amy', password: 'secret1', roles: ['agent'], teams: ['hr-team'], capacity: { workitem: 5 } },
    { email: 'hr-bea@test.local', name: 'HR Bea', password: 'secret1', roles: ['agent'], teams: [], capacity: {} },
  ],
  queues: [{ id: 'hr-q', name: 'HR', members: { teams: ['hr-team'] }, autoAnswer: true, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] }],
  worktypes: [{ id: 'hr-item', name: 'HR item', defaultQueue: 'hr-q', priority: 10, wrapUpCodes: ['done'] }],
  wrapUpCodes: [{ code: 'done', label: 'Done' }],
  rules: [],
};

describe.each(BACKENDS)('completions from held rows on $backend', ({ backend, skip }) => {
  let h: Harness;
  let crm: Client;
  let amy: Client;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    crm = new Client(h.base, DEMO_KEY);
    await applyConfig(h, CONFIG);
    amy = await Client.login(h.base, 'hr-amy@test.local', 'secret1');
    await amy.req('PUT', '/api/v1/me/presence', { status: 'available' });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A task given to Amy by auto-answer (the dispatcher committed it and knows its row). */
  const assigned = async (title: string) => {
    const r = await crm.req('POST', '/api/v1/tasks', { worktype: 'hr-item', title });
    await h.app.services.dispatcher.idle();
    const t = (await crm.req('GET', `/api/v1/tasks/${r.json.id}`)).json;
    expect(t).toMatchObject({ state: 'assigned', version: expect.any(Number) });
    return t as { id: string; version: number; priority: number };
  };
  const behindItsBack = (id: string, set: string) => sql.raw(`update tasks set ${set} where id = '${id}'`).execute(h.db.store.db);

  it.skipIf(skip)('completes from the committed row without reading it', async () => {
    const t = await assigned('no read');
    // A change that breaks the rule every writer keeps (the version moves): a read would see priority 55.
    await behindItsBack(t.id, 'priority = 55');
    const r = await amy.req('POST', `/api/v1/tasks/${t.id}/complete`, { wrapUpCode: 'done' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ state: 'completed', priority: t.priority, version: t.version + 1 });
  });

  it.skipIf(skip)('a row changed elsewhere fails the version check and the completion starts again from the stored row', async () => {
    const t = await assigned('changed elsewhere');
    await behindItsBack(t.id, 'priority = 77, version = version + 1');
    const r = await amy.req('POST', `/api/v1/tasks/${t.id}/complete`, {});
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ state: 'completed', priority: 77, version: t.version + 2 });
    const events = await h.db.store.db.selectFrom('events').select('type').where('task_id', '=', t.id).where('type', '=', 'task.completed').execute();
    expect(events).toHaveLength(1);
  });

  it.skipIf(skip)('given to someone else elsewhere: the stored row decides (403), nothing is completed', async () => {
    const t = await assigned('reassigned elsewhere');
    const bea = (await h.db.store.db.selectFrom('users').select('id').where('email', '=', 'hr-bea@test.local').executeTakeFirstOrThrow()).id;
    await behindItsBack(t.id, `assignee_id = '${bea}', version = version + 1`);
    const r = await amy.req('POST', `/api/v1/tasks/${t.id}/complete`, {});
    expect(r.status).toBe(403);
    expect((await h.db.store.db.selectFrom('tasks').select('state').where('id', '=', t.id).executeTakeFirstOrThrow()).state).toBe('assigned');
  });
});
