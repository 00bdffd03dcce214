import { addOpen, businessDaysEnd, openBetween } from './business.js';
import { compile } from './compiled.js';
import type { Calendar, ClockEvent, ClockPolicy, ClockStatus, Pause } from './types.js';

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** Nominal length: duration × unit, days as 24 h. Business-mode days are resolved per start by clockTargetMs. */
export function durationMs(policy: ClockPolicy): number {
  return Math.round(policy.duration * UNIT_MS[policy.unit]);
}

/** How time is counted: wall time, or open time on a calendar. */
interface Measure {
  between(a: number, b: number): number;
  add(a: number, ms: number): number;
}

const WALL: Measure = { between: (a, b) => Math.max(0, b - a), add: (a, ms) => a + Math.max(0, ms) };

function measureFor(policy: ClockPolicy, cal: Calendar | null): Measure {
  if (policy.mode !== 'business' || !cal) return WALL; // business mode without a calendar: always open
  const c = compile(cal);
  return { between: (a, b) => openBetween(c, a, b), add: (a, ms) => addOpen(c, a, ms) };
}

/**
 * What the clock must count before it breaches, for a clock started at `startedAt`.
 * Business mode: minutes and hours are open time; N days are "the same business instant N open
 * days later" (see businessDaysEnd), expressed as the open time up to that instant, so pauses
 * later push the deadline by exactly the open time they swallowed.
 * Calendar mode: duration × unit of elapsed time (a day is 24 h, DST or not).
 */
export function clockTargetMs(policy: ClockPolicy, cal: Calendar | null, startedAt: number): number {
  if (policy.mode === 'business' && cal && policy.unit === 'days') {
    const c = compile(cal);
    const end = businessDaysEnd(c, startedAt, policy.duration);
    return Number.isFinite(end) ? openBetween(c, startedAt, end) : Infinity;
  }
  return durationMs(policy);
}

/** Segments of [startedAt, now) when the clock ran: pauses clipped, sorted and merged out. */
function runningSegments(startedAt: number, pauses: readonly Pause[], now: number): [number, number][] {
  const cut = pauses
    .map((p) => [Math.max(p.from, startedAt), Math.min(p.to ?? now, now)] as [number, number])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  let at = startedAt;
  for (const [a, b] of cut) {
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (now > at) out.push([at, now]);
  return out;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The state of an SLA/OLA clock at `now`: a pure function of its inputs, so it is recomputed the
 * same way after a restart or when the policy, the calendar or the pauses change. Calendar mode
 * counts elapsed time minus pauses; business mode counts open time minus open time inside pauses.
 * A pause covering `now` (to === null or to > now) freezes the clock. Warning when elapsed reaches
 * ceil(target × warnAtPercent / 100), breach when it reaches the target; each reached at most once
 * since elapsed never decreases as `now` grows.
 */
export function clockStatus(
  policy: ClockPolicy,
  cal: Calendar | null,
  startedAt: number,
  pauses: readonly Pause[],
  now: number,
): ClockStatus {
  const m = measureFor(policy, cal);
  const targetMs = clockTargetMs(policy, cal, startedAt);
  const segments = runningSegments(startedAt, pauses, now);
  const counted = segments.map(([a, b]) => m.between(a, b));
  const elapsedMs = counted.reduce((n, x) => n + x, 0);
  const paused = now >= startedAt && pauses.some((p) => p.from <= now && (p.to === null || p.to > now));

  /** When elapsed reached (past) or will reach (projected, if not paused) `threshold`. */
  const reach = (threshold: number): number | null => {
    if (elapsedMs >= threshold) {
      let acc = 0;
      for (const [i, [a]] of segments.entries()) {
        const n = counted[i] ?? 0;
        if (acc + n >= threshold) return m.add(a, threshold - acc);
        acc += n;
      }
      return startedAt; // threshold 0
    }
    return paused ? null : finite(m.add(Math.max(now, startedAt), threshold - elapsedMs));
  };

  const warnMs = policy.warnAtPercent === undefined ? undefined : Math.ceil((targetMs * policy.warnAtPercent) / 100);
  const breached = elapsedMs >= targetMs;
  const warned = warnMs !== undefined && elapsedMs >= warnMs;
  const dueAt = reach(targetMs);
  const warnAt = warnMs === undefined ? null : reach(warnMs);
  const status: ClockStatus = {
    targetMs,
    elapsedMs,
    remainingMs: targetMs - elapsedMs,
    percent: targetMs > 0 ? (elapsedMs * 100) / targetMs : 100,
    dueAt,
    warnAt,
    state: breached ? 'breached' : paused ? 'paused' : warned ? 'warning' : 'running',
  };
  if (warned && warnAt !== null) status.warnedAt = warnAt;
  if (breached && dueAt !== null) status.breachedAt = dueAt;
  return status;
}

/** The next warning or breach still to fire after `now` if the clock keeps running; null when paused or breached. */
export function nextClockEvent(
  policy: ClockPolicy,
  cal: Calendar | null,
  startedAt: number,
  pauses: readonly Pause[],
  now: number,
): ClockEvent | null {
  const s = clockStatus(policy, cal, startedAt, pauses, now);
  if (s.state === 'breached' || s.state === 'paused') return null;
  if (s.state === 'running' && s.warnAt !== null) return { at: s.warnAt, kind: 'warning' };
  return s.dueAt === null ? null : { at: s.dueAt, kind: 'breach' };
}

/** The instant of nextClockEvent, for arming a timer. */
export function nextClockEventAt(
  policy: ClockPolicy,
  cal: Calendar | null,
  startedAt: number,
  pauses: readonly Pause[],
  now: number,
): number | null {
  return nextClockEvent(policy, cal, startedAt, pauses, now)?.at ?? null;
}
