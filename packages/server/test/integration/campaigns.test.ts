import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, Client, applyConfig, counts, startHarness, type Harness } from './harness.js';

// Outbound campaigns in preview mode (seed CE11): a contact list checked against the campaign and
// the do-not-call list; started, each contact is a call offered to an agent with the campaign's
// script; not reached comes back, opted out joins the list, reached is wrapped up with its result;
// stopping withdraws what waits, starting again calls it.
const CONFIG = {
  version: 1,
  teams: [{ id: 'oc-team', name: 'Outbound team' }],
  users: [{ email: 'oc-otto@test.local', name: 'Otto Outbound', password: 'secret1', roles: ['agent'], teams: ['oc-team'], capacity: { callback: 1 } }],
  queues: [{ id: 'oc-q', name: 'Outbound queue', members: { teams: ['oc-team'] }, offerTimeoutSeconds: 60 }],
  worktypes: [
    { id: 'oc-calls', name: 'Outbound calls', mediaType: 'callback', defaultQueue: 'oc-q', wrapUpCodes: ['oc-sale', 'oc-no-interest'] },
    { id: 'oc-plain', name: 'Not calls', defaultQueue: 'oc-q' },
  ],
  wrapUpCodes: [{ code: 'oc-sale', label: 'Sale' }, { code: 'oc-no-interest', label: 'Not interested' }],
  calendars: [{ id: 'oc-hours', name: 'Calling hours', timeZone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '00:00', to: '24:00' }]])) }],
};

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(BACKENDS)('outbound campaigns on $backend', ({ backend, skip }) => {
  let h: Harness;
  let admin: Client;
  let otto: Client;
  let campaign: Json;

  /** Otto accepts what he is offered; the task with its callback view. */
  const nextCall = async (): Promise<{ task: Json; view: Json }> => {
    await h.app.services.dispatcher.idle();
    let offer: Json;
    await expect.poll(async () => (offer = (await otto.req('GET', '/api/v1/me/offers')).json.items[0])).toBeTruthy();
    expect((await otto.req('POST', `/api/v1/offers/${offer.id}/accept`)).status).toBe(200);
    const task = (await otto.req('GET', `/api/v1/tasks/${offer.taskId}`)).json;
    return { task, view: (await otto.req('GET', `/api/v1/tasks/${offer.taskId}/callback`)).json };
  };
  const progress = async () => (await admin.req('GET', `/api/v1/campaigns/${campaign.id}`)).json.progress;

  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend);
    admin = await applyConfig(h, CONFIG);
    otto = await Client.login(h.base, 'oc-otto@test.local', 'secret1');
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(skip)('a campaign and its contacts are checked by field and by line; nothing is called before it starts', async () => {
    const body = { name: 'Gold card upgrade', worktype: 'oc-calls', maxAttempts: 2, retryMinutes: 1, script: 'Hello {{name}}, this is {{agent}} about your {{product}}.' };
    expect((await otto.req('POST', '/api/v1/campaigns', body)).status).toBe(403);
    const bad = await admin.req('POST', '/api/v1/campaigns', { ...body, worktype: 'oc-plain', calendar: 'nope' });
    expect(bad.json.errors.map((e: Json) => e.pointer)).toEqual(['/worktype', '/calendar']);
    expect((await admin.req('POST', '/api/v1/campaigns', { ...body, maxAttempts: 0 })).json.errors[0].pointer).toBe('/maxAttempts');
    const made = await admin.req('POST', '/api/v1/campaigns', body);
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    campaign = made.json;
    expect(campaign).toMatchObject({ state: 'draft', maxAttempts: 2, progress: { contacts: 0 } });

    expect((await admin.req('POST', '/api/v1/do-not-call', { phone: 'nobody' })).json.errors[0].pointer).toBe('/phone');
    expect((await admin.req('POST', '/api/v1/do-not-call', { phone: '+32 470 99 99 99', reason: 'complained' })).status).toBe(201);

    const before = await counts(h.db.store);
    const added = await admin.req('POST', `/api/v1/campaigns/${campaign.id}/contacts`, {
      contacts: [
        { phone: '0470 11 11 11', name: 'Jane Gold', data: { product: 'Gold card' } },
        { phone: '0470111111', name: 'Jane twice' },
        { phone: '+32470999999', name: 'Complainer' },
        { phone: 'n/a', name: 'No number' },
        { phone: '0470 22 22 22', name: 'Joe Silver', data: { product: 'Silver card' } },
        { phone: '0470 33 33 33', name: 'Kim Bronze' },
      ],
    });
    expect(added.json).toEqual({
      accepted: 3,
      refused: [
        { line: 2, phone: '0470111111', reason: 'twice in the list' },
        { line: 3, phone: '+32470999999', reason: 'on the do-not-call list' },
        { line: 4, phone: 'n/a', reason: 'not a phone number' },
      ],
    });
    expect((await admin.req('POST', `/api/v1/campaigns/${campaign.id}/contacts`, { contacts: [{ phone: '0470222222' }] })).json.refused[0].reason).toBe('already in the campaign');
    expect((await admin.req('POST', `/api/v1/campaigns/${campaign.id}/contacts`, { contacts: [] })).json.errors[0].pointer).toBe('/contacts');
    expect((await counts(h.db.store)).tasks).toBe(before.tasks);
    expect(await progress()).toMatchObject({ contacts: 3, byState: { pending: 3 } });
  });

  it.skipIf(skip)('started: each contact is a call with the script; not reached comes back, opted out joins the list, reached has its result', async () => {
    await otto.req('PUT', '/api/v1/me/presence', { status: 'available' });
    const started = await admin.req('POST', `/api/v1/campaigns/${campaign.id}/start`);
    expect(started.json).toMatchObject({ state: 'running', called: 3, progress: { byState: { waiting: 3 } } });
    expect((await admin.req('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe(409);

    const seen = new Map<string, Json>();
    for (let i = 0; i < 3; i++) {
      const { task, view } = await nextCall();
      expect(task).toMatchObject({ source: 'campaign', mediaType: 'callback', title: `Gold card upgrade: call ${view.name}` });
      expect(view).toMatchObject({ maxAttempts: 2, requested: 'campaign', campaign: { id: campaign.id, name: 'Gold card upgrade' } });
      seen.set(view.name, { task, view });
      if (view.name === 'Jane Gold') {
        expect(view.campaign.script).toBe('Hello Jane Gold, this is Otto about your Gold card.');
        const r = await otto.req('POST', `/api/v1/tasks/${task.id}/callback/attempts`, { outcome: 'no-answer' });
        expect(r.json.decision.kind).toBe('retry');
      } else if (view.name === 'Joe Silver') {
        expect((await otto.req('POST', `/api/v1/tasks/${task.id}/campaign/opt-out`)).status).toBe(204);
      } else {
        expect(view.campaign.script).toBe('Hello Kim Bronze, this is Otto about your [product].');
        expect((await otto.req('POST', `/api/v1/tasks/${task.id}/complete`, { wrapUpCode: 'oc-sale' })).status).toBe(200);
      }
    }
    expect([...seen.keys()].sort()).toEqual(['Jane Gold', 'Joe Silver', 'Kim Bronze']);
    expect(await progress()).toMatchObject({ byState: { waiting: 1, reached: 1, 'do-not-call': 1 }, results: { 'oc-sale': 1 } });
    const dnc = (await admin.req('GET', '/api/v1/do-not-call?q=470222')).json.items;
    expect(dnc).toEqual([expect.objectContaining({ phone: '0470222222', reason: 'asked during Gold card upgrade' })]);
    const contacts = (await admin.req('GET', `/api/v1/campaigns/${campaign.id}/contacts`)).json.items;
    expect(contacts.map((c: Json) => [c.name, c.state, c.result])).toEqual([['Jane Gold', 'waiting', null], ['Joe Silver', 'do-not-call', null], ['Kim Bronze', 'reached', 'oc-sale']]);
  });

  it.skipIf(skip)('stopped: waiting calls are withdrawn and made again on the next start; a contact added while running is called at once', async () => {
    const stopped = await admin.req('POST', `/api/v1/campaigns/${campaign.id}/stop`);
    expect(stopped.json).toMatchObject({ state: 'stopped', withdrawn: 1, progress: { byState: { pending: 1, waiting: 0 } } });
    expect((await admin.req('POST', `/api/v1/campaigns/${campaign.id}/stop`)).status).toBe(409);
    expect((await admin.req('POST', `/api/v1/campaigns/${campaign.id}/start`)).json).toMatchObject({ called: 1, progress: { byState: { waiting: 1 } } });
    const late = await admin.req('POST', `/api/v1/campaigns/${campaign.id}/contacts`, { contacts: [{ phone: '0470444444', name: 'Lee Late' }] });
    expect(late.json.accepted).toBe(1);
    expect(await progress()).toMatchObject({ contacts: 4, byState: { waiting: 2 } });
    // A start that stopped between making a contact's call and recording it: the next start finds that call, not a second one.
    const lee = await h.db.store.db.selectFrom('campaign_contacts').select(['id', 'task_id']).where('phone', '=', '0470444444').executeTakeFirstOrThrow();
    await h.db.store.db.updateTable('campaign_contacts').set({ task_id: null }).where('id', '=', lee.id).execute();
    await admin.req('POST', `/api/v1/campaigns/${campaign.id}/stop`);
    expect((await admin.req('POST', `/api/v1/campaigns/${campaign.id}/start`)).json.progress.byState.waiting).toBe(2);
    expect((await h.db.store.db.selectFrom('campaign_contacts').select('task_id').where('id', '=', lee.id).executeTakeFirstOrThrow()).task_id).toBe(lee.task_id);
    const leeCalls = await h.db.store.db.selectFrom('tasks').select('id').where('source', '=', 'campaign').where(sql<string>`attributes->>'phone'`, '=', '0470444444').execute();
    expect(leeCalls).toHaveLength(1);
    // Off the list again: a later list may hold the number.
    expect((await admin.req('DELETE', '/api/v1/do-not-call/0470222222')).status).toBe(204);
    expect((await admin.req('DELETE', '/api/v1/do-not-call/0470222222')).status).toBe(404);
    const audit = await h.db.store.db.selectFrom('events').select('type').where('type', 'like', 'campaign.%').orderBy('id').execute();
    expect(audit.map((e) => e.type)).toEqual(['campaign.created', 'campaign.contacts-added', 'campaign.started', 'campaign.stopped', 'campaign.started', 'campaign.contacts-added', 'campaign.stopped', 'campaign.started']);
  });

  it.skipIf(skip)('calling hours: when the calendar closes, calls not yet in hand are held until it opens again (offers withdrawn); a call in hand goes on', async () => {
    const made = await admin.req('POST', '/api/v1/campaigns', { name: 'Within hours', worktype: 'oc-calls', calendar: 'oc-hours' });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const hours = made.json;
    expect(hours.hours).toMatchObject({ open: true, until: null }); // open around the clock: no close within the week
    await admin.req('POST', `/api/v1/campaigns/${hours.id}/contacts`, { contacts: [{ phone: '0470555001', name: 'Ann Hours' }, { phone: '0470555002', name: 'Ben Hours' }] });
    // Otto holds nothing: the calls left from before are put aside for this test.
    await admin.req('POST', `/api/v1/campaigns/${campaign.id}/stop`);
    for (const t of (await otto.req('GET', '/api/v1/me/tasks')).json.items as Json[]) await otto.req('POST', `/api/v1/tasks/${t.id}/complete`, { wrapUpCode: 'oc-no-interest' });
    await otto.req('PUT', '/api/v1/me/presence', { status: 'available' });
    expect((await admin.req('POST', `/api/v1/campaigns/${hours.id}/start`)).json.called).toBe(2);
    const inHand = await nextCall(); // one call taken; the other offered once Otto is free, or waiting
    const calls = () => h.db.store.db.selectFrom('tasks').select(['id', 'state', 'wake_at']).where('source', '=', 'campaign').where(sql<string>`attributes->>'campaign'`, '=', hours.id).orderBy('id').execute();
    expect((await calls()).map((t) => t.state).sort()).toEqual(['assigned', 'queued']);

    // The calendar closes today and tomorrow (whichever day "now" turns out to be): calls wait for the day after.
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const closed = await admin.req('PATCH', '/api/v1/calendars/oc-hours', { overrides: [{ date: day(0), periods: [] }, { date: day(1), periods: [] }] });
    expect(closed.status, JSON.stringify(closed.json)).toBe(200);
    await h.app.services.callingHours.rearm(); // the look every 15 s, at once
    await expect.poll(async () => (await calls()).map((t) => t.state).sort(), { timeout: 10_000 }).toEqual(['assigned', 'scheduled']);
    const held = (await calls()).find((t) => t.state === 'scheduled')!;
    expect(new Date(held.wake_at!).toISOString().slice(0, 10) >= day(2)).toBe(true);
    const why = await h.db.store.db.selectFrom('events').select(['actor', 'data']).where('task_id', '=', held.id).where('type', '=', 'task.rescheduled').executeTakeFirstOrThrow();
    expect(why).toMatchObject({ actor: 'system:calling-hours', data: { reason: 'outside calling hours' } });
    expect((await calls()).find((t) => t.id === inHand.task.id)?.state).toBe('assigned');
    expect((await admin.req('GET', `/api/v1/campaigns/${hours.id}`)).json.hours).toEqual({ open: false, until: new Date(held.wake_at!).toISOString() });

    // Opened again: the next look has nothing to hold (the held call waits for its wake-up as any scheduled work).
    await admin.req('PATCH', '/api/v1/calendars/oc-hours', { overrides: [] });
    await h.app.services.callingHours.rearm();
    await h.app.services.dispatcher.idle();
    expect((await calls()).map((t) => t.state).sort()).toEqual(['assigned', 'scheduled']);
  });

  it.skipIf(skip)('dates: no call before the start; at the end the campaign ends itself, its waiting calls withdrawn; an ended one starts again once its end is moved', async () => {
    const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
    const base = { name: 'Spring offer', worktype: 'oc-calls' };
    expect((await admin.req('POST', '/api/v1/campaigns', { ...base, startsAt: iso(2 * 86_400_000), endsAt: iso(86_400_000) })).json.errors[0]).toMatchObject({ pointer: '/endsAt', message: 'must be after startsAt' });
    expect((await admin.req('POST', '/api/v1/campaigns', { ...base, endsAt: iso(-60_000) })).json.errors[0].pointer).toBe('/endsAt');
    expect((await admin.req('POST', '/api/v1/campaigns', { ...base, startsAt: 'Monday' })).json.errors[0].pointer).toBe('/startsAt');
    const made = await admin.req('POST', '/api/v1/campaigns', { ...base, startsAt: iso(2 * 86_400_000), endsAt: iso(5 * 86_400_000) });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const spring = made.json;
    expect(spring).toMatchObject({ startsAt: expect.any(String), endsAt: expect.any(String) });
    await admin.req('POST', `/api/v1/campaigns/${spring.id}/contacts`, { contacts: [{ phone: '0470666001', name: 'Sam Spring' }] });
    expect((await admin.req('POST', `/api/v1/campaigns/${spring.id}/start`)).json.called).toBe(1);
    const call = () => h.db.store.db.selectFrom('tasks').select(['id', 'state', 'wake_at']).where('source', '=', 'campaign').where(sql<string>`attributes->>'campaign'`, '=', spring.id).executeTakeFirstOrThrow();
    expect(await call()).toMatchObject({ state: 'scheduled', wake_at: new Date(spring.startsAt) }); // waits for the start

    // Its end moved to two seconds from now: it ends itself, the waiting call withdrawn.
    expect((await admin.req('PATCH', `/api/v1/campaigns/${spring.id}`, { startsAt: null, endsAt: iso(2_000) })).status).toBe(200);
    await expect.poll(async () => (await admin.req('GET', `/api/v1/campaigns/${spring.id}`)).json.state, { timeout: 15_000, interval: 250 }).toBe('ended');
    expect((await call()).state).toBe('canceled');
    const why = await h.db.store.db.selectFrom('events').select(['actor', 'data']).where('task_id', '=', (await call()).id).where('type', '=', 'task.canceled').executeTakeFirstOrThrow();
    expect(why).toMatchObject({ actor: 'system:campaigns', data: { reason: 'campaign ended' } });
    expect((await admin.req('GET', `/api/v1/campaigns/${spring.id}`)).json.progress.byState).toMatchObject({ pending: 1 });
    const again = await admin.req('POST', `/api/v1/campaigns/${spring.id}/start`);
    expect(again.status).toBe(409);
    expect(again.json.detail).toMatch(/ended/);
    expect((await admin.req('POST', `/api/v1/campaigns/${spring.id}/stop`)).status).toBe(409);
    expect((await admin.req('PATCH', `/api/v1/campaigns/${spring.id}`, { endsAt: iso(86_400_000) })).status).toBe(200);
    expect((await admin.req('POST', `/api/v1/campaigns/${spring.id}/start`)).json).toMatchObject({ state: 'running', called: 1 });
    const ended = await h.db.store.db.selectFrom('events').select('type').where('type', '=', 'campaign.ended').execute();
    expect(ended).toHaveLength(1);
  });
});

