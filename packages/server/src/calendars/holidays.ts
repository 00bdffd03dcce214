import type { Holiday } from '@worklane/core';
import type { FieldError } from '../http/problems.js';

export interface SeedRequest {
  country: string;
  region?: string | undefined;
  years: number[];
  language?: string | undefined;
}

const DAY = 86_400_000;

/**
 * Public holidays (type `public` only: no bank, school or observance days) from date-holidays,
 * one entry per date (names of same-day holidays joined). Loaded on first use: its data is large.
 * Returns field errors for an unknown country or region.
 */
export async function publicHolidays(req: SeedRequest): Promise<{ holidays: Holiday[] } | { errors: FieldError[] }> {
  const { default: Holidays } = await import('date-holidays');
  const country = req.country.toUpperCase();
  if (!(country in new Holidays().getCountries())) {
    return { errors: [{ pointer: '/country', message: `unknown country "${req.country}" (ISO 3166-1 alpha-2, e.g. BE)`, in: 'body' }] };
  }
  const states = new Holidays().getStates(country) ?? {};
  const region = req.region?.toUpperCase();
  if (region !== undefined && !(region in states)) {
    const known = Object.keys(states);
    const hint = known.length ? `one of ${known.slice(0, 40).join(', ')}` : 'this country has none';
    return { errors: [{ pointer: '/region', message: `unknown region "${req.region}" of ${country}: ${hint}`, in: 'body' }] };
  }
  const opts = { types: ['public' as const], ...(req.language ? { languages: req.language } : {}) };
  const hd = region ? new Holidays(country, region, opts) : new Holidays(country, opts);
  const byDate = new Map<string, string[]>();
  for (const year of req.years) {
    for (const h of hd.getHolidays(year, req.language)) {
      // A holiday of several days (rare) closes each of them; date is "YYYY-MM-DD hh:mm:ss" local.
      const first = Date.parse(`${h.date.slice(0, 10)}T00:00:00Z`);
      const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY));
      for (let i = 0; i < days; i++) {
        const date = new Date(first + i * DAY).toISOString().slice(0, 10);
        if (!date.startsWith(String(year))) continue;
        const names = byDate.get(date) ?? [];
        if (!names.includes(h.name)) names.push(h.name);
        byDate.set(date, names);
      }
    }
  }
  const holidays = [...byDate].map(([date, names]) => ({ date, name: names.join(' / ') })).sort((a, b) => a.date.localeCompare(b.date));
  return { holidays };
}
