import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { auditQuery } from '../../src/admin/audit.js';
import { BACKENDS, Client, DEMO_KEY, counts, startHarness, type Harness } from './harness.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const pointers = (res: { json: Json }) => (res.json.errors ?? []).map((e: { pointer: string }) => e.pointer);

describe.each(BACKENDS)('configuration API on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let adminId: string;
  let crm: Client;
  const idOf = async (email: string): Promise<string> => (await admin.req('GET', '/api/v1/users')).json.items.find((u: Json) => u.email === email).id;
  /** Nothing moved: no event, and the whole configuration as before. */
  const unchanged = async (fn: () => Promise<void>) => {
    const before = { counts: await counts(h.db.store), doc: (await admin.req('GET', '/api/v1/config/export?format=json')).json };
    await fn();
    expect(await counts(h.db.store)).toEqual(before.counts);
    expect((await admin.req('GET', '/api/v1/config/export?format=json')).json).toEqual(before.doc);
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    adminId = (await admin.req('GET', '/api/v1/me')).json.user.id;
    crm = new Client(h.base, DEMO_KEY);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('skills, teams, wrap-up codes and presence reasons: create, read, change, delete, audited with the actor', async () => {
    const alice = await idOf('alice@worklane.local');
    expect((await admin.req('POST', '/api/v1/skills', { id: 'german', name: 'German' })).status).toBe(201);
    expect((await admin.req('GET', '/api/v1/skills/german')).json).toEqual({ id: 'german', name: 'German' });
    expect((await admin.req('PATCH', '/api/v1/skills/german', { name: 'Deutsch' })).json).toEqual({ id: 'german', name: 'Deutsch' });
    expect((await admin.req('GET', '/api/v1/skills')).json.items.map((s: Json) => s.id)).toContain('german');

    const team = await admin.req('POST', '/api/v1/teams', { id: 'night', name: 'Night shift', members: ['alice@worklane.local'] });
    expect(team.status).toBe(201);
    expect(team.json).toEqual({ id: 'night', name: 'Night shift', members: [alice] });
    expect((await admin.req('PATCH', '/api/v1/teams/night', { members: [] })).json.members).toEqual([]);

    expect((await admin.req('POST', '/api/v1/wrap-up-codes', { code: 'callback', label: 'Call back' })).status).toBe(201);
    expect((await admin.req('GET', '/api/v1/wrap-up-codes/callback')).json).toEqual({ code: 'callback', label: 'Call back' });
    expect((await admin.req('POST', '/api/v1/presence-reasons', { code: 'coaching', label: 'Coaching' })).status).toBe(201);
    // The new reason is usable at once (the presence route reads the reloaded configuration).
    const agent = await Client.login(h.base, 'carol@worklane.local', 'carol123');
    expect((await agent.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'coaching' })).json.reason).toBe('coaching');
    expect((await agent.req('GET', '/api/v1/presence-reasons')).json.items.map((r: Json) => r.code)).toContain('coaching');
    await agent.req('PUT', '/api/v1/me/presence', { status: 'offline' });

    for (const path of ['/api/v1/skills/german', '/api/v1/teams/night', '/api/v1/wrap-up-codes/callback']) expect((await admin.req('DELETE', path)).status).toBe(204);
    expect((await admin.req('GET', '/api/v1/skills/german')).status).toBe(404);

    const audit = (await admin.req('GET', `/api/v1/audit?kind=skill&actor=user:${adminId}`)).json.items;
    expect(audit.map((e: Json) => e.type)).toEqual(['config.skill.deleted', 'config.skill.updated', 'config.skill.created']);
    expect(audit.every((e: Json) => e.actor === `user:${adminId}`)).toBe(true);
    expect(audit[1].data).toEqual({ id: 'german', before: { id: 'german', name: 'German' }, after: { id: 'german', name: 'Deutsch' } });
    expect(audit[0].data).toMatchObject({ id: 'german', after: null });
  });

  it.skipIf(skip)('the audit log reads its few events by their own index, not backwards through every task event', async () => {
    const db = h.db.store.db;
    await sql`insert into events (type, data) select 'task.completed', '{}'::jsonb from generate_series(1, 20000)`.execute(db);
    await sql`analyze events`.execute(db);
    for (const filter of [{}, { kind: 'webhook' }, { actor: 'cli', from: new Date(0) }]) {
      const plan = JSON.stringify(await auditQuery(db, { ...filter, limit: 100 }).explain());
      expect(plan, JSON.stringify(filter)).toContain('events_audit');
    }
    const newest = (await admin.req('GET', '/api/v1/audit?limit=1')).json.items[0];
    expect(newest.type).toMatch(/^(config|api-key|auth|webhook|notification)\./);
  });

  it.skipIf(skip)('queues with members and the engine settings; worktypes with escalation and screen pop; all in the live configuration', async () => {
    const bob = await idOf('bob@worklane.local');
    const q = await admin.req('POST', '/api/v1/queues', {
      id: 'vip',
      name: 'VIP',
      members: { users: ['bob@worklane.local'], teams: ['experts'] },
      targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 60 }],
      distribution: 'both',
      claimLimit: 2,
      afterWorkSeconds: 15,
      priorityPolicy: { agingPerMinute: 2, agingMax: 40, urgencyWindowMinutes: 30, urgencyMax: 60 },
      exceptions: [
        { id: 'slow', waitedSeconds: 300, raisePriority: 25, alertSupervisors: true },
        { id: 'late', dueUsedPercent: 90, moveToQueue: 'finance' },
      ],
    });
    expect(q.status).toBe(201);
    const dave = await idOf('dave@worklane.local');
    expect(q.json).toMatchObject({ id: 'vip', members: { users: [bob], teams: ['experts'] }, offerTimeoutSeconds: 30, claimLimit: 2, afterWorkSeconds: 15 });
    const sam = await idOf('sam@worklane.local'); // in team experts too
    expect(q.json.allMembers).toEqual([bob, dave, sam].sort());
    const live = h.app.services.config.snapshot.queues.get('vip')!;
    expect(live.members.has(bob) && live.members.has(dave)).toBe(true);
    expect(live.priorityPolicy).toEqual({ agingPerMinute: 2, agingMax: 40, urgencyWindowMinutes: 30, urgencyMax: 60 });
    expect(live.exceptions!.map((e) => e.id)).toEqual(['slow', 'late']);

    const patched = await admin.req('PATCH', '/api/v1/queues/vip', { priorityPolicy: null, claimLimit: null, members: { teams: ['experts'] } });
    expect(patched.status).toBe(200);
    expect(patched.json.priorityPolicy).toBeUndefined();
    expect(patched.json.claimLimit).toBeUndefined();
    expect(patched.json.members).toEqual({ users: [], teams: ['experts'] });
    expect(h.app.services.config.snapshot.queues.get('vip')!.members.has(bob)).toBe(false);

    const wt = await admin.req('POST', '/api/v1/worktypes', {
      id: 'vip-request',
      name: 'VIP request',
      defaultQueue: 'vip',
      priority: 50,
      wrapUpCodes: ['processed'],
      skills: [{ skill: 'billing', minLevel: 60 }],
      escalation: { queue: 'finance', raisePriority: 40 },
      screenPop: 'frame',
      urlTemplate: 'https://crm.example.com/vip/{{externalId}}',
    });
    expect(wt.status).toBe(201);
    expect(wt.json).toMatchObject({ id: 'vip-request', mediaType: 'workitem', escalation: { queue: 'finance', raisePriority: 40 }, screenPop: 'frame', attributeSchema: null });
    expect(h.app.services.config.snapshot.worktypes.get('vip-request')).toMatchObject({ escalation: { queue: 'finance', raisePriority: 40 }, screenPop: 'frame' });
    const tab = await admin.req('PATCH', '/api/v1/worktypes/vip-request', { screenPop: 'tab', urlTemplate: null });
    expect(tab.json).toMatchObject({ screenPop: 'tab', urlTemplate: null, priority: 50 });
    // Capture uses it at once.
    const task = await crm.req('POST', '/api/v1/tasks', { worktype: 'vip-request', title: 'VIP', source: 'crm', externalId: 'vip-1' });
    expect(task.json).toMatchObject({ queue: 'vip', priority: 50 });
    await crm.req('POST', `/api/v1/tasks/${task.json.id}/cancel`, { reason: 'test done' });

    // Lists are cursor-paginated.
    const first = (await admin.req('GET', '/api/v1/queues?limit=2')).json;
    expect(first.items).toHaveLength(2);
    const rest = (await admin.req('GET', `/api/v1/queues?limit=20&cursor=${first.nextCursor}`)).json;
    expect([...first.items, ...rest.items].map((x: Json) => x.id)).toEqual(['back-office', 'callbacks', 'case-advisors', 'credit', 'experts', 'express-delivery', 'field-service', 'finance', 'finance-cases', 'sales', 'team-supervisor', 'vip', 'web-chat']);
    expect(rest.nextCursor).toBeNull();
  });

  it.skipIf(skip)('refuses bad input with 400/422 naming every bad field by pointer, and changes nothing', async () => {
    await unchanged(async () => {
      const cases: [string, string, unknown, number, string[]][] = [
        ['POST', '/api/v1/skills', { id: 'Bad Id', name: '' }, 400, ['/id', '/name']],
        ['POST', '/api/v1/skills', { id: 'ok', name: 'x', colour: 'red' }, 400, ['/colour']],
        ['POST', '/api/v1/queues', {
          id: 'q2', name: 'Q2', members: { users: ['nobody@x.org'], teams: ['ghosts'] },
          exceptions: [
            { id: 'a' },
            { id: 'a', waitedSeconds: 60, moveToQueue: 'nowhere', moveToTeamBin: 'ghosts' },
          ],
        }, 422, ['/members/teams/0', '/members/users/0', '/exceptions/0', '/exceptions/1/id', '/exceptions/1/moveToTeamBin', '/exceptions/1/moveToQueue']],
        ['POST', '/api/v1/queues', { id: 'q3', name: 'Q3', exceptions: [{ id: 'p', dueUsedPercent: 0, raisePriority: 5 }], claimLimit: 0, priorityPolicy: { agingPerMinute: 1 } }, 400,
          ['/exceptions/0/dueUsedPercent', '/claimLimit', '/priorityPolicy/agingMax', '/priorityPolicy/urgencyWindowMinutes', '/priorityPolicy/urgencyMax']],
        ['POST', '/api/v1/worktypes', { id: 'w2', name: 'W2', defaultQueue: 'nowhere', wrapUpCodes: ['nope'], skills: [{ skill: 'juggling' }], escalation: { queue: 'void' }, attributeSchema: { type: 'nonsense' } }, 422,
          ['/defaultQueue', '/wrapUpCodes/0', '/skills/0/skill', '/attributeSchema', '/escalation/queue']],
        ['POST', '/api/v1/worktypes', { id: 'w3', name: 'W3', defaultQueue: 'finance', screenPop: 'popup' }, 400, ['/screenPop']],
        ['POST', '/api/v1/rules', { id: 'r2', name: 'R2', when: 'task.attributes.x ==', set: { queue: 'nowhere', priorityFrom: '"high"', skills: [{ skill: 'juggling' }] } }, 422,
          ['/when', '/set/priorityFrom', '/set/queue', '/set/skills/0/skill']],
        ['POST', '/api/v1/rules', { id: 'r3', name: 'R3', when: '1 + 1', set: {} }, 422, ['/when']],
        ['POST', '/api/v1/users', { email: 'x@worklane.local', name: 'X', roles: ['agent'], skills: { juggling: 50 }, teams: ['ghosts'] }, 422, ['/skills/juggling', '/teams/0']],
        ['POST', '/api/v1/users', { email: 'not-an-email', name: 'X', roles: ['wizard'], skills: { billing: 101 }, capacity: { fax: 1 }, password: '123' }, 400,
          ['/email', '/roles/0', '/password', '/skills/billing', '/capacity/fax']],
        ['POST', '/api/v1/users', { email: 'ALICE@worklane.local', name: 'Alice again', roles: ['agent'] }, 409, ['/email']],
        ['POST', '/api/v1/skills', { id: 'billing', name: 'Billing again' }, 409, ['/id']],
        ['PATCH', '/api/v1/queues/finance', { name: null }, 400, ['/name']],
        ['PATCH', '/api/v1/queues/finance', { id: 'renamed' }, 400, ['/id']],
        ['PATCH', '/api/v1/worktypes/lead', { defaultQueue: 'nowhere' }, 422, ['/defaultQueue']],
        ['PATCH', '/api/v1/rules/finance-gold', { set: { priorityFrom: 'task.attributes.amount >' } }, 422, ['/set/priorityFrom']],
        ['PUT', '/api/v1/routing-settings', { blending: [{ media: 'voice', blocks: ['chat'] }, { media: 'voice', blocks: ['email'] }] }, 422, ['/blending/1/media']],
        ['PUT', '/api/v1/routing-settings', { blending: [{ media: 'fax', blocks: [] }] }, 400, ['/blending/0/media', '/blending/0/blocks']],
      ];
      for (const [method, path, body, status, want] of cases) {
        const res = await admin.req(method, path, body);
        const name = `${method} ${path} ${JSON.stringify(body)}`;
        expect(res.status, name).toBe(status);
        expect(res.headers.get('content-type'), name).toContain('application/problem+json');
        expect([...new Set(pointers(res))].sort(), name).toEqual([...want].sort());
      }
      for (const [method, path] of [['GET', '/api/v1/worktypes/nope'], ['PATCH', '/api/v1/queues/nope'], ['DELETE', '/api/v1/rules/nope'], ['DELETE', '/api/v1/users/nope']]) {
        const res = await admin.req(method!, path!, method === 'PATCH' ? { name: 'x' } : undefined);
        expect(res.status, `${method} ${path}`).toBe(404);
      }
    });
  });

  it.skipIf(skip)('refuses to delete what is in use (409 says what), and deletes it once free', async () => {
    await unchanged(async () => {
      const cases: [string, RegExp[]][] = [
        ['/api/v1/queues/finance', [/worktype invoice-dispute \(escalation\)/, /rule finance-gold/, /rule finance-other/]],
        ['/api/v1/queues/back-office', [/worktype invoice-dispute \(default queue\)/]],
        ['/api/v1/skills/billing', [/worktype invoice-dispute/]],
        ['/api/v1/skills/credit', [/worktype credit-request/, /rule credit-silver/]],
        ['/api/v1/teams/experts', [/queue finance \(member\)/, /queue finance \(exception due-80-percent\)/]],
        ['/api/v1/wrap-up-codes/processed', [/worktype invoice-dispute/, /worktype credit-request/]],
        ['/api/v1/presence-reasons/rona', [/RONA/]],
        ['/api/v1/users/' + adminId, [/last enabled administrator/]],
      ];
      for (const [path, why] of cases) {
        const res = await admin.req('DELETE', path);
        expect(res.status, path).toBe(409);
        for (const w of why) expect(res.json.detail, path).toMatch(w);
      }
    });
    // A queue with live work, then with history only; a worktype with tasks.
    expect((await admin.req('POST', '/api/v1/queues', { id: 'temp', name: 'Temporary' })).status).toBe(201);
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'lead', title: 'Lead', queue: 'temp', attributes: { value: 10 } })).json;
    const busy = await admin.req('DELETE', '/api/v1/queues/temp');
    expect(busy.status).toBe(409);
    expect(busy.json.usedBy).toEqual(['1 live task(s)']);
    await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'test done' });
    expect((await admin.req('DELETE', '/api/v1/queues/temp')).json.usedBy).toEqual(['1 finished task(s) keep it in their history']);
    expect((await admin.req('DELETE', '/api/v1/worktypes/lead')).json.detail).toMatch(/task\(s\)/);
    // Case types' procedures name queues, worktypes and wrap-up codes too.
    const step = await admin.req('DELETE', '/api/v1/queues/experts');
    expect(step.status).toBe(409);
    expect(step.json.usedBy).toEqual(expect.arrayContaining([expect.stringMatching(/^case type technical \(step /)]));
    expect((await admin.req('DELETE', '/api/v1/wrap-up-codes/send-back')).json.usedBy).toEqual(expect.arrayContaining([expect.stringMatching(/^case type /)]));
    // Free ones go.
    expect((await admin.req('POST', '/api/v1/queues', { id: 'spare', name: 'Spare', members: { teams: ['experts'] } })).status).toBe(201);
    expect((await admin.req('DELETE', '/api/v1/queues/spare')).status).toBe(204);
    expect(h.app.services.config.snapshot.queues.has('spare')).toBe(false);
  });

  it.skipIf(skip)('users: passwords set and reset but never shown, roles, disabled; the last admin stays', async () => {
    const created = await admin.req('POST', '/api/v1/users', {
      email: 'Eve@Worklane.local', name: 'Eve Expert', roles: ['agent'], password: 'eve-secret', skills: { technical: 70 }, capacity: { workitem: 2, chat: 3 }, teams: ['experts'],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email: 'eve@worklane.local', roles: ['agent'], skills: { technical: 70 }, capacity: { workitem: 2, chat: 3 }, teams: ['experts'], disabled: false });
    const id = created.json.id;
    const eve = await Client.login(h.base, 'eve@worklane.local', 'eve-secret');
    expect((await eve.req('GET', '/api/v1/me')).status).toBe(200);
    expect((await eve.req('POST', '/api/v1/skills', { id: 'x', name: 'x' })).status).toBe(403); // agents only read

    expect((await admin.req('PATCH', `/api/v1/users/${id}`, { password: 'eve-new-secret', roles: ['agent', 'supervisor'] })).json.roles).toEqual(['agent', 'supervisor']);
    expect((await eve.req('GET', '/api/v1/me')).status).toBe(401); // a reset ends old sessions
    expect((await new Client(h.base).req('POST', '/api/v1/auth/login', { email: 'eve@worklane.local', password: 'eve-secret' })).status).toBe(401);
    const eve2 = await Client.login(h.base, 'eve@worklane.local', 'eve-new-secret');
    expect((await eve2.req('GET', '/api/v1/me')).json.user.roles).toEqual(['agent', 'supervisor']);
    // Sessions are looked up at most once a second, but a change the server makes counts from the next request.
    expect((await admin.req('PATCH', `/api/v1/users/${id}`, { roles: ['agent'] })).status).toBe(200);
    expect((await eve2.req('GET', '/api/v1/me')).json.user.roles).toEqual(['agent']);
    expect((await admin.req('PATCH', `/api/v1/users/${id}`, { disabled: true })).json.disabled).toBe(true);
    expect((await eve2.req('GET', '/api/v1/me')).status).toBe(401);
    expect((await new Client(h.base).req('POST', '/api/v1/auth/login', { email: 'eve@worklane.local', password: 'eve-new-secret' })).status).toBe(401);

    const everything = JSON.stringify([
      (await admin.req('GET', '/api/v1/users')).json,
      (await admin.req('GET', `/api/v1/users/${id}`)).json,
      (await admin.req('GET', '/api/v1/audit?kind=user')).json,
      (await admin.req('GET', '/api/v1/config/export?format=json')).json,
    ]);
    expect(everything).not.toMatch(/argon2|password_hash|passwordHash|eve-secret|eve-new-secret/);
    const audit = (await admin.req('GET', `/api/v1/audit?kind=user&actor=admin@worklane.local`)).json.items;
    expect(audit.map((e: Json) => e.type)).toEqual(['config.user.updated', 'config.user.updated', 'config.user.updated', 'config.user.created']);
    expect(audit[2].data).toMatchObject({ id, passwordChanged: true, before: { roles: ['agent'] }, after: { roles: ['agent', 'supervisor'] } });

    expect((await admin.req('PATCH', `/api/v1/users/${adminId}`, { roles: ['supervisor'] })).status).toBe(409);
    expect((await admin.req('DELETE', `/api/v1/users/${id}`)).status).toBe(204);
    expect((await admin.req('GET', `/api/v1/users/${id}`)).status).toBe(404);
  });

  it.skipIf(skip)('rules: priorityFrom, position and enabled, used by the next capture without a restart', async () => {
    const rule = await admin.req('POST', '/api/v1/rules', {
      id: 'product-x', name: 'Product X leads by value', when: 'task.worktype == "lead" && task.attributes.product == "X"', set: { priorityFrom: 'double(task.attributes.value) / 100.0', queue: 'back-office' },
    });
    expect(rule.status).toBe(201);
    expect(rule.json.position).toBeGreaterThan(50); // after the demo rules
    const lead = (await crm.req('POST', '/api/v1/tasks', { worktype: 'lead', title: 'X lead', attributes: { value: 4200, product: 'X' } })).json;
    expect(lead).toMatchObject({ queue: 'back-office', priority: 42 });
    expect(lead.classification.matchedRules).toEqual(['lead-value', 'product-x']);
    await crm.req('POST', `/api/v1/tasks/${lead.id}/cancel`, { reason: 'test done' });

    await admin.req('PATCH', '/api/v1/rules/product-x', { enabled: false });
    const second = (await crm.req('POST', '/api/v1/tasks', { worktype: 'lead', title: 'X lead 2', attributes: { value: 4200, product: 'X' } })).json;
    expect(second).toMatchObject({ queue: 'sales', priority: 26.8 });
    // Moved first, the demo rules override it again.
    await admin.req('PATCH', '/api/v1/rules/product-x', { enabled: true, position: 1 });
    expect((await admin.req('GET', '/api/v1/rules')).json.items[0].id).toBe('product-x');
    const third = (await crm.req('POST', '/api/v1/tasks', { worktype: 'lead', title: 'X lead 3', attributes: { value: 4200, product: 'X' } })).json;
    expect(third).toMatchObject({ queue: 'back-office', priority: 26.8 });
    for (const id of [second.id, third.id]) await crm.req('POST', `/api/v1/tasks/${id}/cancel`, { reason: 'test done' });
    expect((await admin.req('DELETE', '/api/v1/rules/product-x')).status).toBe(204);
  });

  it.skipIf(skip)('POST /rules/test evaluates a draft or saved rule on a sample with all current rules', async () => {
    const sample = { worktype: 'invoice-dispute', attributes: { orderId: 'S1', department: 'Finance', segment: 'Gold', amount: 900 } };
    const draft = await admin.req('POST', '/api/v1/rules/test', { rule: { when: 'task.attributes.amount > 500', set: { priority: 95, dueInMinutes: 30 } }, task: sample });
    expect(draft.status).toBe(200);
    expect(draft.json).toMatchObject({
      matched: true,
      classification: { queue: 'finance', priority: 95, dueInMinutes: 30 },
      outcome: { queue: 'finance', priority: 95, skills: [{ skill: 'billing' }] },
    });
    expect(draft.json.classification.trace.map((t: Json) => [t.rule, t.matched])).toEqual([
      ['finance-gold', true], ['finance-other', false], ['credit-silver', false], ['lead-value', false], ['big-lead', false], ['invited-shoppers', false], ['(tested rule)', true],
    ]);
    // A saved rule, and an edit of it tested instead of the saved one.
    const saved = await admin.req('POST', '/api/v1/rules/test', { ruleId: 'big-lead', task: { worktype: 'lead', attributes: { value: 20000 } } });
    expect(saved.json).toMatchObject({ matched: true, classification: { priority: 90, dueInMinutes: 60 } });
    const edited = await admin.req('POST', '/api/v1/rules/test', { ruleId: 'big-lead', rule: { when: 'task.attributes.value > 50000', set: { priority: 99 } }, task: { worktype: 'lead', attributes: { value: 20000 } } });
    expect(edited.json).toMatchObject({ matched: false, classification: { priority: 90 }, outcome: { queue: 'sales', priority: 90 } });
    expect(edited.json.classification.trace.filter((t: Json) => t.rule === 'big-lead')).toHaveLength(1);
    // Runtime errors are reported, not thrown; bad expressions and samples are refused with pointers.
    const missing = await admin.req('POST', '/api/v1/rules/test', { rule: { when: 'task.attributes.nothing > 1' }, task: sample });
    expect(missing.json.matched).toBe(false);
    expect(missing.json.error).toEqual(expect.any(String));
    const bad = await admin.req('POST', '/api/v1/rules/test', { rule: { when: 'task.attributes.amount >', set: { priorityFrom: 'true' } }, task: sample });
    expect(bad.status).toBe(422);
    expect(pointers(bad)).toEqual(['/rule/when', '/rule/set/priorityFrom']);
    expect(pointers(await admin.req('POST', '/api/v1/rules/test', { rule: { when: 'true' }, task: { worktype: 'invoice-dispute', attributes: { orderId: 1 } } }))).toEqual(
      expect.arrayContaining(['/task/attributes/orderId', '/task/attributes/department']),
    );
    expect(pointers(await admin.req('POST', '/api/v1/rules/test', { rule: { when: 'true' }, task: { worktype: 'nope' } }))).toEqual(['/task/worktype']);
    expect(pointers(await admin.req('POST', '/api/v1/rules/test', { ruleId: 'nope', task: sample }))).toEqual(['/ruleId']);
    expect(pointers(await admin.req('POST', '/api/v1/rules/test', { task: sample }))).toEqual(['/rule']);
    expect((await crm.req('POST', '/api/v1/rules/test', { rule: { when: 'true' }, task: sample })).status).toBe(403);
  });

  it.skipIf(skip)('routing settings: default, replaced, in the live configuration and audited', async () => {
    expect((await admin.req('GET', '/api/v1/routing-settings')).json).toEqual({ blending: [{ media: 'voice', blocks: ['chat', 'email', 'workitem'] }] });
    const put = await admin.req('PUT', '/api/v1/routing-settings', { blending: [{ media: 'chat', blocks: ['voice'] }] });
    expect(put.json).toEqual({ blending: [{ media: 'chat', blocks: ['voice'] }] });
    expect(h.app.services.config.snapshot.routing).toEqual({ blending: [{ media: 'chat', blocks: ['voice'] }] });
    const [e] = (await admin.req('GET', '/api/v1/audit?kind=routing-settings')).json.items;
    expect(e).toMatchObject({ type: 'config.routing-settings.updated', actor: `user:${adminId}`, data: { before: { blending: [{ media: 'voice' }] }, after: { blending: [{ media: 'chat' }] } } });
    expect((await crm.req('GET', '/api/v1/routing-settings')).status).toBe(200);
    expect((await crm.req('PUT', '/api/v1/routing-settings', { blending: [] })).status).toBe(403);
  });

  it.skipIf(skip)('export -> import round trip keeps the engine settings; imports are audited item by item', async () => {
    const doc = (await admin.req('GET', '/api/v1/config/export?format=json')).json;
    const finance = doc.queues.find((q: Json) => q.id === 'finance');
    expect(finance).toMatchObject({ priorityPolicy: { agingPerMinute: 1, agingMax: 30 }, afterWorkSeconds: 10, exceptions: [{ id: 'waited-10-min' }, { id: 'due-80-percent', moveToTeamBin: 'experts' }] });
    expect(doc.queues.find((q: Json) => q.id === 'back-office')).toMatchObject({ distribution: 'both', claimLimit: 3 });
    expect(doc.worktypes.find((w: Json) => w.id === 'invoice-dispute').escalation).toEqual({ queue: 'finance', raisePriority: 30 });
    expect(doc.worktypes.find((w: Json) => w.id === 'credit-request').screenPop).toBe('frame');
    expect(doc.rules.find((r: Json) => r.id === 'lead-value').set.priorityFrom).toMatch(/double\(task.attributes.value\)/);
    expect(doc.routing).toEqual({ blending: [{ media: 'chat', blocks: ['voice'] }] });
    expect((await admin.req('POST', '/api/v1/config/import', doc)).json.changes.filter((c: Json) => c.change !== 'unchanged')).toEqual([]);

    finance.exceptions[0].raisePriority = 35;
    finance.claimLimit = 5;
    doc.worktypes.find((w: Json) => w.id === 'credit-request').escalation = { raisePriority: 10 };
    doc.routing = { blending: [] };
    doc.users.find((u: Json) => u.email === 'ann@worklane.local').disabled = true;
    const dry = await admin.req('POST', '/api/v1/config/import', doc);
    expect(dry.json.changes.filter((c: Json) => c.change !== 'unchanged').map((c: Json) => `${c.kind}:${c.id}`).sort()).toEqual(
      ['queues:finance', 'routing:routing', 'users:ann@worklane.local', 'worktypes:credit-request'],
    );
    expect((await admin.req('GET', '/api/v1/queues/finance')).json.claimLimit).toBeUndefined(); // a dry run changes nothing
    const applied = await admin.req('POST', '/api/v1/config/import?apply=true', doc);
    expect(applied.json.applied).toBe(true);
    expect((await admin.req('GET', '/api/v1/queues/finance')).json).toMatchObject({ claimLimit: 5, exceptions: [{ id: 'waited-10-min', raisePriority: 35 }, { id: 'due-80-percent' }] });
    expect(h.app.services.config.snapshot.routing).toEqual({ blending: [] });
    expect((await admin.req('GET', '/api/v1/worktypes/credit-request')).json.escalation).toEqual({ raisePriority: 10 });
    expect((await new Client(h.base).req('POST', '/api/v1/auth/login', { email: 'ann@worklane.local', password: 'ann123' })).status).toBe(401);
    expect((await admin.req('POST', '/api/v1/config/import', (await admin.req('GET', '/api/v1/config/export?format=json')).json)).json.changes.every((c: Json) => c.change === 'unchanged')).toBe(true);

    const audit = (await admin.req('GET', '/api/v1/audit?kind=config&limit=5')).json;
    expect(audit.items.map((e: Json) => e.type)).toEqual(['config.imported', 'config.routing-settings.updated', 'config.worktype.updated', 'config.queue.updated', 'config.user.updated']);
    expect(audit.items[3].data).toMatchObject({ id: 'finance', via: 'import', after: { claimLimit: 5 } });
    expect(audit.items[3].data.before.claimLimit).toBeUndefined();
    expect(audit.items.every((e: Json) => e.actor === `user:${adminId}`)).toBe(true);
    // Paging goes on where it stopped, without repeats.
    const next = (await admin.req('GET', `/api/v1/audit?kind=config&limit=5&cursor=${audit.nextCursor}`)).json.items;
    expect(next.length).toBeGreaterThan(0);
    expect(Number(next[0].id)).toBeLessThan(Number(audit.items[4].id));
    // Time window, other families, admins only.
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await admin.req('GET', `/api/v1/audit?from=${encodeURIComponent(future)}`)).json.items).toEqual([]);
    await new Client(h.base).req('POST', '/api/v1/auth/login', { email: 'ann@worklane.local', password: 'wrong' });
    expect((await admin.req('GET', '/api/v1/audit?kind=auth')).json.items[0]).toMatchObject({ type: 'auth.login-failed', data: { email: 'ann@worklane.local' } });
    const sam = await Client.login(h.base, 'sam@worklane.local', 'sam123');
    expect((await sam.req('GET', '/api/v1/audit')).status).toBe(403);
    expect((await admin.req('GET', '/api/v1/audit?cursor=xyz')).status).toBe(400);
  });

  it.skipIf(skip)("an agent's new skill reaches routing at once: a waiting task is offered to them without a restart", async () => {
    const carolId = await idOf('carol@worklane.local');
    expect((await admin.req('POST', '/api/v1/skills', { id: 'mandarin', name: 'Mandarin' })).status).toBe(201);
    expect((await admin.req('POST', '/api/v1/queues', { id: 'asia', name: 'Asia', members: { users: [carolId] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 50 }] })).status).toBe(201);
    expect((await admin.req('POST', '/api/v1/worktypes', { id: 'asia-request', name: 'Asia request', defaultQueue: 'asia', skills: [{ skill: 'mandarin' }] })).status).toBe(201);
    const carol = await Client.login(h.base, 'carol@worklane.local', 'carol123');
    const stream = await carol.stream();
    await carol.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const t = (await crm.req('POST', '/api/v1/tasks', { worktype: 'asia-request', title: 'Needs Mandarin', source: 'crm', externalId: 'asia-1' })).json;
    await h.app.services.dispatcher.idle();
    expect((await crm.req('GET', `/api/v1/tasks/${t.id}`)).json.state).toBe('queued');
    expect(stream.messages.some((m) => m.type === 'offer.created' && m.offer.taskId === t.id)).toBe(false);

    const skills = (await admin.req('GET', `/api/v1/users/${carolId}`)).json.skills;
    const patched = await admin.req('PATCH', `/api/v1/users/${carolId}`, { skills: { ...skills, mandarin: 80 } });
    expect(patched.json.skills).toMatchObject({ mandarin: 80, sales: 95 });
    const { offer } = await stream.next((m) => m.type === 'offer.created' && m.offer.taskId === t.id);
    expect(offer.agentId).toBe(carolId);

    // Someone with work and offers in their history is disabled, not deleted.
    const refused = await admin.req('DELETE', `/api/v1/users/${carolId}`);
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/disable the user instead/);
    await crm.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'test done' });
    await carol.req('PUT', '/api/v1/me/presence', { status: 'offline' });
    stream.close();
  });
});
