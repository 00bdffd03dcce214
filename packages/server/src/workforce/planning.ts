import { sql, type Kysely } from 'kysely';
import { forecastError, forecastHours, pooledRequirement, reportNamed, requirementOf, totalRequirement, weekHours, type ForecastHour, type HourVolume, type PlanningGoal, type ReportDefinition, type RequirementHour } from '@worklane/core';
import type { DB } from '../db/schema.js';
import { readFacts } from '../reports/query.js';
import { DEFAULT_SERVICE_LEVEL_SECONDS } from '../reports/facts-sql.js';
import type { WorkforceSettings } from './settings.js';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const DEFAULT_HANDLE_SECONDS = 300;

/** Arrivals and completions per queue and hour: the queue-activity report at the hour grain. */
const byQueue: ReportDefinition = { ...reportNamed('queue-activity')!, groupBy: ['queue'], metrics: ['created', 'completed'] };

export interface QueuePlan {
  queue: string;
  name: string;
  goal: PlanningGoal;
  hours: (RequirementHour & { basis: number; actual?: number })[];
  /** Weighted absolute error of the hours already past (null: none yet). */
  error: number | null;
}

export interface WeekPlan {
  monday: string;
  zone: string;
  hours: number[];
  queues: QueuePlan[];
  /** People to schedule per hour, all planned queues together. */
  need: Map<number, number>;
}


/** Each queue's history per hour over [from, to) (rolled-up hours and the tail past the watermark). */
async function historyOf(db: Kysely<DB>, from: number, to: number): Promise<Map<string, Map<number, HourVolume>>> {
  const out = new Map<string, Map<number, HourVolume>>();
  if (to <= from) return out;
  const { facts } = await readFacts(db, { def: byQueue, from: new Date(from), to: new Date(to), interval: 'hour', zone: 'UTC', filters: {} });
  for (const f of facts) {
    let q = out.get(f.queue);
    if (!q) out.set(f.queue, (q = new Map()));
    const v = q.get(f.bucket) ?? { contacts: 0, handled: 0, handleSeconds: 0 };
    if (f.metric === 'created') v.contacts += f.n;
    if (f.metric === 'completed') {
      v.handled += f.n;
      v.handleSeconds += f.total;
    }
    q.set(f.bucket, v);
  }
  return out;
}

/**
 * The week's forecast and the people it needs, per planned queue: the queue's service-level seconds
 * are the threshold; its goal, occupancy and concurrency come from the settings.
 */
export async function planWeek(db: Kysely<DB>, monday: string, zone: string, settings: WorkforceSettings, now = Date.now()): Promise<WeekPlan> {
  const hours = weekHours(monday, zone);
  const from = hours[0]! - settings.weeks * WEEK - 2 * HOUR;
  const history = await historyOf(db, from, Math.min(now, hours.at(-1)! + HOUR));
  // History begins with the first hour anything arrived (ever, not only in the weeks read): weeks
  // before it are unknown, not quiet. The rolled-up hours' first is an index lookup.
  const first = (await sql<{ first: Date | null }>`select min(hour) as first from report_hourly where grain = 'queue'`.execute(db)).rows[0]?.first;
  let since = first ? new Date(first).getTime() : now;
  for (const q of history.values()) for (const h of q.keys()) since = Math.min(since, h);
  const queues = await db.selectFrom('queues').select(['id', 'name', 'settings']).orderBy('name').execute();
  const goals = new Map(settings.queues.map((q) => [q.queue, q]));
  const plans: QueuePlan[] = [];
  const forecasts: { forecast: ForecastHour[]; goal: PlanningGoal }[] = [];
  for (const q of queues) {
    const g = goals.get(q.id);
    if (g?.plan === false) continue;
    const goal: PlanningGoal = {
      serviceLevel: g?.serviceLevel ?? settings.serviceLevel,
      thresholdSeconds: Number((q.settings as { serviceLevelSeconds?: number }).serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS),
      maxOccupancy: g?.maxOccupancy ?? settings.maxOccupancy,
      concurrency: g?.concurrency ?? 1,
    };
    const forecast = forecastHours(hours, history.get(q.id) ?? new Map(), zone, { weeks: settings.weeks, since, now, defaultHandleSeconds: DEFAULT_HANDLE_SECONDS });
    const need = requirementOf(forecast, goal, settings.shrinkage);
    forecasts.push({ forecast, goal });
    plans.push({ queue: q.id, name: q.name, goal, hours: need.map((h, i) => ({ ...h, basis: forecast[i]!.basis, ...(forecast[i]!.actual !== undefined ? { actual: forecast[i]!.actual } : {}) })), error: forecastError(forecast) });
  }
  const need = settings.pool === false ? totalRequirement(plans.map((p) => p.hours)) : pooledRequirement(forecasts, settings.shrinkage);
  return { monday, zone, hours, queues: plans, need };
}
