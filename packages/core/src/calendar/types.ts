/** Local wall-clock times 'HH:mm'; `to` may be '24:00' (the end of the day). Half-open: [from, to). */
export interface Period {
  from: string;
  to: string;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Holiday {
  date: string; // YYYY-MM-DD, local to the calendar's zone
  name: string;
}

/** A one-off day that replaces the week (and any holiday) on that date; `periods: []` = closed all day. */
export interface CalendarOverride {
  date: string;
  periods: Period[];
  note?: string;
}

/** Business hours in one IANA zone. Values are treated as immutable (compiled forms are memoised by content). */
export interface Calendar {
  id: string;
  name: string;
  timeZone: string;
  week: Record<Weekday, Period[]>;
  holidays: Holiday[];
  overrides: CalendarOverride[];
}

export type ClockUnit = 'minutes' | 'hours' | 'days';

/** An SLA or OLA: how long, in which unit, measured in calendar (elapsed) or business (open-office) time. */
export interface ClockPolicy {
  duration: number;
  unit: ClockUnit;
  mode: 'calendar' | 'business';
  /** Calendar id, resolved by the caller (core never looks calendars up). */
  calendar?: string;
  /** Fire a warning when this share of the target has elapsed (0 < p < 100). */
  warnAtPercent?: number;
}

/** The clock stood still in [from, to); `to: null` = still paused. Epoch ms. */
export interface Pause {
  from: number;
  to: number | null;
}

/** Where something is wrong, as a JSON pointer into the checked value. */
export interface CalendarIssue {
  pointer: string;
  message: string;
}

export type ClockState = 'running' | 'paused' | 'warning' | 'breached';

export interface ClockStatus {
  /** Time the clock must run before it breaches (open time in business mode). */
  targetMs: number;
  /** Time counted so far (pauses and, in business mode, closed hours excluded). */
  elapsedMs: number;
  /** targetMs - elapsedMs; negative once breached (how far over). */
  remainingMs: number;
  /** elapsed / target × 100, not capped. */
  percent: number;
  /** When it breaches if nothing else pauses it; the breach instant once breached; null while paused. */
  dueAt: number | null;
  /** When the warning fires (or fired); null without warnAtPercent, or while paused before it fired. */
  warnAt: number | null;
  state: ClockState;
  warnedAt?: number;
  breachedAt?: number;
}

export interface ClockEvent {
  at: number;
  kind: 'warning' | 'breach';
}
