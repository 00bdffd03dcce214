import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { callingHours, type Calendar } from '@worklane/core';
import type { DB, TaskRow } from '../db/schema.js';
import type { Services } from '../services.js';
import type { ConfigCache } from '../config/cache.js';
import { DueWorker } from '../tasks/due-worker.js';
import { changeTask } from '../tasks/change.js';
import { afterChange } from '../tasks/after.js';
import { Problem } from '../http/problems.js';

export const CALLING_HOURS_ACTOR = 'system:calling-hours';
export const OUTSIDE_HOURS_REASON = 'outside calling hours';
const BATCH = 500;
/** Calls that start waiting while closed (an offer declined after hours, a transfer) are found this often. */
const LOOK_MS = 15_000;

/** Waiting calls grouped by whose calling hours they keep: a campaign's (its calendar, maybe none) or their worktype's. */
interface Group {
  worktype: string;
  campaign: string | null;
  campaign_calendar: string | null;
}

/**
 * Calling hours over waiting calls (callbacks and campaign calls): when their calendar closes, the
 * calls not yet in an agent's hands (waiting, or offered and not taken) are held until it opens
 * again, so nobody is offered a call to make outside the hours the customer or the campaign set.
 * One alarm at the next close of a calendar with calls waiting (read from the database, so a
 * restart loses nothing); calls in hand go on.
 */
export class CallingHours extends DueWorker {
  constructor(
    db: Kysely<DB>,
    private readonly config: ConfigCache,
    log: FastifyBaseLogger,
  ) {
    super(db, log, 'holding calls outside calling hours', LOOK_MS);
  }

  private calendarOf(g: Group): Calendar | null {
    const snap = this.config.snapshot;
    const id = g.campaign !== null ? g.campaign_calendar : snap.worktypes.get(g.worktype)?.callback?.calendar;
    return id ? (snap.calendars.get(id) ?? null) : null;
  }

  private groups(): Promise<Group[]> {
    return this.db
      .selectFrom('tasks as t')
      .leftJoin('campaign_contacts as k', 'k.task_id', 't.id')
      .leftJoin('campaigns as c', 'c.id', 'k.campaign_id')
      .select(['t.worktype', 'c.id as campaign', 'c.calendar as campaign_calendar'])
      .where('t.media_type', '=', 'callback')
      .where('t.state', 'in', ['queued', 'offered'])
      .groupBy(['t.worktype', 'c.id', 'c.calendar'])
      .execute();
  }

  /** Now when calls wait under a closed calendar, else the next close of one they wait under. */
  protected async nextAt(): Promise<Date | null> {
    const now = Date.now();
    let next: number | null = null;
    for (const g of await this.groups()) {
      const hours = callingHours(this.calendarOf(g), now);
      if (hours.hold !== null) return new Date(now);
      if (hours.watchUntil !== null && (next === null || hours.watchUntil < next)) next = hours.watchUntil;
    }
    return next === null ? null : new Date(next);
  }

  protected async due(s: Services): Promise<void> {
    const now = Date.now();
    const closed = new Map<string, number>(); // "c:{calendar}" or "w:{worktype}" → when it opens
    for (const g of await this.groups()) {
      const { hold } = callingHours(this.calendarOf(g), now);
      if (hold !== null) closed.set(g.campaign !== null ? `c:${g.campaign_calendar}` : `w:${g.worktype}`, hold);
    }
    if (!closed.size) return;
    const worktypes = [...closed.keys()].filter((k) => k.startsWith('w:')).map((k) => k.slice(2));
    const calendars = [...closed.keys()].filter((k) => k.startsWith('c:')).map((k) => k.slice(2));
    for (let after = ''; ; ) {
      const rows = await this.db
        .selectFrom('tasks as t')
        .leftJoin('campaign_contacts as k', 'k.task_id', 't.id')
        .leftJoin('campaigns as c', 'c.id', 'k.campaign_id')
        .selectAll('t')
        .select(['c.calendar as campaign_calendar', 'k.id as contact_id'])
        .where('t.media_type', '=', 'callback')
        .where('t.state', 'in', ['queued', 'offered'])
        .where('t.id', '>', after)
        .where((eb) =>
          eb.or([
            ...(worktypes.length ? [eb.and([eb('k.id', 'is', null), eb('t.worktype', 'in', worktypes)])] : []),
            ...(calendars.length ? [eb('c.calendar', 'in', calendars)] : []),
          ]),
        )
        .orderBy('t.id')
        .limit(BATCH)
        .execute();
      for (const { campaign_calendar, contact_id, ...t } of rows) {
        const until = closed.get(contact_id ? `c:${campaign_calendar}` : `w:${t.worktype}`);
        if (until === undefined || this.stopped) continue;
        await this.hold(s, t as TaskRow, until);
      }
      if (rows.length < BATCH || this.stopped) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  private async hold(s: Services, t: TaskRow, until: number): Promise<void> {
    try {
      const change = await changeTask(s.db, t, 'reschedule', {
        set: { state: 'scheduled', wake_at: new Date(until), assignee_id: null },
        events: [{ type: 'task.rescheduled', actor: CALLING_HOURS_ACTOR, data: { until: new Date(until).toISOString(), reason: OUTSIDE_HOURS_REASON, agent: null } }],
      });
      afterChange(s, change);
    } catch (err) {
      if (!(err instanceof Problem)) throw err; // changed meanwhile: still waiting, the next look (at once: nextAt) holds it
    }
  }
}
