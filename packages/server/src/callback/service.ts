import { afterAttempt, CALLBACK_DEFAULTS, callbackAsap, callbackSlots, fillScript, normalizePhone, type AttemptOutcome, type Calendar, type CallbackSettings, type Slot } from '@worklane/core';
import { CAMPAIGN_SOURCE, calendarOfCampaign, campaignOfTask } from '../campaigns/service.js';
import type { Services } from '../services.js';
import type { TaskRow } from '../db/schema.js';
import type { Worktype } from '../config/cache.js';
import { newId } from '../db/ids.js';
import { sql } from 'kysely';
import { newToken, sha256, tokenMatches } from '../auth/crypto.js';
import { conflict, notFound, unprocessable } from '../http/problems.js';
import { captureTask } from '../tasks/capture.js';
import { changeTask, type Change } from '../tasks/change.js';
import { findByEmail } from '../customers/store.js';
import { actorOf, type Principal } from '../auth/principal.js';

export const CALLBACK_SOURCE = 'callback';
const ACTOR = 'callback:visitor';

export interface CallbackTopic {
  id: string;
  name: string;
  /** "As soon as possible" is offered (the calendar is open now). */
  asap: boolean;
  /** The usual wait of its queue over the last hour (null: nobody was called). */
  waitSeconds: number | null;
  slots: { start: string; end: string }[];
}

const calendarOf = (s: Services, w: Worktype): Calendar | null => (w.callback?.calendar ? (s.config.snapshot.calendars.get(w.callback.calendar) ?? null) : null);
const iso = (x: Slot) => ({ start: new Date(x.start).toISOString(), end: new Date(x.end).toISOString() });

export async function callbackTopics(s: Services, now = Date.now()): Promise<CallbackTopic[]> {
  const ws = [...s.config.snapshot.worktypes.values()].filter((w) => w.callback).sort((a, b) => a.name.localeCompare(b.name));
  return Promise.all(ws.map(async (w) => ({
    id: w.id,
    name: w.name,
    asap: callbackAsap(calendarOf(s, w), now),
    waitSeconds: await s.waits.of(w.defaultQueue),
    slots: callbackSlots(w.callback!, calendarOf(s, w), now).map(iso),
  })));
}

export interface CallbackRequest {
  topic: string;
  name: string;
  phone: string;
  /** 'asap', or the start of one of the topic's slots. */
  when: string;
  email?: string;
  note?: string;
}

export interface CallbackAnswer {
  id: string;
  /** Opens the request later (X-Callback-Token): given once. */
  token?: string;
  topic: { id: string; name: string };
  phone: string;
  /** null: as soon as possible */
  slot: { start: string; end: string } | null;
  message: string;
}

/** Where a request stands, as its visitor is told. */
export type CallbackState = 'waiting' | 'scheduled' | 'calling' | 'done' | 'canceled';

export interface CallbackStatus {
  id: string;
  topic: { id: string; name: string };
  phone: string;
  slot: { start: string; end: string } | null;
  state: CallbackState;
}

/**
 * A visitor asks to be called back: a task of media type callback, waiting at once (as soon as
 * possible) or scheduled for the start of the slot they picked and expiring at its end. What the
 * slot or phone number is not, is a 422 naming the field.
 */
export async function requestCallback(s: Services, r: CallbackRequest, now = Date.now()): Promise<CallbackAnswer> {
  const w = s.config.snapshot.worktypes.get(r.topic);
  if (!w?.callback) throw unprocessable('/topic', `there is no callback topic "${r.topic}"`);
  const phone = normalizePhone(r.phone);
  if (!phone) throw unprocessable('/phone', 'is not a phone number we can call (6 to 15 digits, optionally after +)');
  const cal = calendarOf(s, w);
  let slot: Slot | null = null;
  if (r.when === 'asap') {
    if (!callbackAsap(cal, now)) throw unprocessable('/when', 'we are closed now: pick a time');
  } else {
    slot = callbackSlots(w.callback, cal, now).find((x) => x.start === Date.parse(r.when)) ?? null;
    if (!slot) throw unprocessable('/when', 'is not one of the times offered (they may have changed: look again)');
  }
  const id = newId();
  const name = r.name.trim();
  const email = r.email?.trim().toLowerCase();
  const customer = email ? await findByEmail(s.db, email) : undefined;
  // The visitor's token first, its task then: a request that failed leaves nothing behind.
  const token = newToken();
  await s.db.insertInto('callback_requests').values({ id, token_hash: sha256(token) }).execute();
  let task: TaskRow;
  try {
    ({ task } = await captureTask(s.db, s.config, {
    worktype: w.id,
    source: CALLBACK_SOURCE,
    externalId: id,
    title: `Call back ${name}`.slice(0, 500),
    ...(r.note?.trim() ? { description: r.note.trim() } : {}),
    attributes: { phone, name, ...(email ? { email } : {}), requested: slot ? new Date(slot.start).toISOString() : 'asap' },
    ...(slot ? { wakeAt: new Date(slot.start).toISOString(), expiresAt: new Date(slot.end).toISOString() } : {}),
    ...(customer ? { customerId: customer.id } : {}),
    }, { actor: ACTOR, idempotency: null }));
  } catch (err) {
    await s.db.deleteFrom('callback_requests').where('id', '=', id).execute();
    throw err;
  }
  s.dispatcher.track(task);
  if (task.wake_at) void s.dispatcher.armWake(task.wake_at);
  s.expiry.arm(task.expires_at);
  s.metrics.tasksCaptured.inc({ created: 'true' });
  const when = slot ? `between ${new Date(slot.start).toISOString()} and ${new Date(slot.end).toISOString()}` : 'as soon as an advisor is free';
  return { id, topic: { id: w.id, name: w.name }, phone, slot: slot && iso(slot), message: `We will call you on ${phone} ${when}.`, token };
}

/** The task of the request the visitor's token opens; a wrong token answers like no request at all. */
export async function visitorCallback(s: Services, id: string, token: string | undefined): Promise<TaskRow> {
  const r = await s.db.selectFrom('callback_requests').select('token_hash').where('id', '=', id).executeTakeFirst();
  const t = tokenMatches(token, r?.token_hash)
    ? await s.db.selectFrom('tasks').selectAll().where(sql<string>`coalesce(source, '')`, '=', CALLBACK_SOURCE).where('external_id', '=', id).executeTakeFirst()
    : undefined;
  if (!t) throw notFound(`Callback ${id}`);
  return t;
}

export function callbackStatus(s: Services, t: TaskRow): CallbackStatus {
  const a = (t.attributes ?? {}) as Record<string, unknown>;
  const requested = String(a.requested ?? 'asap');
  const state: CallbackState =
    t.state === 'completed' ? 'done' : t.state === 'canceled' ? 'canceled' : t.state === 'assigned' || t.state === 'wrap-up' || t.state === 'paused' ? 'calling' : t.state === 'scheduled' ? 'scheduled' : 'waiting';
  return {
    id: t.external_id!,
    topic: { id: t.worktype, name: s.config.snapshot.worktypes.get(t.worktype)?.name ?? t.worktype },
    phone: String(a.phone ?? ''),
    slot: requested === 'asap' ? null : { start: requested, end: t.expires_at ? new Date(t.expires_at).toISOString() : requested },
    state,
  };
}

/** The visitor no longer wants the call: withdrawn while nobody is calling; once someone is, too late. */
export async function cancelCallback(s: Services, t: TaskRow): Promise<Change | null> {
  if (t.state === 'canceled' || t.state === 'completed') return null; // again, or over: nothing to do
  if (t.state !== 'queued' && t.state !== 'offered' && t.state !== 'scheduled') throw conflict('An advisor is calling you now', { state: t.state });
  return changeTask(s.db, t, 'cancel', {
    set: { state: 'canceled', completed_at: new Date(), wake_at: null },
    events: [{ type: 'task.canceled', actor: ACTOR, data: { reason: 'canceled by the customer', agent: null } }],
  });
}

export interface Attempt {
  at: string;
  outcome: AttemptOutcome;
  agent: string | null;
  note: string | null;
}

export interface CallbackView {
  taskId: string;
  phone: string;
  name: string;
  requested: string;
  /** The end of the slot asked for: the request expires then if nobody took it. */
  until: string | null;
  maxAttempts: number;
  attempts: Attempt[];
  /** A campaign's call: the campaign, its script filled for this contact, what the list says of them. */
  campaign: { id: string; name: string; script: string; data: Record<string, string> } | null;
}

function assertCallback(t: TaskRow): { phone: string; name: string; requested: string } {
  const a = (t.attributes ?? {}) as Record<string, unknown>;
  if ((t.source !== CALLBACK_SOURCE && t.source !== CAMPAIGN_SOURCE) || typeof a.phone !== 'string') throw notFound(`A callback for task ${t.id}`);
  return { phone: a.phone, name: String(a.name ?? ''), requested: t.source === CAMPAIGN_SOURCE ? 'campaign' : String(a.requested ?? 'asap') };
}

/** The retry rules of a call: the callback topic's, or the campaign's (its attempts, retry time and calendar). */
async function rulesOf(s: Services, t: TaskRow): Promise<{ settings: CallbackSettings; calendar: Calendar | null; campaign: Awaited<ReturnType<typeof campaignOfTask>> }> {
  const campaign = await campaignOfTask(s, t);
  if (campaign) return { settings: { maxAttempts: campaign.max_attempts, retryMinutes: campaign.retry_minutes }, calendar: calendarOfCampaign(s, campaign), campaign };
  const w = s.config.snapshot.worktypes.get(t.worktype);
  return { settings: w?.callback ?? {}, calendar: w ? calendarOf(s, w) : null, campaign: null };
}

export async function callbackView(s: Services, t: TaskRow): Promise<CallbackView> {
  const c = assertCallback(t);
  const rows = await s.db.selectFrom('events').leftJoin('users', 'users.id', 'events.user_id').select(['events.at', 'events.data', 'users.name']).where('task_id', '=', t.id).where('type', '=', 'callback.attempted').orderBy('events.id').execute();
  const { settings, campaign } = await rulesOf(s, t);
  // Only a campaign's script says the agent's name.
  const agent = campaign && t.assignee_id ? (await s.db.selectFrom('users').select('name').where('id', '=', t.assignee_id).executeTakeFirst())?.name : undefined;
  return {
    taskId: t.id,
    ...c,
    until: t.expires_at ? new Date(t.expires_at).toISOString() : null,
    maxAttempts: settings.maxAttempts ?? CALLBACK_DEFAULTS.maxAttempts,
    campaign: campaign && {
      id: campaign.id,
      name: campaign.name,
      script: fillScript(campaign.script, { ...campaign.data, name: campaign.contact_name, phone: campaign.phone, agent: agent?.split(/\s+/)[0] }),
      data: campaign.data,
    },
    attempts: rows.map((r) => {
      const d = r.data as { outcome: AttemptOutcome; note?: string | null };
      return { at: new Date(r.at).toISOString(), outcome: d.outcome, agent: r.name ?? null, note: d.note ?? null };
    }),
  };
}

/**
 * The agent called and did not reach the customer: the attempt is recorded, then the request comes
 * back after the topic's retry time (to whoever is free then), or is given up after the last
 * attempt (canceled, with the reason). Reaching the customer is simply completing the task.
 */
export async function recordAttempt(s: Services, p: Principal, t: TaskRow, outcome: AttemptOutcome, note: string | null, now = Date.now()): Promise<{ change: Change; decision: ReturnType<typeof afterAttempt> }> {
  assertCallback(t);
  if (t.state !== 'assigned') throw conflict(`Only a callback in someone's hands can be tried; this one is ${t.state}`, { state: t.state });
  const { settings, calendar } = await rulesOf(s, t);
  const done = (await s.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('n')).where('task_id', '=', t.id).where('type', '=', 'callback.attempted').executeTakeFirstOrThrow()).n;
  const attempts = Number(done) + 1;
  const decision = afterAttempt(outcome, attempts, settings, calendar, now);
  const attempted = { type: 'callback.attempted', actor: actorOf(p), userId: t.assignee_id, data: { outcome, attempt: attempts, note, agent: t.assignee_id } };
  const change =
    decision.kind === 'retry'
      ? await changeTask(s.db, t, 'reschedule', {
          set: { state: 'scheduled', wake_at: new Date(decision.at), assignee_id: null, target_agent_id: null, paused_reason: null },
          events: [attempted, { type: 'task.rescheduled', actor: actorOf(p), userId: t.assignee_id, data: { until: new Date(decision.at).toISOString(), reason: `callback attempt ${attempts}: ${outcome}`, agent: t.assignee_id } }],
        })
      : await changeTask(s.db, t, 'cancel', {
          set: { state: 'canceled', completed_at: new Date(now), wake_at: null },
          events: [attempted, { type: 'task.canceled', actor: actorOf(p), userId: t.assignee_id, data: { reason: decision.reason, agent: t.assignee_id } }],
        });
  return { change, decision };
}
