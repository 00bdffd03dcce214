import type { PresenceStatus } from '../model.js';
import type { Activity, ActivityKind } from './schedule.js';

/** What a person's status was from `start` to `end`. */
export interface StatusSpan {
  start: number;
  end: number;
  status: PresenceStatus;
  reason: string | null;
}

const WORKING: readonly PresenceStatus[] = ['available', 'busy', 'after-work'];

/**
 * Whether a status keeps to what was scheduled: at work, taking or doing work; on a break, lunch,
 * meeting or training, not ready (any reason) or signed out; on time off or off shift, signed out.
 */
export function keepsTo(kind: ActivityKind | null, status: PresenceStatus): boolean {
  if (kind === 'work') return WORKING.includes(status);
  if (kind === null || kind === 'time-off') return status === 'offline';
  return status === 'not-ready' || status === 'offline';
}

export interface AdherenceException {
  start: number;
  end: number;
  scheduled: ActivityKind | null;
  status: PresenceStatus;
  reason: string | null;
}

export interface Adherence {
  /** Scheduled time in the period (time off not counted), seconds. */
  scheduledSeconds: number;
  /** Of it, kept to, seconds. */
  adheredSeconds: number;
  /** adhered / scheduled (null when nothing was scheduled). */
  adherence: number | null;
  /** Scheduled to work, seconds; and worked (available, busy or in after-work) at any time, seconds. */
  scheduledWorkSeconds: number;
  workedSeconds: number;
  /** worked / scheduled work: conformance (null when no work was scheduled). */
  conformance: number | null;
  /** Out of adherence for a minute or more, in order (working off shift included). */
  exceptions: AdherenceException[];
}

const MINUTE = 60_000;

/**
 * One person's adherence in [from, to): the period is cut at every activity and status change, and
 * each piece kept to or not. `activities` and `spans` are that person's, each without overlaps.
 */
export function adherenceOf(activities: readonly Activity[], spans: readonly StatusSpan[], from: number, to: number, minException = MINUTE): Adherence {
  const cuts = new Set<number>([from, to]);
  for (const x of [...activities, ...spans]) for (const t of [x.start, x.end]) if (t > from && t < to) cuts.add(t);
  const times = [...cuts].sort((a, b) => a - b);
  const at = <T extends { start: number; end: number }>(list: readonly T[], t: number) => list.find((x) => x.start <= t && t < x.end);
  const r: Adherence = { scheduledSeconds: 0, adheredSeconds: 0, adherence: null, scheduledWorkSeconds: 0, workedSeconds: 0, conformance: null, exceptions: [] };
  for (let i = 0; i + 1 < times.length; i++) {
    const [s, e] = [times[i]!, times[i + 1]!];
    const secs = (e - s) / 1000;
    const kind = at(activities, s)?.kind ?? null;
    const span = at(spans, s);
    const status = span?.status ?? 'offline';
    const kept = keepsTo(kind, status);
    if (kind !== null && kind !== 'time-off') {
      r.scheduledSeconds += secs;
      if (kept) r.adheredSeconds += secs;
    }
    if (kind === 'work') r.scheduledWorkSeconds += secs;
    if (WORKING.includes(status)) r.workedSeconds += secs;
    if (!kept) {
      const last = r.exceptions.at(-1);
      if (last && last.end === s && last.scheduled === kind && last.status === status && last.reason === (span?.reason ?? null)) last.end = e;
      else r.exceptions.push({ start: s, end: e, scheduled: kind, status, reason: span?.reason ?? null });
    }
  }
  r.exceptions = r.exceptions.filter((x) => x.end - x.start >= minException);
  r.adherence = r.scheduledSeconds ? r.adheredSeconds / r.scheduledSeconds : null;
  r.conformance = r.scheduledWorkSeconds ? r.workedSeconds / r.scheduledWorkSeconds : null;
  return r;
}

export interface Shrinkage {
  /** Paid time scheduled (shifts and time off), seconds. */
  paidSeconds: number;
  /** Planned away from the queues, by activity kind, seconds. */
  planned: Partial<Record<ActivityKind, number>>;
  /** Time scheduled to work but not working, by what was done instead ('not-ready:<reason>', 'offline'), seconds. */
  unplanned: Record<string, number>;
  /** Shares of paid time (0..1). */
  plannedShare: number;
  unplannedShare: number;
}

/** Where paid time went: planned away (breaks, training, time off) and lost from work that was scheduled. */
export function shrinkageOf(activities: readonly Activity[], spans: readonly StatusSpan[], from: number, to: number): Shrinkage {
  const r: Shrinkage = { paidSeconds: 0, planned: {}, unplanned: {}, plannedShare: 0, unplannedShare: 0 };
  for (const a of activities) {
    const secs = (Math.min(a.end, to) - Math.max(a.start, from)) / 1000;
    if (secs <= 0) continue;
    r.paidSeconds += secs;
    if (a.kind !== 'work') r.planned[a.kind] = (r.planned[a.kind] ?? 0) + secs;
  }
  for (const a of activities) {
    if (a.kind !== 'work') continue;
    const lo = Math.max(a.start, from);
    const hi = Math.min(a.end, to);
    let covered = 0;
    for (const s of spans) {
      const secs = (Math.min(hi, s.end) - Math.max(lo, s.start)) / 1000;
      if (secs <= 0) continue;
      covered += secs;
      if (WORKING.includes(s.status)) continue;
      const key = s.status === 'not-ready' ? `not-ready:${s.reason ?? ''}` : s.status;
      r.unplanned[key] = (r.unplanned[key] ?? 0) + secs;
    }
    const gap = Math.max(0, (hi - lo) / 1000 - covered);
    if (gap > 0) r.unplanned.offline = (r.unplanned.offline ?? 0) + gap;
  }
  const planned = Object.values(r.planned).reduce((a, b) => a + b, 0);
  const unplanned = Object.values(r.unplanned).reduce((a, b) => a + b, 0);
  r.plannedShare = r.paidSeconds ? planned / r.paidSeconds : 0;
  r.unplannedShare = r.paidSeconds ? unplanned / r.paidSeconds : 0;
  return r;
}
