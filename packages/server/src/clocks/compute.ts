import { clockStatus, type Calendar, type ClockPolicy, type ClockStatus, type Procedure } from '@worklane/core';
import type { ConfigCache } from '../config/cache.js';
import type { PauseInterval } from '../db/schema.js';
import type { CaseType } from '../cases/settings.js';

// Clock arithmetic is core's (pure); this file only picks the policy and the calendar and turns
// the answer into the timestamps the database keeps (and the timer service arms on).

/** The calendar a policy names, from the configuration (null: calendar time, or none configured). */
export function calendarOf(config: ConfigCache, policy: ClockPolicy): Calendar | null {
  return policy.calendar ? (config.snapshot.calendars.get(policy.calendar) ?? null) : null;
}

export interface Deadlines {
  /** Breach time (null: paused, or no policy). */
  due: Date | null;
  /** Warning time (null: none configured, paused, or no policy). */
  warn: Date | null;
  status: ClockStatus | null;
}

const NONE: Deadlines = { due: null, warn: null, status: null };
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Deadlines of a clock started at `startedAt` with `pauses`, as seen at `now`: deterministic, so recomputable any time. */
export function deadlines(config: ConfigCache, policy: ClockPolicy | null, startedAt: Date, pauses: readonly PauseInterval[], now: number): Deadlines {
  if (!policy) return NONE;
  const status = clockStatus(policy, calendarOf(config, policy), startedAt.getTime(), pauses, now);
  return { due: date(status.dueAt), warn: date(status.warnAt), status };
}

export const isPaused = (pauses: readonly PauseInterval[]): boolean => pauses.some((p) => p.to === null);

/** Stops the clock at `now` (no-op while already stopped). */
export const pauseAt = (pauses: readonly PauseInterval[], now: number): PauseInterval[] => (isPaused(pauses) ? [...pauses] : [...pauses, { from: now, to: null }]);

/** Starts it again at `now`: the open pause ends, so the clock resumes where it stopped. */
export const resumeAt = (pauses: readonly PauseInterval[], now: number): PauseInterval[] => pauses.map((p) => (p.to === null ? { from: p.from, to: Math.max(now, p.from) } : p));

/** The SLA of a case: a supervisor's override, else the case type's. */
export const slaPolicy = (override: ClockPolicy | null, ct: CaseType | undefined): ClockPolicy | null => override ?? ct?.sla ?? null;

/** The OLA of a case's task: a supervisor's override, else its step's. */
export function olaPolicy(override: ClockPolicy | null, procedure: Procedure | null | undefined, step: string): ClockPolicy | null {
  return override ?? procedure?.steps.find((x) => x.id === step)?.ola ?? null;
}

/** Whether a case in `status` has its clocks stopped: finished, or in one of the case type's pause statuses. */
export function clockStopped(ct: CaseType | undefined, status: string): boolean {
  return status === 'resolved' || status === 'closed' || (ct?.pauseStatuses ?? ['waiting-for-customer']).includes(status as never);
}
