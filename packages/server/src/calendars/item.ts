import { Type, type Static } from 'typebox';
import { WEEKDAYS, type Calendar, type CalendarOverride, type Holiday, type Period, type Weekday } from '@worklane/core';

// Self-contained (no import from config/): config/document.ts embeds CalendarItem in the document.
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'lower-case identifier' });
const strict = { additionalProperties: false } as const;
const Time = Type.String({ pattern: '^[0-9]{2}:[0-9]{2}$', description: "local wall time 'HH:mm'; '24:00' as an end = midnight" });
const DateT = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD in the calendar zone' });
const PeriodT = Type.Object({ from: Time, to: Time }, strict);
const Periods = Type.Array(PeriodT, { maxItems: 24 });

export const CalendarItem = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    timeZone: Type.String({ minLength: 1, maxLength: 100, description: 'IANA zone, e.g. Europe/Brussels' }),
    week: Type.Object(
      {
        mon: Type.Optional(Periods),
        tue: Type.Optional(Periods),
        wed: Type.Optional(Periods),
        thu: Type.Optional(Periods),
        fri: Type.Optional(Periods),
        sat: Type.Optional(Periods),
        sun: Type.Optional(Periods),
      },
      { ...strict, description: 'open periods per weekday (several allowed, no overlap); a missing day is closed' },
    ),
    holidays: Type.Optional(
      Type.Array(Type.Object({ date: DateT, name: Type.String({ minLength: 1, maxLength: 200 }) }, strict), { maxItems: 2000, description: 'closed all day' }),
    ),
    overrides: Type.Optional(
      Type.Array(
        Type.Object({ date: DateT, periods: Periods, note: Type.Optional(Type.String({ maxLength: 500 })) }, strict),
        { maxItems: 2000, description: 'one-off days that replace the week and any holiday; periods [] = closed' },
      ),
    ),
  },
  { ...strict, description: 'a business calendar for open-office SLA/OLA time' },
);
export type CalendarItem = Static<typeof CalendarItem>;

/** What the `settings` column holds: everything but id and name, every weekday present. */
export interface CalendarSettings {
  timeZone: string;
  week: Record<Weekday, Period[]>;
  holidays: Holiday[];
  overrides: CalendarOverride[];
}

const byDate = <T extends { date: string }>(xs: readonly T[]) => [...xs].sort((a, b) => a.date.localeCompare(b.date));

export function calendarSettings(c: CalendarItem): CalendarSettings {
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, c.week[d] ?? []])) as Record<Weekday, Period[]>;
  return {
    timeZone: c.timeZone,
    week,
    holidays: byDate(c.holidays ?? []),
    overrides: byDate((c.overrides ?? []).map((o) => ({ date: o.date, periods: o.periods, ...(o.note !== undefined ? { note: o.note } : {}) }))),
  };
}

/** The stored calendar as core's Calendar; also the API answer and the exported item (all explicit). */
export function calendarOf(row: { id: string; name: string; settings: CalendarSettings }): Calendar {
  const s = row.settings;
  return {
    id: row.id,
    name: row.name,
    timeZone: s.timeZone,
    week: Object.fromEntries(WEEKDAYS.map((d) => [d, s.week?.[d] ?? []])) as Record<Weekday, Period[]>,
    holidays: s.holidays ?? [],
    overrides: s.overrides ?? [],
  };
}

export const ClockPolicyBody = Type.Object(
  {
    duration: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }),
    unit: Type.Unsafe<'minutes' | 'hours' | 'days'>({ type: 'string', enum: ['minutes', 'hours', 'days'] }),
    mode: Type.Optional(Type.Unsafe<'calendar' | 'business'>({ type: 'string', enum: ['calendar', 'business'], description: 'default business' })),
    warnAtPercent: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100 })),
  },
  strict,
);
