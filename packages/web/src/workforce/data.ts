import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { PresenceStatus } from '../api/types';

// Workforce management (API: /workforce/..., /me/schedule, /me/time-off): the shapes and the hooks.

export type ActivityKind = 'work' | 'break' | 'lunch' | 'meeting' | 'training' | 'time-off';
export interface Activity {
  user: string;
  kind: ActivityKind;
  start: string;
  end: string;
}
export interface ForecastHour {
  start: string;
  contacts: number;
  handleSeconds: number;
  agents: number;
  scheduled: number;
  serviceLevel: number;
  occupancy: number;
  method: 'erlang-c' | 'workload';
  basis: number;
  actual?: number;
}
export interface Forecast {
  week: string;
  zone: string;
  shrinkage: number;
  queues: { queue: string; name: string; goal: { serviceLevel: number; thresholdSeconds: number; maxOccupancy: number; concurrency: number }; error: number | null; hours: ForecastHour[] }[];
  need: { start: string; scheduled: number }[];
}
export interface Schedule {
  week: string;
  zone: string;
  status: 'draft' | 'bidding' | 'published';
  bids?: number;
  generatedAt: string;
  publishedAt: string | null;
  activities: Activity[];
  people: { id: string; name: string }[];
  hours: { start: string; need: number; scheduled: number }[];
}
export interface LivePerson {
  user: string;
  name: string;
  scheduled: ActivityKind | null;
  until: string | null;
  status: PresenceStatus;
  reason: string | null;
  inAdherence: boolean;
  since: string;
  today: number | null;
}
export interface PersonAdherence {
  user: string;
  name: string;
  scheduledSeconds: number;
  adheredSeconds: number;
  adherence: number | null;
  scheduledWorkSeconds: number;
  workedSeconds: number;
  conformance: number | null;
  exceptions: { start: string; end: string; scheduled: ActivityKind | null; status: PresenceStatus; reason: string | null }[];
}
export interface Shrinkage {
  paidSeconds: number;
  planned: Partial<Record<ActivityKind, number>>;
  unplanned: Record<string, number>;
  plannedShare: number;
  unplannedShare: number;
}
export interface TimeOff {
  id: string;
  user: string;
  name: string;
  start: string;
  end: string;
  note: string;
  status: 'requested' | 'approved' | 'declined' | 'canceled';
  decidedBy: string | null;
  decidedAt: string | null;
}
export interface MySchedule {
  week: string;
  zone: string;
  published: boolean;
  activities: Omit<Activity, 'user'>[];
  timeOff: TimeOff[];
}

export const ACTIVITY_LABEL: Record<ActivityKind, string> = { work: 'Work', break: 'Break', lunch: 'Lunch', meeting: 'Meeting', training: 'Training', 'time-off': 'Time off' };
export const ACTIVITY_COLOR: Record<ActivityKind, string> = { work: 'teal', break: 'yellow', lunch: 'orange', meeting: 'grape', training: 'indigo', 'time-off': 'gray' };

export const useForecast = (week: string) => useQuery({ queryKey: ['workforce', 'forecast', week], queryFn: () => api<Forecast>(`/workforce/forecast?week=${week}`) });
export const useSchedule = (week: string) =>
  useQuery({ queryKey: ['workforce', 'schedule', week], queryFn: () => api<Schedule>(`/workforce/schedules/${week}`), retry: (n, e) => (e as { status?: number }).status !== 404 && n < 2 });
export const useLiveAdherence = () => useQuery({ queryKey: ['workforce', 'live'], queryFn: () => api<{ at: string; people: LivePerson[] }>('/workforce/adherence/live'), refetchInterval: 10_000 });
export const useAdherence = (from: string, to: string, enabled = true) =>
  useQuery({ queryKey: ['workforce', 'adherence', from, to], enabled, queryFn: () => api<{ people: PersonAdherence[]; shrinkage: Shrinkage }>(`/workforce/adherence?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`) });
// New requests show within 30 s, and at once on opening the tab (never stale).
export const useTimeOff = () => useQuery({ queryKey: ['workforce', 'time-off'], queryFn: () => api<{ items: TimeOff[] }>('/workforce/time-off'), refetchInterval: 30_000, staleTime: 0 });
// A decision on time off shows within a minute (or at once on coming back to the tab).
export const useMySchedule = (week: string) => useQuery({ queryKey: ['me', 'schedule', week], queryFn: () => api<MySchedule>(`/me/schedule?week=${week}`), refetchInterval: 60_000 });

/** A workforce action that refreshes every workforce view when it is done. */
export function useWorkforceAction<V, R = unknown>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['workforce'] }), qc.invalidateQueries({ queryKey: ['me', 'schedule'] })]) });
}

const DAY = 86_400_000;
/** Monday of the week holding `t`, as YYYY-MM-DD (UTC date arithmetic; the server takes any day of the week). */
export function mondayOf(t: number): string {
  const d = new Date(t);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - back * DAY).toISOString().slice(0, 10);
}
export const shiftWeek = (monday: string, weeks: number) => new Date(Date.parse(`${monday}T00:00:00Z`) + weeks * 7 * DAY).toISOString().slice(0, 10);

/** "08:30" in the plan's zone. */
export function clock(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}
/** "Mon 30 Nov" in the plan's zone. */
export function dayLabel(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(iso));
}
/** YYYY-MM-DD in the plan's zone: which day a time falls on. */
export function dayKey(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}
export const percent = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10} %`);
export const hours = (seconds: number) => `${Math.round((seconds / 3600) * 10) / 10} h`;

export interface Preferences {
  contract: boolean;
  hoursPerWeek?: number;
  days?: number[] | null;
  earliest?: string | null;
  latest?: string | null;
  preferredStart?: string | null;
  preferredDaysOff?: number[];
}
export const usePreferences = () => useQuery({ queryKey: ['me', 'schedule-preferences'], queryFn: () => api<Preferences>('/me/schedule-preferences') });
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface BidLine {
  line: number;
  hours: number;
  shifts: { start: string; end: string }[];
  fits: boolean;
}
export interface MyBid {
  week: string;
  zone: string;
  open: boolean;
  contract: boolean;
  lines: BidLine[];
  ranking: number[];
}
export const useMyBid = (week: string) => useQuery({ queryKey: ['me', 'bids', week], queryFn: () => api<MyBid>(`/me/bids/${week}`) });

/** The week in the address (`?week=` any day of it), else this week: as a Monday. */
export function weekParam(params: URLSearchParams): string {
  const w = params.get('week') ?? '';
  return /^\d{4}-\d{2}-\d{2}$/.test(w) && !Number.isNaN(Date.parse(`${w}T12:00:00Z`)) ? mondayOf(Date.parse(`${w}T12:00:00Z`)) : mondayOf(Date.now());
}

/**
 * The address's week and a way to move it. A step reads the address as it is at the click (the
 * router's own update reads it as it was at the last render: two quick clicks would move one week).
 */
export function useWeekParam(): [string, (weeks: number | 'now') => void] {
  const [params, setParams] = useSearchParams();
  const step = (weeks: number | 'now') => {
    const q = new URLSearchParams(window.location.search);
    q.set('week', weeks === 'now' ? mondayOf(Date.now()) : shiftWeek(weekParam(q), weeks));
    setParams(q);
  };
  return [weekParam(params), step];
}
