import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, applyConfig, startHarness, type Harness } from './harness.js';

// Quality management: questionnaires and evaluation plans (configuration), finished work sampled
// into scorecards in the background, evaluators scoring, agents acknowledging, calibrations and
// the quality report.
process.env.WORKLANE_QUALITY_SETTLE_MS = '0';
process.env.WORKLANE_QUALITY_POLL_MS = '200'; // the planner's own loop samples (not only catchUp)

const CONFIG = {
  version: 1,
  teams: [{ id: 'qa-team', name: 'Quality team' }],
  users: [
    { email: 'qa-ann@test.local', name: 'Ann Agent', password: 'secret1', roles: ['agent'], teams: ['qa-team'] },
    { email: 'qa-bob@test.local', name: 'Bob Agent', password: 'secret1', roles: ['agent'] },
    { email: 'qa-sam@test.local', name: 'Sam Scorer', password: 'secret1', roles: ['supervisor'], teams: ['qa-team'] },
    { email: 'qa-sue@test.local', name: 'Sue Scorer', password: 'secret1', roles: ['supervisor'], teams: ['qa-team'] },
  ],
  queues: [{ id: 'qa-q', name: 'Quality queue', members: { users: ['qa-ann@test.local'] }, offerTimeoutSeconds: 60, refusalSeconds: 0 }],
  worktypes: [{ id: 'qa-wt', name: 'Quality work', defaultQueue: 'qa-q', wrapUpCodes: ['qa-done'] }],
  wrapUpCodes: [{ code: 'qa-done', label: 'Done' }],
};
const FORM = {
  id: 'qa-basic',
  name: 'Basic quality',
  passPercent: 70,
  groups: [
    { id: 'greeting', name: 'Greeting', questions: [{ id: 'named', text: 'Gave their name?', kind: 'yes-no' }, { id: 'tone', text: 'Tone', kind: 'scale' }] },
    { id: 'compliance', name: 'Compliance', questions: [{ id: 'verified', text: 'Verified the customer?', kind: 'yes-no', critical: true }, { id: 'upsell', text: 'Offer', kind: 'choice', allowNA: true, answers: [{ label: 'Fitting', points: 2 }, { label: 'None', points: 0 }] }] },
  ],
};
const ALL_GOOD = { named: { answer: 'Yes' }, tone: { answer: '5' }, verified: { answer: 'Yes' }, upsell: { na: true } };

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('quality management on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let ann: Client;
  let bob: Client;
  let sam: Client;
  let sue: Client;
  const ids: Record<string, string> = {};
  const done: string[] = [];

  /** Captures a task for Ann, who accepts and completes it. */
  const work = async (n: number) => {
    const crm = new Client(h.base, DEMO_KEY);
    const t = await crm.req('POST', '/api/v1/tasks', { worktype: 'qa-wt', source: 'qa', externalId: `QA-${backend}-${n}`, title: `Quality work ${n}` });
    expect(t.status).toBe(201);
    await h.app.services.dispatcher.idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: Json) => o.taskId === t.json.id);
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    expect((await ann.req('POST', `/api/v1/tasks/${t.json.id}/complete`, { wrapUpCode: 'qa-done' })).status).toBe(200);
    return t.json.id as string;
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await applyConfig(h, CONFIG);
    const login = (n: string) => Client.login(h.base, `qa-${n}@test.local`, 'secret1');
    [ann, bob, sam, sue] = [await login('ann'), await login('bob'), await login('sam'), await login('sue')];
    for (const u of (await admin.req('GET', '/api/v1/users')).json.items as Json[]) ids[u.email] = u.id;
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('configures questionnaires and plans with every mistake named by field, and keeps them in the configuration document', async () => {
    const bad = await admin.req('POST', '/api/v1/questionnaires', { ...FORM, groups: [{ ...FORM.groups[0], questions: [FORM.groups[0]!.questions[0], FORM.groups[0]!.questions[0]] }] });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0]).toMatchObject({ pointer: '/groups/0/questions/1/id' });
    expect((await admin.req('POST', '/api/v1/questionnaires', { ...FORM, groups: [] })).status).toBe(400);
    expect((await admin.req('GET', '/api/v1/questionnaires/qa-basic')).status).toBe(404);
    expect((await admin.req('POST', '/api/v1/questionnaires', FORM)).status).toBe(201);

    const plan = { id: 'qa-all', name: 'All quality work', questionnaire: 'qa-basic', evaluators: ['qa-sam@test.local', 'qa-sue@test.local'], percent: 100, mediaTypes: ['workitem'], perAgentPerWeek: 2, acknowledge: true, agents: ['qa-ann@test.local'], teams: ['qa-team'] };
    const wrong = await admin.req('POST', '/api/v1/evaluation-plans', { ...plan, questionnaire: 'nope', evaluators: ['nobody@test.local'], queues: ['nope'], agents: ['ghost@test.local'], teams: ['nope'] });
    expect(wrong.json.errors.map((e: Json) => e.pointer)).toEqual(['/questionnaire', '/evaluators/0', '/agents/0', '/teams/0', '/queues/0']);
    expect((await admin.req('POST', '/api/v1/evaluation-plans', plan)).status).toBe(201);
    expect((await admin.req('GET', '/api/v1/evaluation-plans/qa-all')).json).toMatchObject({ evaluators: [ids['qa-sam@test.local'], ids['qa-sue@test.local']], agents: [ids['qa-ann@test.local']] });
    // A supervisor reads questionnaires (to pick one); an agent may not change them.
    expect((await sam.req('GET', '/api/v1/questionnaires/qa-basic')).json.groups).toHaveLength(2);
    expect((await ann.req('PATCH', '/api/v1/questionnaires/qa-basic', { name: 'Mine' })).status).toBe(403);
    // In use by a plan: not deleted.
    expect((await admin.req('DELETE', '/api/v1/questionnaires/qa-basic')).status).toBe(409);

    const doc = (await admin.req('GET', '/api/v1/config/export?format=json')).json;
    expect(doc.questionnaires.find((q: Json) => q.id === 'qa-basic')).toMatchObject({ name: 'Basic quality', groups: FORM.groups });
    expect(doc.evaluationPlans.find((p: Json) => p.id === 'qa-all')).toMatchObject({ evaluators: ['qa-sam@test.local', 'qa-sue@test.local'], agents: ['qa-ann@test.local'], teams: ['qa-team'] });
    const again = await admin.req('POST', '/api/v1/config/import?apply=true', doc);
    expect(again.status, JSON.stringify(again.json)).toBe(200);
  });

  it.skipIf(skip)('samples finished work into scorecards once, within the weekly quota, spread over the evaluators', async () => {
    const samStream = await sam.stream();
    for (let i = 1; i <= 3; i++) done.push(await work(i));
    // The planner's loop finds them (every 200 ms here); a pass after it finds nothing more: once each.
    await samStream.next((m) => m.type === 'scorecards.changed');
    await expect.poll(async () => (await h.db.store.db.selectFrom('scorecards').select('id').execute()).length, { timeout: 5_000 }).toBe(2); // two a week for Ann from this plan
    expect(await h.app.services.quality.catchUp()).toBe(0);
    samStream.close();
    const samOpen = (await sam.req('GET', '/api/v1/scorecards?evaluator=me&state=assigned,in-progress')).json.items;
    const sueOpen = (await sue.req('GET', '/api/v1/scorecards?evaluator=me&state=assigned,in-progress')).json.items;
    expect(samOpen).toHaveLength(1);
    expect(sueOpen).toHaveLength(1);
    expect(samOpen[0]).toMatchObject({ state: 'assigned', agent: { name: 'Ann Agent' }, evaluator: { name: 'Sam Scorer' }, questionnaire: { id: 'qa-basic' }, plan: 'qa-all', needsAcknowledgement: true, task: { title: 'Quality work 1' } });
    // Ann does not see drafts about her; Bob sees nothing of it.
    expect((await ann.req('GET', '/api/v1/scorecards')).json.items).toEqual([]);
    expect((await bob.req('GET', `/api/v1/scorecards/${samOpen[0].id}`)).status).toBe(404);
  });

  it.skipIf(skip)('the evaluator saves progress and finishes; bad answers and gaps are named; the agent acknowledges', async () => {
    const card = (await sam.req('GET', '/api/v1/scorecards?evaluator=me')).json.items[0];
    const bad = await sam.req('PUT', `/api/v1/scorecards/${card.id}/answers`, { answers: { tone: { answer: '9' }, named: { na: true } } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: Json) => e.pointer)).toEqual(['/answers/tone/answer', '/answers/named/na']);
    expect((await sam.req('GET', `/api/v1/scorecards/${card.id}`)).json).toMatchObject({ state: 'assigned', answers: {} });
    expect((await sue.req('PUT', `/api/v1/scorecards/${card.id}/answers`, { answers: { tone: { answer: '3' } } })).status).toBe(403);

    const partial = await sam.req('PUT', `/api/v1/scorecards/${card.id}/answers`, { answers: { named: { answer: 'Yes' }, tone: { answer: '3', comment: 'a bit flat' } } });
    expect(partial.json).toMatchObject({ state: 'in-progress', percent: 75, groups: [{ id: 'greeting', percent: 75 }, { id: 'compliance', percent: null }], unanswered: ['verified', 'upsell'] });
    const gaps = await sam.req('POST', `/api/v1/scorecards/${card.id}/finish`, {});
    expect(gaps.status).toBe(422);
    expect(gaps.json.errors.map((e: Json) => e.pointer)).toEqual(['/answers/verified', '/answers/upsell']);

    const annStream = await ann.stream();
    const fin = await sam.req('POST', `/api/v1/scorecards/${card.id}/finish`, { answers: { verified: { answer: 'Yes' }, upsell: { na: true } }, comment: 'Good call' });
    expect(fin.json).toMatchObject({ state: 'finished', percent: 87.5, band: 'pass', comment: 'Good call', answers: { tone: { answer: '3', comment: 'a bit flat' } } });
    expect((await sam.req('PUT', `/api/v1/scorecards/${card.id}/answers`, { answers: { tone: { answer: '5' } } })).status).toBe(409);
    await annStream.next((m) => m.type === 'scorecards.changed');
    annStream.close();

    const mine = (await ann.req('GET', '/api/v1/scorecards?agent=me')).json.items;
    expect(mine).toEqual([expect.objectContaining({ id: card.id, state: 'finished', percent: 87.5, needsAcknowledgement: true })]);
    expect((await sam.req('POST', `/api/v1/scorecards/${card.id}/acknowledge`, {})).status).toBe(403);
    const ack = await ann.req('POST', `/api/v1/scorecards/${card.id}/acknowledge`, { comment: 'Will work on my tone' });
    expect(ack.json).toMatchObject({ state: 'acknowledged', agentComment: 'Will work on my tone' });
    expect((await ann.req('POST', `/api/v1/scorecards/${card.id}/acknowledge`, {})).status).toBe(409);
    // On the task (its history): finished and acknowledged; that it was picked is not the agent's to see before.
    const events = await h.db.store.db.selectFrom('events').select('type').where('task_id', '=', card.task.id).where('type', 'like', 'scorecard.%').orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['scorecard.finished', 'scorecard.acknowledged']);
    const picked = await h.db.store.db.selectFrom('events').select(['actor', 'user_id']).where('type', '=', 'scorecard.assigned').where(({ ref }) => ref('data', '->>').key('scorecard'), '=', card.id).execute();
    expect(picked).toEqual([{ actor: 'system:quality', user_id: ids['qa-sam@test.local'] }]);
  });

  it.skipIf(skip)('a supervisor picks work to evaluate, with several evaluators as a calibration that shows where they differ', async () => {
    const third = done[2]!;
    const refuse = async (body: object, pointer: string) => {
      const r = await sam.req('POST', '/api/v1/scorecards', body);
      expect(r.status, JSON.stringify(r.json)).toBe(422);
      expect(r.json.errors[0].pointer).toBe(pointer);
    };
    await refuse({ taskId: third, questionnaire: 'nope' }, '/questionnaire');
    await refuse({ taskId: 'nope', questionnaire: 'qa-basic' }, '/taskId');
    await refuse({ taskId: third, questionnaire: 'qa-basic', evaluators: ['qa-ann@test.local'] }, '/evaluators/0');
    expect((await bob.req('POST', '/api/v1/scorecards', { taskId: third, questionnaire: 'qa-basic' })).status).toBe(403);

    const made = await sam.req('POST', '/api/v1/scorecards', { taskId: third, questionnaire: 'qa-basic', evaluators: ['qa-sam@test.local', 'qa-sue@test.local'] });
    expect(made.status).toBe(201);
    const { calibration, items } = made.json;
    expect(items).toHaveLength(2);
    const of = (who: string) => items.find((c: Json) => c.evaluator.id === ids[who]).id;
    expect((await sam.req('POST', `/api/v1/scorecards/${of('qa-sam@test.local')}/finish`, { answers: ALL_GOOD })).json.percent).toBe(100);
    const pending = (await sam.req('GET', `/api/v1/calibrations/${calibration}`)).json;
    expect(pending).toMatchObject({ cards: 1, pending: [{ evaluator: { name: 'Sue Scorer' } }] });
    expect((await sue.req('POST', `/api/v1/scorecards/${of('qa-sue@test.local')}/finish`, { answers: { ...ALL_GOOD, verified: { answer: 'No' } } })).json).toMatchObject({ percent: 0, band: 'fail', criticalFailed: true });

    const cal = (await sam.req('GET', `/api/v1/calibrations/${calibration}`)).json;
    expect(cal).toMatchObject({ cards: 2, mean: 50, spread: 100, pending: [], agent: { name: 'Ann Agent' } });
    expect(cal.evaluators.map((e: Json) => [e.name, e.deviation])).toEqual([['Sam Scorer', 50], ['Sue Scorer', -50]]);
    expect(cal.questions.find((q: Json) => q.id === 'verified')).toMatchObject({ answers: { Yes: 1, No: 1 }, agreement: 50 });
    expect(cal.questions.find((q: Json) => q.id === 'named')).toMatchObject({ agreement: 100 });
    expect((await ann.req('GET', `/api/v1/calibrations/${calibration}`)).status).toBe(403);
    // A calibration aligns the evaluators: Ann sees neither scorecard, and neither counts in her figures.
    expect((await ann.req('GET', '/api/v1/scorecards?agent=me')).json.items.map((c: Json) => c.calibration)).toEqual([null]);
    expect((await ann.req('GET', `/api/v1/scorecards/${of('qa-sue@test.local')}`)).status).toBe(404);

    // Question group details: Ann's average per group (the calibration left out).
    const groups = (await sam.req('GET', '/api/v1/quality/groups')).json;
    expect(groups).toMatchObject({ scorecards: 1, complete: true, items: [{ questionnaire: { id: 'qa-basic' }, groups: [{ id: 'greeting' }, { id: 'compliance' }] }] });
    expect(groups.items[0].agents).toEqual([{ agent: ids['qa-ann@test.local'], name: 'Ann Agent', evaluated: 1, average: 87.5, groups: { greeting: { percent: 75, scored: 1 }, compliance: { percent: 100, scored: 1 } } }]);
    expect((await sam.req('GET', '/api/v1/quality/groups?queue=nope')).json.items).toEqual([]);
    expect((await sam.req('GET', `/api/v1/quality/groups?from=${new Date().toISOString()}&to=${new Date(Date.now() - 1000).toISOString()}`)).json.errors[0].pointer).toBe('/from');
    // Ann reads her own (the same one scorecard); Bob has none.
    expect((await ann.req('GET', '/api/v1/quality/groups?agent=me')).json.items[0].agents).toEqual(groups.items[0].agents);
    expect((await bob.req('GET', '/api/v1/quality/groups')).json).toMatchObject({ scorecards: 0, items: [] });

    // The quality report: Ann's one scorecard in the queue (the calibration left out).
    const now = Date.now();
    const range = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}&interval=total`;
    const rows = (await admin.req('GET', `/api/v1/reports/quality?${range}`)).json.rows;
    expect(rows).toEqual([expect.objectContaining({ agentName: 'Ann Agent', queue: 'qa-q', evaluated: 1, averagePercent: 87.5, passedPercent: 100, bands: 'pass: 1' })]);
  });

  it.skipIf(skip)('hands a scorecard not finished yet to another evaluator, never to the agent or a finished one', async () => {
    const open = (await sue.req('GET', '/api/v1/scorecards?evaluator=me&state=assigned')).json.items[0];
    const finished = (await sue.req('GET', '/api/v1/scorecards?evaluator=me&state=finished')).json.items[0];
    const move = (c: Client, id: string, evaluator: string) => c.req('POST', `/api/v1/scorecards/${id}/reassign`, { evaluator });
    expect((await move(sam, open.id, 'qa-ann@test.local')).json.errors[0]).toMatchObject({ pointer: '/evaluator', message: 'nobody evaluates their own work' });
    expect((await move(sam, open.id, 'qa-sue@test.local')).json.errors[0].pointer).toBe('/evaluator');
    expect((await move(sam, finished.id, 'qa-sam@test.local')).status).toBe(409);
    expect((await move(ann, open.id, 'qa-sam@test.local')).status).toBe(403);
    const samStream = await sam.stream();
    const moved = await move(sam, open.id, 'qa-sam@test.local');
    expect(moved.json).toMatchObject({ id: open.id, state: 'assigned', evaluator: { name: 'Sam Scorer' } });
    await samStream.next((m) => m.type === 'scorecards.changed');
    samStream.close();
    expect((await sue.req('GET', '/api/v1/scorecards?evaluator=me&state=assigned')).json.items).toEqual([]);
    const events = await h.db.store.db.selectFrom('events').select(['user_id', 'data']).where('type', '=', 'scorecard.reassigned').execute();
    expect(events).toEqual([{ user_id: ids['qa-sam@test.local'], data: expect.objectContaining({ scorecard: open.id, from: ids['qa-sue@test.local'] }) }]);
  });

  it.skipIf(skip)('withdraws a scorecard not finished yet, never a finished one', async () => {
    const open = (await sam.req('GET', '/api/v1/scorecards?evaluator=me&state=assigned')).json.items[0];
    const finished = (await sue.req('GET', '/api/v1/scorecards?evaluator=me&state=finished')).json.items[0];
    expect((await sue.req('DELETE', `/api/v1/scorecards/${finished.id}`)).status).toBe(409);
    expect((await ann.req('DELETE', `/api/v1/scorecards/${open.id}`)).status).toBe(403);
    expect((await sam.req('DELETE', `/api/v1/scorecards/${open.id}`)).status).toBe(204);
    expect((await sam.req('GET', `/api/v1/scorecards/${open.id}`)).status).toBe(404);
    const withdrawn = await h.db.store.db.selectFrom('events').select(['user_id']).where('type', '=', 'scorecard.withdrawn').execute();
    expect(withdrawn).toEqual([{ user_id: ids['qa-sam@test.local'] }]);
  });

  it.skipIf(skip)('the agent disputes a score once; someone other than the evaluator upholds or revises it; the figures follow the decision', async () => {
    const taskId = await work(90);
    const made = await sam.req('POST', '/api/v1/scorecards', { taskId, questionnaire: 'qa-basic', evaluators: ['qa-sue@test.local'] });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const id = made.json.items[0].id;
    expect((await sue.req('POST', `/api/v1/scorecards/${id}/finish`, { answers: { ...ALL_GOOD, verified: { answer: 'No' } } })).json).toMatchObject({ percent: 0, band: 'fail', dispute: null });
    const now = Date.now();
    const range = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}&interval=total`;
    const report = async () => (await admin.req('GET', `/api/v1/reports/quality?${range}`)).json.rows.map((r: Json) => [r.evaluated, r.averagePercent]);
    expect(await report()).toEqual([[2, 43.8]]); // 87.5 (before) and 0, rounded to a tenth

    const dispute = (c: Client, body: object) => c.req('POST', `/api/v1/scorecards/${id}/dispute`, body);
    expect((await dispute(ann, { reason: ' ' })).json.errors[0].pointer).toBe('/reason');
    expect((await dispute(sam, { reason: 'not mine' })).status).toBe(403);
    expect((await dispute(bob, { reason: 'not mine' })).status).toBe(404);
    const samStream = await sam.stream();
    const disputed = await dispute(ann, { reason: 'I did verify: the customer gave their date of birth at 01:10.' });
    expect(disputed.json).toMatchObject({ state: 'disputed', dispute: { reason: 'I did verify: the customer gave their date of birth at 01:10.', outcome: null } });
    await samStream.next((m) => m.type === 'alert' && /Ann Agent disputes a scorecard/.test(m.message));
    samStream.close();
    expect((await dispute(ann, { reason: 'again' })).status).toBe(409);
    expect((await ann.req('POST', `/api/v1/scorecards/${id}/acknowledge`, {})).status).toBe(409);
    expect((await ann.req('GET', '/api/v1/scorecards?agent=me&state=disputed')).json.items.map((c: Json) => c.id)).toEqual([id]);
    expect(await report()).toEqual([[1, 87.5]]); // out of the figures until decided

    const resolve = (c: Client, body: object) => c.req('POST', `/api/v1/scorecards/${id}/resolve`, body);
    expect((await resolve(sue, { outcome: 'upheld', comment: 'I stand by it' })).status).toBe(403); // the evaluator
    expect((await resolve(ann, { outcome: 'upheld', comment: 'fine' })).status).toBe(403);
    expect((await resolve(sam, { outcome: 'maybe', comment: 'x' })).json.errors[0].pointer).toBe('/outcome');
    expect((await resolve(sam, { outcome: 'revised', comment: 'x' })).json.errors[0].pointer).toBe('/answers');
    expect((await resolve(sam, { outcome: 'revised', comment: 'x', answers: { verified: { answer: 'No' } } })).json.errors[0]).toMatchObject({ pointer: '/answers', message: expect.stringMatching(/already given/) });
    expect((await resolve(sam, { outcome: 'revised', comment: 'x', answers: { verified: { answer: 'Maybe' } } })).json.errors[0].pointer).toBe('/answers/verified/answer');
    expect((await resolve(sam, { outcome: 'upheld', comment: 'x', answers: { verified: { answer: 'Yes' } } })).json.errors[0].pointer).toBe('/answers');
    expect((await sam.req('GET', `/api/v1/scorecards/${id}`)).json).toMatchObject({ state: 'disputed', percent: 0 });

    const annStream = await ann.stream();
    const revised = await resolve(sam, { outcome: 'revised', comment: 'The recording shows the check at 01:10.', answers: { verified: { answer: 'Yes' } } });
    expect(revised.json).toMatchObject({ state: 'finished', percent: 100, dispute: { outcome: 'revised', comment: 'The recording shows the check at 01:10.', percentBefore: 0, resolvedBy: { name: 'Sam Scorer' } } });
    await annStream.next((m) => m.type === 'scorecards.changed');
    annStream.close();
    expect((await resolve(sam, { outcome: 'upheld', comment: 'again' })).status).toBe(409);
    expect((await dispute(ann, { reason: 'once more' })).json.detail).toMatch(/disputed once/);
    expect(await report()).toEqual([[2, 93.8]]); // 87.5 and the revised 100
    const events = await h.db.store.db.selectFrom('events').select('type').where('task_id', '=', taskId).where('type', 'like', 'scorecard.%').orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['scorecard.finished', 'scorecard.disputed', 'scorecard.revoked', 'scorecard.dispute-resolved', 'scorecard.finished']);
    // Per evaluator: Sue's one evaluation of Ann was disputed and revised.
    const rates = (await admin.req('GET', '/api/v1/quality/disputes')).json.items;
    expect(rates.find((r: Json) => r.name === 'Sue Scorer')).toMatchObject({ disputed: 1, revised: 1, upheld: 0, open: 0, revisedPercent: 100 });
    expect(rates.find((r: Json) => r.name === 'Sam Scorer')).toMatchObject({ disputed: 0, revisedPercent: null });
    expect((await ann.req('GET', '/api/v1/quality/disputes')).status).toBe(403);
  });
});
