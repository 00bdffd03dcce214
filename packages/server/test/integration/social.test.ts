import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { BACKENDS, Client, applyConfig, counts, startHarness, type Harness } from './harness.js';
import { Receiver } from './receiver.js';

// Social media routing (seed CE19): a Facebook page's and a Twitter account's webhooks become work
// (public posts by keyword, every private message), agents answer, and the answers reach the
// platform's API (a real HTTP server on loopback speaking the Graph API's and Twitter's calls).
const CONFIG = {
  version: 1,
  teams: [{ id: 'so-team', name: 'Social team' }],
  users: [{ email: 'so-sol@test.local', name: 'Sol Social', password: 'secret1', roles: ['agent'], teams: ['so-team'], capacity: { social: 6 } }],
  queues: [{ id: 'so-q', name: 'Social queue', members: { teams: ['so-team'] }, offerTimeoutSeconds: 60 }],
  worktypes: [
    { id: 'so-public', name: 'Social posts', mediaType: 'social', defaultQueue: 'so-q', wrapUpCodes: ['so-done'] },
    { id: 'so-private', name: 'Social messages', mediaType: 'social', defaultQueue: 'so-q', wrapUpCodes: ['so-done'] },
    { id: 'so-plain', name: 'Not social', defaultQueue: 'so-q' },
  ],
  wrapUpCodes: [{ code: 'so-done', label: 'Done' }],
};
const FB_SECRET = 'fb-app-secret-1';
const TW_SECRET = 'tw-consumer-secret-1';
const PAGE = '555000';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const fbSign = (body: string, secret = FB_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const twSign = (body: string) => `sha256=${createHmac('sha256', TW_SECRET).update(body).digest('base64')}`;
const post = (id: string, from: string, name: string, message: string, item = 'status') => ({
  field: 'feed',
  value: { item, verb: 'add', post_id: item === 'comment' ? `${PAGE}_1` : id, ...(item === 'comment' ? { comment_id: id } : {}), message, from: { id: from, name }, created_time: Math.floor(Date.now() / 1000) },
});
const fbHook = (changes: object[], messaging: object[] = []) => JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: Math.floor(Date.now() / 1000), changes, messaging }] });

describe.each(BACKENDS)('social media routing on $backend', ({ backend, skip }) => {
  let h: Harness;
  // The platforms' APIs: every call recorded; the next `failures` calls answer 503.
  // Messenger's profile of psid-9 (the User Profile API) names her.
  const platform = new Receiver((path, n) => (path.startsWith('/2/') ? { data: { id: `tw-${n}` } } : path.startsWith('/v19.0/psid-9?') ? { name: 'Mia Messenger', id: 'psid-9' } : { id: `fb-${n}` }));
  let admin: Client;
  let sol: Client;
  const outside = new Client('');
  let fb: Json;
  let tw: Json;
  const hook = (account: Json, body: string, signature: string | null) =>
    outside.req('POST', account.webhookPath, body, signature ? { [account.platform === 'facebook' ? 'x-hub-signature-256' : 'x-twitter-webhooks-signature']: signature } : {});

  beforeAll(async () => {
    if (skip) return;
    await platform.start();
    process.env.WORKLANE_NOTIFY_POLL_MS = '100';
    process.env.WORKLANE_NOTIFY_BACKOFF_MS = '100';
    h = await startHarness(backend);
    delete process.env.WORKLANE_NOTIFY_POLL_MS;
    delete process.env.WORKLANE_NOTIFY_BACKOFF_MS;
    admin = await applyConfig(h, CONFIG);
    (outside as { base: string }).base = h.base;
    sol = await Client.login(h.base, 'so-sol@test.local', 'secret1');
  });
  afterAll(async () => {
    await h?.close();
    platform.close();
  });

  it.skipIf(skip)('accounts: checked by field, secrets never shown, only for administrators; the platforms\' subscription checks', async () => {
    const body = { name: 'Acme on Facebook', platform: 'facebook', externalId: PAGE, publicWorktype: 'so-public', privateWorktype: 'so-private', keywords: ['refund', 'order'], appSecret: FB_SECRET, accessToken: 'fb-page-token', apiUrl: `${platform.url}/v19.0` };
    expect((await sol.req('POST', '/api/v1/social/accounts', body)).status).toBe(403);
    const bad = await admin.req('POST', '/api/v1/social/accounts', { ...body, publicWorktype: 'nope', privateWorktype: 'so-plain' });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: Json) => e.pointer)).toEqual(['/publicWorktype', '/privateWorktype']);
    expect((await admin.req('POST', '/api/v1/social/accounts', { ...body, platform: 'myspace' })).json.errors[0].pointer).toBe('/platform');
    expect((await admin.req('POST', '/api/v1/social/accounts', { ...body, appSecret: 'short' })).json.errors[0].pointer).toBe('/appSecret');
    expect((await admin.req('GET', '/api/v1/social/accounts')).json.items.map((a: Json) => a.id)).toEqual(['demo-facebook', 'demo-twitter']); // the demo's, nothing made

    const made = await admin.req('POST', '/api/v1/social/accounts', body);
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    fb = made.json;
    expect(fb).toMatchObject({ platform: 'facebook', externalId: PAGE, keywords: ['refund', 'order'], enabled: true, received: 0, webhookPath: `/api/v1/social/accounts/${fb.id}/webhook` });
    expect(JSON.stringify(fb)).not.toContain(FB_SECRET);
    expect(JSON.stringify(fb)).not.toContain('fb-page-token');
    expect((await admin.req('POST', '/api/v1/social/accounts', body)).json.errors[0].pointer).toBe('/externalId'); // the same page twice

    tw = (await admin.req('POST', '/api/v1/social/accounts', { name: 'Acme on Twitter', platform: 'twitter', externalId: '42', handle: '@acme', publicWorktype: 'so-public', privateWorktype: 'so-private', keywords: ['late'], appSecret: TW_SECRET, accessToken: 'tw-user-token', apiUrl: platform.url })).json;
    expect(tw.handle).toBe('acme');

    // Facebook's handshake with the verify token; Twitter's CRC with the consumer secret.
    const check = (q: string) => outside.req('GET', `${fb.webhookPath}?${q}`);
    expect((await check(`hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=abc`)).status).toBe(403);
    const ok = await check(`hub.mode=subscribe&hub.verify_token=${fb.verifyToken}&hub.challenge=c123`);
    expect([ok.status, ok.json]).toEqual([200, 'c123']);
    const crc = await outside.req('GET', `${tw.webhookPath}?crc_token=tok&nonce=n`);
    expect(crc.json).toEqual({ response_token: `sha256=${createHmac('sha256', TW_SECRET).update('tok').digest('base64')}` });

    // The audit trail says what changed, never a secret.
    expect((await admin.req('PATCH', `/api/v1/social/accounts/${tw.id}`, { accessToken: 'tw-user-token-2' })).status).toBe(200);
    const audit = await h.db.store.db.selectFrom('events').select(['type', 'data']).where('type', 'like', 'social.%').orderBy('id').execute();
    expect(audit.map((e) => e.type)).toEqual(['social.account-created', 'social.account-created', 'social.account-updated']);
    expect(JSON.stringify(audit)).not.toContain('tw-user-token-2');
  });

  it.skipIf(skip)('a webhook not signed with the app secret changes nothing', async () => {
    const before = await counts(h.db.store);
    const body = fbHook([post('p0', 'u0', 'Mallory', 'refund please')]);
    expect((await hook(fb, body, null)).status).toBe(401);
    expect((await hook(fb, body, fbSign(body, 'another-secret'))).status).toBe(401);
    expect((await hook(fb, body.replace('Mallory', 'Eve'), fbSign(body))).status).toBe(401);
    expect((await hook(fb, '{"object":', fbSign('{"object":'))).status).toBe(400);
    expect(await counts(h.db.store)).toEqual(before);
  });

  it.skipIf(skip)('Facebook: a post worth answering and a Messenger message become work; chatter is filtered; the agent answers both, through a failing API', async () => {
    const body = fbHook(
      [post(`${PAGE}_7`, 'u1', 'Jane Doe', 'I want a refund for my order'), post(`${PAGE}_8`, 'u2', 'Joe', 'Nice weather today')],
      [{ sender: { id: 'psid-9' }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: 'm_1', text: 'My card is blocked' } }],
    );
    const got = await hook(fb, body, fbSign(body));
    expect(got.status, JSON.stringify(got.json)).toBe(200);
    expect(got.json.items.map((i: Json) => [i.id, i.outcome])).toEqual([[`${PAGE}_7`, 'started'], [`${PAGE}_8`, 'filtered'], ['m_1', 'started']]);
    expect(got.json.items[0].matched).toEqual(['refund', 'order']);
    // The platform delivers again: taken once.
    expect((await hook(fb, body, fbSign(body))).json.items.map((i: Json) => i.outcome)).toEqual(['duplicate', 'filtered', 'duplicate']);
    const account = (await admin.req('GET', `/api/v1/social/accounts/${fb.id}`)).json;
    expect(account).toMatchObject({ received: 6, filtered: 2 });

    const publicTask = (await admin.req('GET', `/api/v1/tasks/${got.json.items[0].taskId}`)).json;
    expect(publicTask).toMatchObject({ mediaType: 'social', source: 'social', worktype: 'so-public', title: 'Facebook post from Jane Doe', description: 'I want a refund for my order', attributes: { platform: 'facebook', kind: 'public', keywords: ['refund', 'order'] } });
    const privateTask = (await admin.req('GET', `/api/v1/tasks/${got.json.items[2].taskId}`)).json;
    expect(privateTask).toMatchObject({ worktype: 'so-private', title: 'Facebook Messenger message from Mia Messenger', attributes: { kind: 'private', author: 'Mia Messenger' } });
    expect(platform.received.find((r) => r.path.startsWith('/v19.0/psid-9?'))).toEqual({ path: '/v19.0/psid-9?fields=name,first_name,last_name', auth: 'Bearer fb-page-token', body: {} });

    // Sol takes both; Jane's comment joins her conversation, live on Sol's stream.
    await sol.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const stream = await sol.stream();
    await h.app.services.dispatcher.idle();
    for (const o of (await sol.req('GET', '/api/v1/me/offers')).json.items) expect((await sol.req('POST', `/api/v1/offers/${o.id}/accept`)).status).toBe(200);
    const comment = fbHook([post(`${PAGE}_1_5`, 'u1', 'Jane Doe', 'It was order 1234', 'comment')]);
    expect((await hook(fb, comment, fbSign(comment))).json.items[0]).toMatchObject({ outcome: 'joined', taskId: publicTask.id });
    expect(await stream.next((m) => m.type === 'chat.message' && m.message.body === 'It was order 1234')).toMatchObject({ taskId: publicTask.id, message: { sender: 'visitor', name: 'Jane Doe' } });
    const view = (await sol.req('GET', `/api/v1/tasks/${publicTask.id}/chat`)).json;
    expect(view).toMatchObject({ channel: 'social', phase: 'connected', social: { platform: 'facebook', kind: 'public', account: 'Acme on Facebook' } });
    expect(view.messages.map((m: Json) => m.body)).toEqual(['I want a refund for my order', 'It was order 1234']);
    // The supervisor's live figures: one public conversation and one private going on, none waiting.
    const live = (await admin.req('GET', '/api/v1/reports/realtime/social')).json.items;
    expect(live.find((x: Json) => x.id === fb.id)).toMatchObject({ name: 'Acme on Facebook', public: { active: 1, waiting: 0 }, private: { active: 1, waiting: 0 } });
    expect(live.find((x: Json) => x.id === fb.id).public.longestSeconds).toBeGreaterThanOrEqual(0);
    expect(live.find((x: Json) => x.id === tw.id)).toMatchObject({ public: { active: 0, longestSeconds: null } });

    // The public answer goes under her latest comment; the API fails twice first: retried, then sent.
    platform.failures = 2;
    expect((await sol.req('POST', `/api/v1/tasks/${publicTask.id}/chat/messages`, { body: 'Sorry Jane, we sent you a message.' })).status).toBe(201);
    const reply = await platform.waitFor((c) => c.body.message === 'Sorry Jane, we sent you a message.');
    expect(reply).toEqual({ path: `/v19.0/${PAGE}_1_5/comments`, auth: 'Bearer fb-page-token', body: { message: 'Sorry Jane, we sent you a message.' } });
    const logged = (await admin.req('GET', '/api/v1/notifications?channel=social')).json.items;
    expect(logged[0]).toMatchObject({ channel: 'social', state: 'sent', attempts: expect.arrayContaining([expect.objectContaining({ ok: false })]) });
    expect(logged[0].attempts.map((a: Json) => a.ok)).toEqual([false, false, true]);

    // The private answer through Messenger's Send API.
    expect((await sol.req('POST', `/api/v1/tasks/${privateTask.id}/chat/messages`, { body: 'We unblocked it.' })).status).toBe(201);
    expect(await platform.waitFor((c) => c.path === '/v19.0/me/messages')).toEqual({
      path: '/v19.0/me/messages', auth: 'Bearer fb-page-token', body: { recipient: { id: 'psid-9' }, messaging_type: 'RESPONSE', message: { text: 'We unblocked it.' } },
    });

    // Sol finds out who Jane is: the conversation is linked to the customer, and her author id remembered.
    const jane = (await admin.req('POST', '/api/v1/customers', { name: 'Doe', firstName: 'Jane', email: 'jane.doe@example.com' })).json;
    expect((await sol.req('PATCH', `/api/v1/tasks/${publicTask.id}`, { customerId: 'nobody' })).json.errors[0].pointer).toBe('/customerId');
    expect((await sol.req('PATCH', `/api/v1/tasks/${publicTask.id}`, { customerId: jane.id })).json.customerId).toBe(jane.id);

    // Wrapped up, Jane's next comment starts a new conversation: hers, linked at once.
    await sol.req('POST', `/api/v1/tasks/${publicTask.id}/chat/end`);
    expect((await sol.req('POST', `/api/v1/tasks/${publicTask.id}/complete`, { wrapUpCode: 'so-done' })).status).toBe(200);
    const later = fbHook([post(`${PAGE}_1_6`, 'u1', 'Jane Doe', 'Thanks, refund received', 'comment')]);
    const again = (await hook(fb, later, fbSign(later))).json.items[0];
    expect(again.outcome).toBe('started');
    expect(again.chatId).not.toBe(publicTask.externalId);
    expect((await admin.req('GET', `/api/v1/tasks/${again.taskId}`)).json.customerId).toBe(jane.id);
    stream.close();
    // The profile API away: a new Messenger sender's conversation starts all the same, unnamed.
    platform.failures = 1;
    const stranger = fbHook([], [{ sender: { id: 'psid-10' }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: 'm_2', text: 'Hello?' } }]);
    const unnamed = (await hook(fb, stranger, fbSign(stranger))).json.items[0];
    expect(unnamed.outcome).toBe('started');
    expect((await admin.req('GET', `/api/v1/tasks/${unnamed.taskId}`)).json.title).toBe('Facebook Messenger message from Messenger user psid-10');
  });

  it.skipIf(skip)('Twitter: a tweet naming the account and a direct message; answers as a reply tweet and a DM; a disabled account takes nothing', async () => {
    const body = JSON.stringify({
      for_user_id: '42',
      tweet_create_events: [
        { id_str: '9001', text: '@acme where is my parcel?', timestamp_ms: String(Date.now()), user: { id_str: 'u7', name: 'Tina', screen_name: 'tina' } },
        { id_str: '9002', text: 'lovely day', user: { id_str: 'u8', name: 'Tom', screen_name: 'tom' } },
      ],
      direct_message_events: [{ type: 'message_create', id: 'dm-1', created_timestamp: String(Date.now()), message_create: { sender_id: 'u7', target: { recipient_id: '42' }, message_data: { text: 'order 77' } } }],
      users: { u7: { id: 'u7', name: 'Tina', screen_name: 'tina' } },
    });
    const got = await hook(tw, body, twSign(body));
    expect(got.json.items.map((i: Json) => [i.outcome, i.matched])).toEqual([['started', ['@acme']], ['filtered', []], ['started', []]]);
    const [tweetTask, , dmTask] = got.json.items.map((i: Json) => i.taskId);
    expect((await admin.req('GET', `/api/v1/tasks/${tweetTask}`)).json.title).toBe('Twitter tweet from Tina (@tina)');
    await h.app.services.dispatcher.idle();
    for (const o of (await sol.req('GET', '/api/v1/me/offers')).json.items) await sol.req('POST', `/api/v1/offers/${o.id}/accept`);
    expect((await sol.req('POST', `/api/v1/tasks/${tweetTask}/chat/messages`, { body: 'On its way, Tina.' })).status).toBe(201);
    expect(await platform.waitFor((c) => c.path === '/2/tweets')).toEqual({ path: '/2/tweets', auth: 'Bearer tw-user-token-2', body: { text: 'On its way, Tina.', reply: { in_reply_to_tweet_id: '9001' } } });
    expect((await sol.req('POST', `/api/v1/tasks/${dmTask}/chat/messages`, { body: 'Order 77 ships today.' })).status).toBe(201);
    expect(await platform.waitFor((c) => c.path === '/2/dm_conversations/with/u7/messages')).toMatchObject({ body: { text: 'Order 77 ships today.' } });

    // Disabled: the webhook is as if absent; its answers wait until it is enabled again.
    expect((await admin.req('PATCH', `/api/v1/social/accounts/${tw.id}`, { enabled: false })).json.enabled).toBe(false);
    expect((await hook(tw, body, twSign(body))).status).toBe(404);
    expect((await outside.req('GET', `${tw.webhookPath}?crc_token=x`)).status).toBe(404);
    const sentBefore = platform.received.length;
    expect((await sol.req('POST', `/api/v1/tasks/${dmTask}/chat/messages`, { body: 'One more thing.' })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    expect(platform.received.length).toBe(sentBefore);
    await admin.req('PATCH', `/api/v1/social/accounts/${tw.id}`, { enabled: true });
    const retried = (await admin.req('GET', '/api/v1/notifications?channel=social')).json.items.find((n: Json) => n.body === 'One more thing.');
    await admin.req('POST', `/api/v1/notifications/${retried.id}/retry`);
    expect(await platform.waitFor((c) => c.body.text === 'One more thing.')).toMatchObject({ path: '/2/dm_conversations/with/u7/messages' });

    // A worktype the account routes to changes its media type: listed with the reason, and a webhook is refused whole (the platform delivers again later).
    expect((await admin.req('PATCH', '/api/v1/worktypes/so-private', { mediaType: 'workitem' })).status).toBe(200);
    const warning = 'private messages: worktype "so-private" must have mediaType "social"';
    expect((await admin.req('GET', `/api/v1/social/accounts/${tw.id}`)).json.warnings).toEqual([warning]);
    const dm2 = JSON.stringify({ for_user_id: '42', direct_message_events: [{ type: 'message_create', id: 'dm-2', message_create: { sender_id: 'u9', target: { recipient_id: '42' }, message_data: { text: 'hello?' } } }] });
    const refused = await hook(tw, dm2, twSign(dm2));
    expect(refused.json).toMatchObject({ status: 409, warnings: [warning] });
    expect((await admin.req('PATCH', '/api/v1/worktypes/so-private', { mediaType: 'social' })).status).toBe(200);
    expect((await hook(tw, dm2, twSign(dm2))).json.items[0].outcome).toBe('started');

    // Removed: what it still had to send is dead-lettered, the conversations stay. (Disabled first, so the answer waits for the removal.)
    await admin.req('PATCH', `/api/v1/social/accounts/${tw.id}`, { enabled: false });
    expect((await sol.req('POST', `/api/v1/tasks/${dmTask}/chat/messages`, { body: 'Last words.' })).status).toBe(201);
    expect((await admin.req('DELETE', `/api/v1/social/accounts/${tw.id}`)).status).toBe(204);
    await expect.poll(async () => (await admin.req('GET', '/api/v1/notifications?channel=social')).json.items.find((n: Json) => n.body === 'Last words.')?.state, { timeout: 10_000 }).toBe('dead');
    expect((await sol.req('GET', `/api/v1/tasks/${dmTask}/chat`)).json.social).toEqual({ platform: 'unknown', kind: 'private', account: '(removed account)' });
  });
});
