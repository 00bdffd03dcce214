import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, Client, DEMO_KEY, applyConfig, startHarness, type Harness } from './harness.js';

// Conversation analytics (seeds EE23–EE25 on text): each finished chat, SMS conversation or e-mail
// is read once for its topics, the compliance rules (a phrase the agent must say, one they must
// not) and the customer's sentiment; broken rules flag the conversation for evaluation; analysts
// read topics rising, compliance per agent, sentiment, and the conversations behind the figures.
const CONFIG = {
  version: 1,
  teams: [{ id: 'an-team', name: 'Analytics team' }],
  users: [
    { email: 'an-ann@test.local', name: 'Ann Text', password: 'secret1', roles: ['agent'], teams: ['an-team'], capacity: { chat: 1, email: 1 } },
    { email: 'an-sue@test.local', name: 'Sue Lead', password: 'secret1', roles: ['supervisor'], teams: ['an-team'] },
  ],
  queues: [{ id: 'an-q', name: 'Analytics queue', members: { teams: ['an-team'] }, offerTimeoutSeconds: 60 }],
  wrapUpCodes: [{ code: 'an-done', label: 'Done' }],
  worktypes: [
    { id: 'an-chat', name: 'Parcels', mediaType: 'chat', defaultQueue: 'an-q', wrapUpCodes: ['an-done'], chat: {} },
    { id: 'an-mail', name: 'Mail', mediaType: 'email', defaultQueue: 'an-q', wrapUpCodes: ['an-done'] },
  ],
  textCategories: [
    { id: 'an-delivery', name: 'Delivery', kind: 'topic', phrases: ['parcel', 'delivery'] },
    { id: 'an-refund', name: 'Refunds', kind: 'topic', phrases: ['refund', 'money back'], speaker: 'customer' },
    { id: 'an-greeting', name: 'Agent gives their name', kind: 'required', phrases: ['my name is'], withinFirst: 1, mediaTypes: ['chat'] },
    { id: 'an-rude', name: 'No brush-off', kind: 'prohibited', phrases: ['calm down'], queues: ['an-q'] },
  ],
  evaluationPlans: [{ id: 'an-flags', name: 'Flagged conversations', questionnaire: 'conversation', evaluators: ['an-sue@test.local'], percent: 100, flagged: true, queues: ['an-q'] }],
};

// The flag just appended is sampled at once (the planner leaves nothing to settle).
process.env.WORKLANE_QUALITY_SETTLE_MS = '0';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('conversation analytics on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let ann: Client;
  let sue: Client;
  const visitor = new Client('');
  const tasks: Record<string, string> = {};

  /** A visitor chats with Ann, who answers with `answers` (in turn with the visitor's `lines`) and completes. */
  const chat = async (name: string, lines: string[], answers: string[]) => {
    const started = await visitor.req('POST', '/api/v1/chats', { topic: 'an-chat', name, message: lines[0] });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const { chat: c, token } = started.json;
    await h.app.services.dispatcher.idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items[0];
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    for (let i = 0; i < answers.length; i++) {
      expect((await ann.req('POST', `/api/v1/tasks/${offer.taskId}/chat/messages`, { body: answers[i] })).status).toBe(201);
      if (lines[i + 1]) await visitor.req('POST', `/api/v1/chats/${c.id}/messages`, { body: lines[i + 1] }, { 'x-chat-token': token });
    }
    expect((await ann.req('POST', `/api/v1/tasks/${offer.taskId}/complete`, { wrapUpCode: 'an-done' })).status).toBe(200);
    return offer.taskId as string;
  };

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await applyConfig(h, CONFIG);
    (visitor as { base: string }).base = h.base;
    expect((await admin.req('PATCH', '/api/v1/evaluation-plans/conversations', { enabled: false })).status).toBe(200);
    ann = await Client.login(h.base, 'an-ann@test.local', 'secret1');
    sue = await Client.login(h.base, 'an-sue@test.local', 'secret1');
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    // Nothing of the demo's categories here.
    for (const c of (await admin.req('GET', '/api/v1/text-categories')).json.items) if (!c.id.startsWith('an-')) await admin.req('DELETE', `/api/v1/text-categories/${c.id}`);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('checks categories and plans by field', async () => {
    const bad = await admin.req('POST', '/api/v1/text-categories', { id: 'x', name: 'X', kind: 'topic', phrases: ['?!'], withinFirst: 2, queues: ['nope'] });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: Json) => e.pointer).sort()).toEqual(['/phrases/0', '/queues/0', '/withinFirst']);
    expect((await admin.req('POST', '/api/v1/text-categories', { id: 'x', name: 'X', kind: 'loud', phrases: ['a'] })).status).toBe(400);
    const plan = await admin.req('PATCH', '/api/v1/evaluation-plans/an-flags', { ratedAtMost: 2 });
    expect(plan.json.errors[0].pointer).toBe('/flagged');
    expect((await ann.req('GET', '/api/v1/text-categories')).status).toBe(403);
    expect((await sue.req('GET', '/api/v1/text-categories')).json.items.map((c: Json) => c.id)).toEqual(['an-delivery', 'an-greeting', 'an-refund', 'an-rude']);
  });

  it.skipIf(skip)('reads each finished conversation once: topics, compliance with quotes, sentiment; a broken rule flags it for evaluation', async () => {
    tasks.rude = await chat('Rob', ['Where is my parcel? This is ridiculous.', 'ok, great, thanks'], ['Please calm down, it is on its way.']);
    tasks.kind = await chat('Kim', ['I would like a refund please'], ['Hello, my name is Ann. I will arrange your money back.']);
    const crm = new Client(h.base, DEMO_KEY);
    const mail = await crm.req('POST', '/api/v1/tasks', { worktype: 'an-mail', source: 'an', externalId: `AN-${backend}`, title: 'Invoice', description: 'My delivery never came and I am very angry.' });
    await h.app.services.dispatcher.idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: Json) => o.taskId === mail.json.id);
    await ann.req('POST', `/api/v1/offers/${offer.id}/accept`);
    await ann.req('POST', `/api/v1/tasks/${mail.json.id}/complete`, { wrapUpCode: 'an-done' });
    tasks.mail = mail.json.id;

    expect(await h.app.services.analyzer.catchUp(0)).toBe(3);
    expect(await h.app.services.analyzer.catchUp(0)).toBe(0); // once

    const rude = await sue.req('GET', `/api/v1/tasks/${tasks.rude}/analysis`);
    expect(rude.status).toBe(200);
    expect(rude.json.topics).toEqual([{ category: 'an-delivery', name: 'Delivery', line: 0, phrase: 'parcel', quote: 'Where is my parcel? This is ridiculous.' }]);
    expect(rude.json.compliance).toEqual([
      { category: 'an-greeting', name: 'Agent gives their name', kind: 'required', passed: false, quote: null },
      { category: 'an-rude', name: 'No brush-off', kind: 'prohibited', passed: false, quote: 'Please calm down, it is on its way.' },
    ]);
    expect(rude.json.sentiment).toEqual({ overall: 0, start: -100, end: 100, trend: 'improved' });
    const kind = (await ann.req('GET', `/api/v1/tasks/${tasks.kind}/analysis`)).json;
    expect(kind.topics.map((t: Json) => t.category)).toEqual(['an-refund']);
    expect(kind.failed).toEqual([]);
    // The e-mail: the customer's message is read; no rule applies to an agent who wrote nothing (a chat-only one never).
    const m = (await sue.req('GET', `/api/v1/tasks/${tasks.mail}/analysis`)).json;
    expect(m).toMatchObject({ mediaType: 'email', topics: [{ category: 'an-delivery' }], compliance: [], failed: [], sentiment: { overall: -100 } });

    const flags = await h.db.store.db.selectFrom('events').select(['task_id', 'data']).where('type', '=', 'conversation.flagged').execute();
    expect(flags).toEqual([{ task_id: tasks.rude, data: expect.objectContaining({ failed: ['an-greeting', 'an-rude'], queue: 'an-q' }) }]);
    // The flag is sampled by the plan of flagged conversations: one scorecard, for Sue.
    await h.app.services.quality.catchUp();
    const cards = await h.db.store.db.selectFrom('scorecards').select(['task_id', 'plan_id']).execute();
    expect(cards).toEqual([{ task_id: tasks.rude, plan_id: 'an-flags' }]);
  });

  it.skipIf(skip)('sums up topics, compliance per agent and sentiment, and finds the conversations behind them', async () => {
    expect((await ann.req('GET', '/api/v1/analytics/summary')).status).toBe(403);
    const s = (await sue.req('GET', '/api/v1/analytics/summary')).json;
    expect(s.conversations).toBe(3);
    expect(s.topics).toEqual([
      { id: 'an-delivery', name: 'Delivery', count: 2, share: 66.7, previousCount: 0, previousShare: 0, change: null, rising: false },
      { id: 'an-refund', name: 'Refunds', count: 1, share: 33.3, previousCount: 0, previousShare: 0, change: null, rising: false },
    ]);
    expect(s.compliance.find((c: Json) => c.id === 'an-greeting')).toMatchObject({ checked: 2, failed: 1, failedPercent: 50, agents: [{ agent: { name: 'Ann Text' }, checked: 2, failed: 1 }] });
    expect(s.compliance.find((c: Json) => c.id === 'an-rude')).toMatchObject({ checked: 2, failed: 1 });
    // Kim's words say nothing either way: two conversations with a sentiment.
    expect(s.sentiment).toMatchObject({ conversations: 2, average: -50, negative: 1, improved: 1, worsened: 0, agents: [{ name: 'Ann Text', conversations: 2, average: -50, negative: 1 }] });

    const ids = async (q: string) => (await sue.req('GET', `/api/v1/analytics/conversations?${q}`)).json.items.map((c: Json) => c.taskId);
    expect(await ids('failed=an-rude&limit=5')).toEqual([tasks.rude]);
    expect((await sue.req('GET', '/api/v1/analytics/conversations?limit=0')).json.errors[0].pointer).toBe('/limit');
    expect((await ids('failed=any')).length).toBe(1);
    expect(await ids('topic=an-refund')).toEqual([tasks.kind]);
    expect(await ids('sentiment=negative')).toEqual([tasks.mail]);
    expect((await sue.req('GET', '/api/v1/analytics/conversations?topic=an-refund')).json.items[0]).toMatchObject({ title: 'Chat with Kim', agent: { name: 'Ann Text' } });
    expect((await sue.req('GET', '/api/v1/analytics/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z')).json.errors[0].pointer).toBe('/from');
  });

  it.skipIf(skip)('reads past conversations again after a new category, without flagging them twice', async () => {
    expect((await admin.req('POST', '/api/v1/text-categories', { id: 'an-sarcasm', name: 'Sarcasm', kind: 'topic', phrases: ['ridiculous'], speaker: 'customer' })).status).toBe(201);
    expect((await sue.req('POST', '/api/v1/analytics/reanalyze', { from: new Date(Date.now() - 3_600_000).toISOString() })).status).toBe(403);
    const again = await admin.req('POST', '/api/v1/analytics/reanalyze', { from: new Date(Date.now() - 3_600_000).toISOString() });
    expect(again.json).toEqual({ analyzed: 3, more: false });
    expect((await sue.req('GET', `/api/v1/tasks/${tasks.rude}/analysis`)).json.topics.map((t: Json) => t.category)).toEqual(['an-delivery', 'an-sarcasm']);
    expect((await h.db.store.db.selectFrom('events').select('id').where('type', '=', 'conversation.flagged').execute()).length).toBe(1);
    expect((await sue.req('GET', '/api/v1/tasks/nope/analysis')).status).toBe(404);
  });
});
