import type { Calendar } from '../calendar/types.js';
import { isOpen, nextClose, nextOpen, openPeriods } from '../calendar/business.js';

/**
 * Digital callback: a website visitor asks to be called back, as soon as possible or in a time slot
 * they pick, and the request is routed as work of media type `callback`. An agent calls; when
 * nobody answers, it comes back after a while, up to a number of attempts.
 */
export interface CallbackSettings {
  /** Calls are placed while this calendar is open (none: any time). */
  calendar?: string;
  /** Length of the slots a visitor picks from (default 30). */
  slotMinutes?: number;
  /** How many days ahead slots are offered (default 5). */
  daysAhead?: number;
  /** Calls placed before the request is given up (default 3). */
  maxAttempts?: number;
  /** Minutes until a call nobody answered is tried again (default 15). */
  retryMinutes?: number;
}

export const CALLBACK_DEFAULTS = { slotMinutes: 30, daysAhead: 5, maxAttempts: 3, retryMinutes: 15 } as const;
/** A slot must start at least this long from now (time to route it and place the call). */
export const CALLBACK_LEAD_MS = 15 * 60_000;
/** At most this many slots are offered (a calendar always open would give hundreds). */
export const CALLBACK_MAX_SLOTS = 120;

export interface Slot {
  /** epoch milliseconds */
  start: number;
  end: number;
}

/**
 * The slots a visitor may pick: whole slots inside the calendar's open periods (aligned on the
 * slot length from each period's start), from `CALLBACK_LEAD_MS` after now, over `daysAhead` days.
 */
export function callbackSlots(settings: CallbackSettings, calendar: Calendar | null, now: number): Slot[] {
  const len = (settings.slotMinutes ?? CALLBACK_DEFAULTS.slotMinutes) * 60_000;
  const until = now + (settings.daysAhead ?? CALLBACK_DEFAULTS.daysAhead) * 86_400_000;
  const from = now + CALLBACK_LEAD_MS;
  // From a day back, so a period already under way keeps its own alignment (09:00, 09:30...).
  const periods = calendar ? openPeriods(calendar, now - 86_400_000, until).map((p) => ({ start: p.from, end: p.to })) : [{ start: Math.ceil(now / len) * len, end: until }];
  const out: Slot[] = [];
  for (const p of periods)
    for (let s = p.start; s + len <= p.end && out.length < CALLBACK_MAX_SLOTS; s += len) if (s >= from) out.push({ start: s, end: s + len });
  return out;
}

/** Whether "as soon as possible" can be offered: the calendar is open now. */
export const callbackAsap = (calendar: Calendar | null, now: number): boolean => !calendar || isOpen(calendar, now);

/**
 * Calling hours over waiting calls: a call not yet in an agent's hands is never offered while its
 * calendar is closed. `hold` names the opening it waits for; `watchUntil` is when to look again
 * (the next close while open). A calendar that never opens again holds nothing (a configuration
 * fault the call should not vanish into).
 */
export function callingHours(calendar: Calendar | null, now: number): { hold: number | null; watchUntil: number | null } {
  if (!calendar) return { hold: null, watchUntil: null };
  if (isOpen(calendar, now)) return { hold: null, watchUntil: nextClose(calendar, now) };
  const opens = nextOpen(calendar, now);
  return { hold: opens, watchUntil: opens === null ? null : nextClose(calendar, opens) };
}

export type AttemptOutcome = 'no-answer' | 'busy' | 'wrong-number';
export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = ['no-answer', 'busy', 'wrong-number'];

export type AttemptDecision = { kind: 'retry'; at: number } | { kind: 'give-up'; reason: string };

/**
 * After a call that did not reach the customer (`attempts` calls placed so far, this one included):
 * try again after `retryMinutes` (at the next open time when the calendar is closed then), or give
 * up after the last attempt, or at once for a wrong number.
 */
export function afterAttempt(outcome: AttemptOutcome, attempts: number, settings: CallbackSettings, calendar: Calendar | null, now: number): AttemptDecision {
  const max = settings.maxAttempts ?? CALLBACK_DEFAULTS.maxAttempts;
  if (outcome === 'wrong-number') return { kind: 'give-up', reason: 'wrong number' };
  if (attempts >= max) return { kind: 'give-up', reason: `not reached after ${attempts} ${attempts === 1 ? 'call' : 'calls'}` };
  const at = now + (settings.retryMinutes ?? CALLBACK_DEFAULTS.retryMinutes) * 60_000;
  if (!calendar || isOpen(calendar, at)) return { kind: 'retry', at };
  const next = nextOpen(calendar, at);
  return next === null ? { kind: 'give-up', reason: 'the calendar never opens again' } : { kind: 'retry', at: next };
}

/**
 * A phone number as dialled: spaces, dots, dashes, slashes and brackets dropped, a leading `00`
 * read as `+`; 6 to 15 digits (E.164's limit), optionally after a `+`. Null when it is not one.
 */
export function normalizePhone(raw: string): string | null {
  let s = raw.trim().replace(/[\s.\-/()]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  return /^\+?[0-9]{6,15}$/.test(s) ? s : null;
}
