import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BACKENDS, Client, DEMO_KEY, Stream, applyConfig, counts, startHarness, type Harness } from './harness.js';
import { WaitEstimates } from '../../src/reports/wait-estimate.js';
import { Receiver } from './receiver.js';

// Web chat: a visitor's request waits and is pushed like work (media type chat); once an agent
// holds it, both sides talk live; either side ends it; the visitor keeps a transcript.
// Nine starts per address (this file makes nine), then one a minute: the tenth is refused.
process.env.WORKLANE_CHAT_BURST = '9';
process.env.WORKLANE_CHAT_PER_MINUTE = '1';
process.env.WORKLANE_QUALITY_SETTLE_MS = '0'; // the evaluation planner reads the rating at once (when the test asks)

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const IN_TWO_DAYS = new Date(Date.now() + 2 * 86_400_000);
const OPENS_AT = `${IN_TWO_DAYS.toISOString().slice(0, 10)}T10:00:00.000Z`;
const CONFIG = {
  version: 1,
  teams: [{ id: 'ch-team', name: 'Chat team' }, { id: 'ch-other', name: 'Other team' }],
  users: [
    { email: 'ch-ann@test.local', name: 'Ann Chatter', password: 'secret1', roles: ['agent'], teams: ['ch-team'], capacity: { chat: 1, sms: 1 } },
    { email: 'ch-eve@test.local', name: 'Eve Elsewhere', password: 'secret1', roles: ['agent'], teams: ['ch-other'], capacity: { chat: 1 } },
    { email: 'ch-sue@test.local', name: 'Sue Scorer', password: 'secret1', roles: ['supervisor'], teams: ['ch-team'] },
  ],
  // Quality management: every chat rated 4 or lower is evaluated by Sue (completions are not sampled).
  questionnaires: [{ id: 'ch-form', name: 'Chat form', groups: [{ id: 'g', name: 'All', questions: [{ id: 'q', text: 'Helpful?', kind: 'yes-no' }] }] }],
  evaluationPlans: [{ id: 'ch-unhappy', name: 'Unhappy visitors', questionnaire: 'ch-form', evaluators: ['ch-sue@test.local'], percent: 100, ratedAtMost: 4 }],
  queues: [{ id: 'ch-q', name: 'Chat queue', members: { teams: ['ch-team'] }, offerTimeoutSeconds: 60 }],
  calendars: [{ id: 'ch-never', name: 'Open in two days only', timeZone: 'UTC', week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [], [DAYS[IN_TWO_DAYS.getUTCDay()]!]: [{ from: '10:00', to: '11:00' }] } }],
  worktypes: [
    { id: 'ch-topic', name: 'Orders', mediaType: 'chat', defaultQueue: 'ch-q', wrapUpCodes: ['ch-done'], chat: { welcome: 'Welcome to Orders chat.', maxWaitSeconds: 300 } },
    { id: 'ch-closed', name: 'Night desk', mediaType: 'chat', defaultQueue: 'ch-q', chat: { calendar: 'ch-never', closedMessage: 'We are closed.' } },
    { id: 'ch-plain', name: 'Not a topic', defaultQueue: 'ch-q' },
    { id: 'ch-sms', name: 'Text us', mediaType: 'sms', defaultQueue: 'ch-q', wrapUpCodes: ['ch-done'], sms: { number: '+32470000000', acknowledgement: 'Thanks, we will text you back soon.' } },
  ],
  wrapUpCodes: [{ code: 'ch-done', label: 'Done' }],
  responses: [{ id: 'ch-hello', name: 'Greeting', text: 'Hello {{visitor}}, this is {{agent}}.', queues: ['ch-q'] }],
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The visitor's page: its live socket, after the hello with the token. */
async function visitorPage(base: string, chatId: string, token: string): Promise<Stream> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/chats/${chatId}/stream`);
  const s = new Stream(ws);
  await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
  ws.send(JSON.stringify({ type: 'hello', token }));
  await s.next((m) => m.type === 'hello');
  return s;
}

describe.each(BACKENDS)('web chat and SMS on $backend', ({ backend, skip }) => {
  let h: Harness;
  // The SMS carrier's sending side, as the notifications channel speaks to it: POST {to, text}.
  const carrier = new Receiver((_path, n) => ({ id: `sms-${n}` }));
  let admin: Client;
  let ann: Client;
  let eve: Client;
  const visitor = new Client('');
  const as = (token: string) => ({ 'x-chat-token': token });
  const start = (body: object) => visitor.req('POST', '/api/v1/chats', body);

  beforeAll(async () => {
    if (skip) return;
    await carrier.start();
    process.env.WORKLANE_SMS_URL = `${carrier.url}/sms`;
    process.env.WORKLANE_NOTIFY_POLL_MS = '100';
    h = await startHarness(backend);
    delete process.env.WORKLANE_SMS_URL;
    delete process.env.WORKLANE_NOTIFY_POLL_MS;
    admin = await applyConfig(h, CONFIG);
    // The demo's plan samples one chat in five at random: off, so only this file's plan of low ratings draws.
    expect((await admin.req('PATCH', '/api/v1/evaluation-plans/conversations', { enabled: false })).status).toBe(200);
    (visitor as { base: string }).base = h.base;
    ann = await Client.login(h.base, 'ch-ann@test.local', 'secret1');
    eve = await Client.login(h.base, 'ch-eve@test.local', 'secret1');
  });
  afterAll(async () => {
    await h?.close();
    carrier.close();
  });

  it.skipIf(skip)('refuses what cannot be answered or is malformed, and creates nothing', async () => {
    const chats = async () => Number((await h.db.store.db.selectFrom('chats').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    let before = await counts(h.db.store);
    const listed = await visitor.req('GET', '/api/v1/chat/topics');
    expect(listed.headers.get('access-control-allow-origin')).toBe('*'); // the website's widget reads it
    const topics = listed.json.items as Json[];
    expect(topics.find((t) => t.id === 'ch-topic')).toMatchObject({ name: 'Orders', open: false, reason: 'nobody', waitSeconds: null });
    expect(topics.find((t) => t.id === 'ch-closed')).toMatchObject({ open: false, reason: 'closed', message: 'We are closed.', opensAt: OPENS_AT });
    expect(topics.some((t) => t.id === 'ch-plain')).toBe(false);
    const nobody = await start({ topic: 'ch-topic', name: 'Jane', message: 'Hi' });
    expect(nobody.status).toBe(409);
    expect(nobody.json).toMatchObject({ reason: 'nobody' });
    expect(await counts(h.db.store)).toEqual(before);
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    before = await counts(h.db.store);
    expect((await start({ topic: 'ch-closed', name: 'Jane', message: 'Hi' })).json).toMatchObject({ status: 409, reason: 'closed', detail: 'We are closed.' });
    const noName = await start({ topic: 'ch-topic', message: 'Hi' });
    expect(noName.status).toBe(400);
    expect(JSON.stringify(noName.json.errors)).toContain('/name');
    expect((await start({ topic: 'ch-topic', name: '   ', message: 'Hi' })).json.errors[0].pointer).toBe('/name');
    expect((await start({ topic: 'ch-topic', name: 'Jane', message: 'Hi', email: 'not-mail' })).json.errors[0].pointer).toBe('/email');
    expect((await start({ topic: 'ch-plain', name: 'Jane', message: 'Hi' })).json).toMatchObject({ status: 422, errors: [{ pointer: '/topic' }] });
    expect(await counts(h.db.store)).toEqual(before);
    expect(await chats()).toBe(0);
    // The configuration refuses a topic that is not of media type chat, an unknown calendar, a response for an unknown queue.
    const bad = await admin.req('POST', '/api/v1/config/import', {
      version: 1,
      worktypes: [{ id: 'x-chat', name: 'X', defaultQueue: 'ch-q', chat: { calendar: 'nope' } }],
      calendars: [],
      queues: [{ id: 'ch-q', name: 'Chat queue' }],
      responses: [{ id: 'x', name: 'X', text: 'x', queues: ['nope'] }],
    });
    expect(bad.json.errors.map((e: Json) => e.pointer).sort()).toEqual(['/responses/0/queues/0', '/worktypes/0/chat/calendar', '/worktypes/0/mediaType']);
  });

  it.skipIf(skip)('waits, is offered like work, and both sides talk live until the agent ends it; the visitor keeps a transcript', async () => {
    await ann.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' });
    const annStream = await ann.stream();
    const started = await start({ topic: 'ch-topic', name: 'Jane Doe', email: 'Jane@Example.com', message: 'Where is my order 42?' });
    expect(started.status, JSON.stringify(started.json)).toBe(201);
    const { chat, token } = started.json;
    expect(chat).toMatchObject({ topic: { id: 'ch-topic', name: 'Orders' }, phase: 'waiting', position: 1, agent: null, visitor: { name: 'Jane Doe' } });
    expect(chat.messages.map((m: Json) => [m.sender, m.body])).toEqual([['visitor', 'Where is my order 42?'], ['system', 'Welcome to Orders chat.']]);
    // Only the token opens it.
    expect((await visitor.req('GET', `/api/v1/chats/${chat.id}`)).status).toBe(404);
    expect((await visitor.req('GET', `/api/v1/chats/${chat.id}`, undefined, as('x'.repeat(43)))).status).toBe(404);
    const wrong = new WebSocket(`${h.base.replace('http', 'ws')}/api/v1/chats/${chat.id}/stream`);
    await new Promise<void>((r) => wrong.once('open', () => r()));
    wrong.send(JSON.stringify({ type: 'hello', token: 'nope' }));
    expect(await new Promise((r) => wrong.once('close', (code) => r(code)))).toBe(4404);
    const page = await visitorPage(h.base, chat.id, token);
    expect((await visitor.req('POST', `/api/v1/chats/${chat.id}/messages`, { body: 'Still there?' }, as(token))).status).toBe(201);

    // Ann becomes available: offered as work of media type chat; she accepts and the visitor hears it.
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const { offer } = await annStream.next((m) => m.type === 'offer.created', 5_000);
    expect(offer).toMatchObject({ task: { mediaType: 'chat', source: 'chat', externalId: chat.id, title: 'Chat with Jane Doe', attributes: { visitor: 'Jane Doe', email: 'jane@example.com', topic: 'ch-topic' } } });
    const taskId = offer.taskId as string;
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    await page.next((m) => m.type === 'chat.changed');
    // The usual wait the public pages show: this chat's, the only one answered in the last hour.
    const waited = await new WaitEstimates(h.db.store.db).of('ch-q');
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThan(60);
    expect(await new WaitEstimates(h.db.store.db).of('nobody-here')).toBeNull();
    const connected = (await visitor.req('GET', `/api/v1/chats/${chat.id}`, undefined, as(token))).json;
    expect(connected).toMatchObject({ phase: 'connected', agent: { name: 'Ann Chatter' }, position: null });

    // The agent's view of it, and the lines both ways, live.
    const seen = (await ann.req('GET', `/api/v1/tasks/${taskId}/chat`)).json;
    expect(seen).toMatchObject({ taskId, visitorEmail: 'jane@example.com', visitorOnline: true, phase: 'connected' });
    expect(seen.messages.map((m: Json) => m.body)).toEqual(['Where is my order 42?', 'Welcome to Orders chat.', 'Still there?']);
    const reply = await ann.req('POST', `/api/v1/tasks/${taskId}/chat/messages`, { body: '  Let me look.  ' });
    expect(reply.json).toMatchObject({ sender: 'agent', name: 'Ann Chatter', body: 'Let me look.' });
    expect((await page.next((m) => m.type === 'chat.message' && m.message.sender === 'agent')).message.body).toBe('Let me look.');
    await visitor.req('POST', `/api/v1/chats/${chat.id}/messages`, { body: 'Thanks!' }, as(token));
    expect(await annStream.next((m) => m.type === 'chat.message' && m.message.body === 'Thanks!')).toMatchObject({ taskId, message: { sender: 'visitor', name: 'Jane Doe' } });
    page.ws.send(JSON.stringify({ type: 'typing' }));
    expect(await annStream.next((m) => m.type === 'chat.typing')).toEqual({ type: 'chat.typing', taskId });
    expect((await ann.req('POST', `/api/v1/tasks/${taskId}/chat/typing`)).status).toBe(204);
    expect(await page.next((m) => m.type === 'chat.typing')).toEqual({ type: 'chat.typing', name: 'Ann Chatter' });
    // Standard responses of the task's queue, names filled in; blank lines and outsiders are refused.
    expect((await ann.req('GET', `/api/v1/tasks/${taskId}/responses?q=greet`)).json.items).toContainEqual({ id: 'ch-hello', name: 'Greeting', text: 'Hello Jane, this is Ann.' });
    expect((await ann.req('GET', `/api/v1/tasks/${taskId}/responses?q=greet+xyz`)).json.items).toEqual([]);
    expect((await ann.req('POST', `/api/v1/tasks/${taskId}/chat/messages`, { body: '   ' })).json).toMatchObject({ status: 422, errors: [{ pointer: '/body' }] });
    expect((await eve.req('POST', `/api/v1/tasks/${taskId}/chat/messages`, { body: 'Hi' })).status).toBe(403);
    expect((await eve.req('GET', `/api/v1/tasks/${taskId}/chat`)).status).toBe(404);

    // Ann ends it: the visitor is told, writes no more; the task stays hers to wrap up.
    const ended = await ann.req('POST', `/api/v1/tasks/${taskId}/chat/end`);
    expect(ended.json).toMatchObject({ phase: 'ended', endedBy: 'agent' });
    await page.next((m) => m.type === 'chat.changed' && page.messages.filter((x) => x.type === 'chat.changed').length >= 2);
    expect((await visitor.req('GET', `/api/v1/chats/${chat.id}`, undefined, as(token))).json).toMatchObject({ phase: 'ended', endedBy: 'agent' });
    expect((await visitor.req('POST', `/api/v1/chats/${chat.id}/messages`, { body: 'One more' }, as(token))).status).toBe(409);
    expect((await ann.req('GET', `/api/v1/tasks/${taskId}`)).json.state).toBe('assigned');
    expect((await ann.req('POST', `/api/v1/tasks/${taskId}/complete`, { wrapUpCode: 'ch-done' })).status).toBe(200);
    const events = ((await admin.req('GET', `/api/v1/tasks/${taskId}/events`)).json.items as Json[]).map((e) => e.type);
    expect(events).toContain('chat.ended');

    // The transcript: as text in the visitor's zone, and once by e-mail through the outbox.
    const text = await visitor.req('GET', `/api/v1/chats/${chat.id}/transcript?tz=Europe/Brussels`, undefined, as(token));
    expect(text.headers.get('content-type')).toContain('text/plain');
    expect(text.json).toMatch(/^Chat about Orders, .* \(Europe\/Brussels\)\n/);
    expect(text.json).toContain('] Ann Chatter: Let me look.');
    expect(text.json).toContain('] Ann Chatter ended the chat.');
    expect((await visitor.req('GET', `/api/v1/chats/${chat.id}/transcript?tz=Mars/Olympus`, undefined, as(token))).json.errors[0].pointer).toBe('/tz');
    expect((await visitor.req('POST', `/api/v1/chats/${chat.id}/transcript/email`, undefined, as(token))).json).toEqual({ to: 'jane@example.com' });
    expect((await visitor.req('POST', `/api/v1/chats/${chat.id}/transcript/email`, undefined, as(token))).status).toBe(409);
    const mail = await h.db.store.db.selectFrom('notifications').select(['recipient', 'subject', 'body']).where('event_type', '=', 'chat.transcript').executeTakeFirstOrThrow();
    expect(mail).toMatchObject({ recipient: 'jane@example.com', subject: 'Your chat about Orders' });
    expect(mail.body).toContain('Jane Doe: Thanks!');

    // She rates it (once); the satisfaction report counts it for Ann and the queue.
    expect((await visitor.req('POST', `/api/v1/chats/${chat.id}/rating`, { score: 6 }, as(token))).json.errors[0].pointer).toBe('/score');
    expect((await visitor.req('POST', `/api/v1/chats/${chat.id}/rating`, { score: 4, comment: 'Quick, thanks' }, as(token))).status).toBe(201);
    expect((await visitor.req('POST', `/api/v1/chats/${chat.id}/rating`, { score: 1 }, as(token))).status).toBe(409);
    expect((await visitor.req('GET', `/api/v1/chats/${chat.id}`, undefined, as(token))).json.rating).toBe(4);
    const now = new Date();
    const range = `from=${new Date(now.getTime() - 86_400_000).toISOString()}&to=${new Date(now.getTime() + 3_600_000).toISOString()}&interval=total`;
    const rows = (await admin.req('GET', `/api/v1/reports/satisfaction?${range}`)).json.rows;
    expect(rows).toEqual([expect.objectContaining({ agentName: 'Ann Chatter', queue: 'ch-q', rated: 1, averageScore: 4, satisfiedPercent: 100, scores: '4: 1' })]);
    // The rating (4, at the plan's mark) puts the conversation in front of an evaluator, once.
    expect(await h.app.services.quality.catchUp()).toBe(1);
    const [card] = (await h.db.store.db.selectFrom('scorecards').selectAll().where('plan_id', '=', 'ch-unhappy').execute());
    expect(card).toMatchObject({ task_id: (await h.db.store.db.selectFrom('tasks').select('id').where('external_id', '=', chat.id).executeTakeFirstOrThrow()).id, state: 'assigned' });
    page.close();
    annStream.close();
  });

  it.skipIf(skip)('a visitor who leaves while waiting withdraws the request; one nobody takes in time ends and says so', async () => {
    await ann.req('PUT', '/api/v1/me/presence', { status: 'not-ready', reason: 'lunch' }); // signed in: chat is offered, nobody takes it
    const left = (await start({ topic: 'ch-topic', name: 'Tom', message: 'Hello?' })).json;
    const gone = await visitor.req('POST', `/api/v1/chats/${left.chat.id}/end`, undefined, as(left.token));
    expect(gone.json).toMatchObject({ phase: 'ended', endedBy: 'visitor' });
    expect(gone.json.messages.at(-1)).toMatchObject({ sender: 'system', body: 'Tom left the chat.' });
    const canceled = (await h.db.store.db.selectFrom('tasks').select(['state', 'id']).where('external_id', '=', left.chat.id).executeTakeFirstOrThrow());
    expect(canceled.state).toBe('canceled');
    const why = ((await admin.req('GET', `/api/v1/tasks/${canceled.id}/events`)).json.items as Json[]).find((e) => e.type === 'task.canceled');
    expect(why.data.reason).toBe('visitor left');
    expect((await visitor.req('POST', `/api/v1/chats/${left.chat.id}/end`, undefined, as(left.token))).json.endedBy).toBe('visitor'); // again: the same answer
    expect((await visitor.req('POST', `/api/v1/chats/${left.chat.id}/transcript/email`, undefined, as(left.token))).json.errors[0].pointer).toBe('/email');
    expect((await visitor.req('POST', `/api/v1/chats/${left.chat.id}/rating`, { score: 5 }, as(left.token))).json.detail).toBe('Nobody answered this chat: there is nothing to rate');

    const late = (await start({ topic: 'ch-topic', name: 'Uma', message: 'Anyone?' })).json;
    const page = await visitorPage(h.base, late.chat.id, late.token);
    // Its longest wait is up (moved forward here rather than waited for): the expiry ends it.
    await h.db.store.db.updateTable('tasks').set({ expires_at: new Date(Date.now() - 1000) }).where('external_id', '=', late.chat.id).execute();
    h.app.services.expiry.arm(new Date(Date.now() - 1000));
    await page.next((m) => m.type === 'chat.changed', 5_000);
    expect((await visitor.req('GET', `/api/v1/chats/${late.chat.id}`, undefined, as(late.token))).json).toMatchObject({ phase: 'ended', endedBy: 'expired' });
    page.close();
    // A flood of starts from one address is held back, before anything is read or written.
    const flood = await start({ topic: 'ch-topic', name: 'Bot', message: 'spam' });
    expect(flood.status).toBe(429);
    expect(Number(flood.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it.skipIf(skip)('SMS: a text starts a conversation (receipt sent back), the next ones join it, the agent answers by SMS; a carrier retry is taken once', async () => {
    const carrierIn = new Client(h.base, DEMO_KEY); // the carrier's webhook, with a capture key
    await admin.req('POST', '/api/v1/customers', { name: 'Jane Texter', phone: '0470/11.22.33' });
    const bad = await carrierIn.req('POST', '/api/v1/inbound/sms', { from: '0470 11 22 33', to: '+1 555 0000', text: 'Hi' });
    expect(bad.json).toMatchObject({ status: 422, errors: [{ pointer: '/to' }] });
    expect((await carrierIn.req('POST', '/api/v1/inbound/sms', { from: 'me', to: '+32 470 00 00 00', text: 'Hi' })).json.errors[0].pointer).toBe('/from');
    expect((await visitor.req('POST', '/api/v1/inbound/sms', { from: '0470112233', to: '+32470000000', text: 'Hi' })).status).toBe(401);

    const first = await carrierIn.req('POST', '/api/v1/inbound/sms', { from: '0470 11 22 33', to: '+32 470 00 00 00', text: 'My card was charged twice', id: 'carrier-1' });
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    expect(first.json).toMatchObject({ started: true, duplicate: false });
    const again = await carrierIn.req('POST', '/api/v1/inbound/sms', { from: '0470 11 22 33', to: '+32 470 00 00 00', text: 'My card was charged twice', id: 'carrier-1' });
    expect(again.json).toEqual({ ...first.json, duplicate: true, started: false });
    expect((await carrier.waitFor((m) => m.body.to === '0470112233')).body).toEqual({ to: '0470112233', text: 'Thanks, we will text you back soon.' });
    const taskId = first.json.taskId as string;
    const task = (await admin.req('GET', `/api/v1/tasks/${taskId}`)).json;
    expect(task).toMatchObject({ mediaType: 'sms', source: 'sms', title: 'SMS from Jane Texter', description: 'My card was charged twice', attributes: { phone: '0470112233' } });
    expect(task.customerId).toBeTruthy();

    // Ann takes it; the customer's next text joins the same conversation, live on her stream.
    await ann.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const annStream = await ann.stream();
    await h.app.services.dispatcher.idle();
    const offer = (await ann.req('GET', '/api/v1/me/offers')).json.items.find((o: Json) => o.taskId === taskId);
    expect((await ann.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    const next = await carrierIn.req('POST', '/api/v1/inbound/sms', { from: '0470 11 22 33', to: '+32470000000', text: 'It was on the 3rd', id: 'carrier-2' });
    expect(next.json).toMatchObject({ chatId: first.json.chatId, taskId, started: false });
    expect(await annStream.next((m) => m.type === 'chat.message' && m.message.body === 'It was on the 3rd')).toMatchObject({ taskId, message: { sender: 'visitor', name: 'Jane Texter' } });
    const view = (await ann.req('GET', `/api/v1/tasks/${taskId}/chat`)).json;
    expect(view).toMatchObject({ channel: 'sms', visitorPhone: '0470112233', phase: 'connected' });
    expect(view.messages.map((m: Json) => m.body)).toEqual(['My card was charged twice', 'Thanks, we will text you back soon.', 'It was on the 3rd']);
    expect((await visitor.req('GET', `/api/v1/chats/${first.json.chatId}`, undefined, { 'x-chat-token': '' })).status).toBe(404); // no web page for an SMS

    // Her answer goes out as an SMS; once she ends it and wraps up, the next text starts anew.
    expect((await ann.req('POST', `/api/v1/tasks/${taskId}/chat/messages`, { body: 'We refunded the second charge.' })).status).toBe(201);
    expect((await carrier.waitFor((m) => m.body.text === 'We refunded the second charge.')).body).toEqual({ to: '0470112233', text: 'We refunded the second charge.' });
    await ann.req('POST', `/api/v1/tasks/${taskId}/chat/end`);
    await ann.req('POST', `/api/v1/tasks/${taskId}/complete`, { wrapUpCode: 'ch-done' });
    const later = await carrierIn.req('POST', '/api/v1/inbound/sms', { from: '0470112233', to: '+32470000000', text: 'Thanks!' });
    expect(later.json).toMatchObject({ started: true });
    expect(later.json.chatId).not.toBe(first.json.chatId);
    annStream.close();
  });
});
