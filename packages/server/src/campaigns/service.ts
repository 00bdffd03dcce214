import { sql, type Selectable } from 'kysely';
import { checkContacts, contactState, firstCallAt, nextOpen, ENDED_REASON, OPTED_OUT_REASON, STOPPED_REASON, type CampaignDates, type ContactInput, type ContactState, type Calendar } from '@worklane/core';
import type { Services } from '../services.js';
import type { CampaignsTable, TaskRow } from '../db/schema.js';
import { newId } from '../db/ids.js';
import { Problem, conflict, notFound, type FieldError } from '../http/problems.js';
import { captureMany } from '../tasks/capture.js';
import { changeTask } from '../tasks/change.js';
import { afterChange } from '../tasks/after.js';
import { appendEvents } from '../events/append.js';
import { actorOf, type Principal } from '../auth/principal.js';

export type CampaignRow = Selectable<CampaignsTable>;
export const CAMPAIGN_SOURCE = 'campaign';
/** Contacts sent at once, and in a campaign. */
export const CONTACTS_PER_UPLOAD = 5_000;
export const CONTACTS_PER_CAMPAIGN = 50_000;

export async function loadCampaign(s: Services, id: string): Promise<CampaignRow> {
  const c = await s.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound(`Campaign ${id}`);
  return c;
}

/** The worktype (media type callback, for its queue, capacity and wrap-up codes) and calendar exist. Every bad field at once. */
export function checkCampaign(s: Services, b: { worktype?: string; calendar?: string | null }): void {
  const errors: FieldError[] = [];
  if (b.worktype !== undefined) {
    const w = s.config.snapshot.worktypes.get(b.worktype);
    if (!w) errors.push({ pointer: '/worktype', message: `there is no worktype "${b.worktype}"`, in: 'body' });
    else if ((w.mediaType ?? 'workitem') !== 'callback') errors.push({ pointer: '/worktype', message: `worktype "${b.worktype}" must have mediaType "callback" (calls to place)`, in: 'body' });
  }
  if (b.calendar && !s.config.snapshot.calendars.has(b.calendar)) errors.push({ pointer: '/calendar', message: `there is no calendar "${b.calendar}"`, in: 'body' });
  if (errors.length) throw new Problem(422, 'Unprocessable request', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
}

export const calendarOfCampaign = (s: Services, c: Pick<CampaignRow, 'calendar'>): Calendar | null => (c.calendar ? (s.config.snapshot.calendars.get(c.calendar) ?? null) : null);

/** The campaign a task calls for, with the contact (null: not a campaign's task). */
export async function campaignOfTask(s: Services, t: Pick<TaskRow, 'id' | 'source'>) {
  if (t.source !== CAMPAIGN_SOURCE) return null;
  return (
    (await s.db
      .selectFrom('campaign_contacts as k')
      .innerJoin('campaigns as c', 'c.id', 'k.campaign_id')
      .select(['c.id', 'c.name', 'c.script', 'c.max_attempts', 'c.retry_minutes', 'c.calendar', 'k.id as contact_id', 'k.phone', 'k.name as contact_name', 'k.data'])
      .where('k.task_id', '=', t.id)
      .executeTakeFirst()) ?? null
  );
}

/**
 * Adds a list's contacts (core `checkContacts`: callable numbers, once per campaign, none on the
 * do-not-call list); what was refused is said by line. A running campaign calls them at once.
 */
export async function addContacts(s: Services, p: Principal, c: CampaignRow, list: readonly ContactInput[]): Promise<{ accepted: number; refused: ReturnType<typeof checkContacts>['refused'] }> {
  const [dnc, known] = await Promise.all([
    s.db.selectFrom('do_not_call').select('phone').execute(),
    s.db.selectFrom('campaign_contacts').select('phone').where('campaign_id', '=', c.id).execute(),
  ]);
  const checked = checkContacts(list, new Set(dnc.map((r) => r.phone)), new Set(known.map((r) => r.phone)));
  if (known.length + checked.accepted.length > CONTACTS_PER_CAMPAIGN) throw conflict(`A campaign holds at most ${CONTACTS_PER_CAMPAIGN} contacts (this one has ${known.length})`);
  if (checked.accepted.length) {
    await s.db.transaction().execute(async (trx) => {
      await trx.insertInto('campaign_contacts').values(checked.accepted.map((a) => ({ id: newId(), campaign_id: c.id, phone: a.phone, name: a.name.slice(0, 300), data: JSON.stringify(a.data) }))).execute();
      await appendEvents(trx, [{ type: 'campaign.contacts-added', actor: actorOf(p), data: { id: c.id, accepted: checked.accepted.length, refused: checked.refused.length } }]);
    });
    if (c.state === 'running') await callPending(s, c);
  }
  return { accepted: checked.accepted.length, refused: checked.refused };
}

/**
 * Every contact not yet called (nor on the do-not-call list, looked at again now) becomes work of
 * the campaign's worktype: waiting at once (routed as it commits), or from the calendar's next
 * opening. A thousand to a transaction. Each task's external id is the contact's and its round, so
 * a start that stopped between the capture and the link finds the task it made instead of a second.
 */
async function callPending(s: Services, c: CampaignRow, now = Date.now()): Promise<number> {
  const pending = await s.db.selectFrom('campaign_contacts').selectAll().where('campaign_id', '=', c.id).where('task_id', 'is', null).where('dnc', '=', false).orderBy('created_at').orderBy('id').execute();
  if (!pending.length) return 0;
  // Only the numbers about to be called are looked up (the list may be long).
  const listed = new Set((await s.db.selectFrom('do_not_call').select('phone')
    .where('phone', 'in', (q) => q.selectFrom('campaign_contacts').select('phone').where('campaign_id', '=', c.id).where('task_id', 'is', null))
    .execute()).map((r) => r.phone));
  const refused = pending.filter((k) => listed.has(k.phone));
  if (refused.length) await s.db.updateTable('campaign_contacts').set({ dnc: true }).where('id', 'in', refused.map((k) => k.id)).execute();
  // From the campaign's start (when later) and the calling hours' next opening; none when it ends first.
  const first = firstCallOf(s, c, now);
  if (first === null) return 0;
  const wake = first > now ? first : null;
  const calls = pending.filter((k) => !listed.has(k.phone));
  let created = 0;
  for (let i = 0; i < calls.length; i += 1000) {
    const chunk = calls.slice(i, i + 1000);
    const results = await captureMany(s.db, s.config, chunk.map((k) => ({
      worktype: c.worktype,
      source: CAMPAIGN_SOURCE,
      externalId: `${k.id}.${k.round}`,
      title: `${c.name}: call ${k.name}`.slice(0, 500),
      attributes: { ...k.data, phone: k.phone, name: k.name, campaign: c.id },
      ...(wake ? { wakeAt: new Date(wake).toISOString() } : {}),
    })), `campaign:${c.id}`, { router: s.dispatcher });
    await s.db.transaction().execute(async (trx) => {
      for (const r of results) {
        if (!('task' in r)) throw r.problem; // the worktype was checked at start: a refusal here is news
        await trx.updateTable('campaign_contacts').set({ task_id: r.task.id }).where('id', '=', chunk[r.index]!.id).execute();
      }
    });
    for (const r of results) {
      if (!('task' in r) || r.status !== 201) continue;
      created++;
      s.dispatcher.track(r.task);
      if (r.task.wake_at) void s.dispatcher.armWake(r.task.wake_at);
    }
  }
  s.metrics.tasksCaptured.inc({ created: 'true' }, created);
  return calls.length;
}

export const datesOf = (c: Pick<CampaignRow, 'starts_at' | 'ends_at'>): CampaignDates => ({ startsAt: c.starts_at?.getTime() ?? null, endsAt: c.ends_at?.getTime() ?? null });

/** When the campaign's calls may first be offered: its dates over its calling hours (core `firstCallAt`). */
function firstCallOf(s: Services, c: CampaignRow, now: number): number | null {
  const cal = calendarOfCampaign(s, c);
  return firstCallAt(datesOf(c), now, (t) => (cal ? nextOpen(cal, t) : t));
}

export async function startCampaign(s: Services, p: Principal, c: CampaignRow, now = Date.now()): Promise<{ called: number }> {
  checkCampaign(s, { worktype: c.worktype, calendar: c.calendar });
  if (c.ends_at && c.ends_at.getTime() <= now) throw conflict(`The campaign ended ${c.ends_at.toISOString()}: move its end (endsAt) to start it again`, { endsAt: c.ends_at.toISOString() });
  if (firstCallOf(s, c, now) === null) throw conflict('No call could be made before the campaign ends: its calling hours do not open before endsAt');
  await s.db.transaction().execute(async (trx) => {
    await trx.updateTable('campaigns').set({ state: 'running', updated_at: new Date() }).where('id', '=', c.id).execute();
    await appendEvents(trx, [{ type: 'campaign.started', actor: actorOf(p), data: { id: c.id } }]);
  });
  if (c.ends_at) s.campaignEnds.arm(c.ends_at);
  return { called: await callPending(s, { ...c, state: 'running' }, now) };
}

/** A campaign's call not in anyone's hands yet. */
const WAITING: readonly string[] = ['queued', 'offered', 'scheduled'];

/**
 * Stops calling: waiting work is withdrawn (its contacts pending again, called on the next start);
 * calls under way finish. `ended`: its end date came (state `ended`, reason "campaign ended").
 */
export async function stopCampaign(s: Services, actor: string, c: CampaignRow, ended = false): Promise<{ withdrawn: number }> {
  const reason = ended ? ENDED_REASON : STOPPED_REASON;
  const moved = await s.db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('campaigns').set({ state: ended ? 'ended' : 'stopped', updated_at: new Date() }).where('id', '=', c.id).where('state', '=', 'running').returning('id').executeTakeFirst();
    if (row) await appendEvents(trx, [{ type: ended ? 'campaign.ended' : 'campaign.stopped', actor, data: { id: c.id } }]);
    return !!row;
  });
  if (!moved) throw conflict('The campaign is not running (stopped or ended meanwhile)');
  const waiting = await s.db
    .selectFrom('campaign_contacts as k')
    .innerJoin('tasks as t', 't.id', 'k.task_id')
    .selectAll('t')
    .select('k.id as contact_id')
    .where('k.campaign_id', '=', c.id)
    .where('t.state', 'in', WAITING)
    .execute();
  let n = 0;
  for (const { contact_id, ...row } of waiting) {
    // The router may offer the call while we look (a new version, still waiting): read it again and retry.
    for (let t: TaskRow | undefined = row as TaskRow, tries = 0; t && WAITING.includes(t.state) && tries < 5; tries++) {
      try {
        const change = await changeTask(s.db, t, 'cancel', {
          set: { state: 'canceled', completed_at: new Date(), wake_at: null },
          events: [{ type: 'task.canceled', actor, data: { reason, agent: null } }],
          // In the same transaction: a withdrawn call whose contact stayed linked would never be called again.
          also: (trx) => trx.updateTable('campaign_contacts').set((eb) => ({ task_id: null, round: eb('round', '+', 1) })).where('id', '=', contact_id).execute().then(() => {}),
        });
        afterChange(s, change);
        n++;
        break;
      } catch (err) {
        if (!(err instanceof Problem)) throw err;
        t = await s.db.selectFrom('tasks').selectAll().where('id', '=', t.id).executeTakeFirst(); // taken meanwhile: that call goes on
      }
    }
  }
  return { withdrawn: n };
}

/** The contact asked not to be called: on the do-not-call list (every campaign), their work canceled with the reason. */
export async function optOut(s: Services, p: Principal, t: TaskRow): Promise<void> {
  const of = await campaignOfTask(s, t);
  if (!of) throw notFound(`A campaign call for task ${t.id}`);
  if (t.state !== 'assigned') throw conflict(`Only a call in someone's hands can be opted out; this one is ${t.state}`, { state: t.state });
  await s.db.transaction().execute(async (trx) => {
    await trx.insertInto('do_not_call').values({ phone: of.phone, reason: `asked during ${of.name}`, added_by: actorOf(p) }).onConflict((oc) => oc.column('phone').doNothing()).execute();
    await trx.updateTable('campaign_contacts').set({ dnc: true }).where('id', '=', of.contact_id).execute();
  });
  const change = await changeTask(s.db, t, 'cancel', {
    set: { state: 'canceled', completed_at: new Date(), wake_at: null },
    events: [{ type: 'task.canceled', actor: actorOf(p), userId: t.assignee_id, data: { reason: OPTED_OUT_REASON, agent: t.assignee_id } }],
  });
  afterChange(s, change);
}

/** Where a campaign stands: contacts by state, the reached ones by wrap-up code. */
export async function progressOf(s: Services, ids: readonly string[]): Promise<Map<string, { contacts: number; byState: Record<ContactState, number>; results: Record<string, number> }>> {
  const out = new Map(ids.map((id) => [id, { contacts: 0, byState: { pending: 0, waiting: 0, calling: 0, reached: 0, 'not-reached': 0, 'do-not-call': 0 } as Record<ContactState, number>, results: {} as Record<string, number> }]));
  if (!ids.length) return out;
  const rows = await s.db
    .selectFrom('campaign_contacts as k')
    .leftJoin('tasks as t', 't.id', 'k.task_id')
    .select(['k.campaign_id', 'k.dnc', 't.state', 't.wrap_up_code', sql<number>`count(*)::int`.as('n')])
    .where('k.campaign_id', 'in', ids)
    .groupBy(['k.campaign_id', 'k.dnc', 't.state', 't.wrap_up_code'])
    .execute();
  for (const r of rows) {
    const p = out.get(r.campaign_id)!;
    const st = contactState(r.dnc, r.state ?? null);
    p.contacts += r.n;
    p.byState[st] += r.n;
    if (st === 'reached') p.results[r.wrap_up_code ?? '(none)'] = (p.results[r.wrap_up_code ?? '(none)'] ?? 0) + r.n;
  }
  return out;
}
