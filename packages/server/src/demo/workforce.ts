import type { Kysely } from 'kysely';
import { mondayOf } from '@worklane/core';
import type { DB } from '../db/schema.js';
import { checkWorkforceSettings, writeWorkforceSettings, type WorkforceSettings } from '../workforce/settings.js';
import { loadKnown } from '../admin/known.js';
import { planningZone } from '../workforce/planning.js';
import { generateSchedule, setPublished } from '../workforce/schedules.js';

// The demo's planning: its four agents' contracts (Bob would rather have Fridays off, Carol works
// four days), weekday shifts and a short one any day, web chats two at a time. With the made-up
// history (the last two weeks), this week is scheduled from the last and published, so adherence
// and shrinkage have figures; next week is a draft to look at and publish.
const SETTINGS: WorkforceSettings = {
  weeks: 4,
  shrinkage: 0.3,
  serviceLevel: 0.8,
  maxOccupancy: 0.85,
  pool: true,
  queues: [{ queue: 'web-chat', concurrency: 2 }],
  shifts: [
    { id: 'early', name: 'Early', start: '08:00', hours: 8, days: [1, 2, 3, 4, 5] },
    { id: 'day', name: 'Day', start: '09:00', hours: 8, days: [1, 2, 3, 4, 5] },
    { id: 'late', name: 'Late', start: '11:00', hours: 8, days: [1, 2, 3, 4, 5] },
    { id: 'short', name: 'Short', start: '10:00', hours: 4 },
  ],
  contracts: [
    { user: 'alice@worklane.local', hoursPerWeek: 40, preferredStart: '08:00' },
    { user: 'bob@worklane.local', hoursPerWeek: 40, preferredDaysOff: [5] },
    { user: 'carol@worklane.local', hoursPerWeek: 32, days: [1, 2, 3, 4] },
    { user: 'dave@worklane.local', hoursPerWeek: 40, earliest: '08:00' },
  ],
};

export async function seedDemoWorkforce(db: Kysely<DB>, schedules: boolean, now = Date.now()): Promise<void> {
  const settings = structuredClone(SETTINGS);
  const known = await loadKnown(db);
  settings.contracts = settings.contracts.filter((c) => known.hasUser(c.user));
  settings.queues = settings.queues.filter((q) => known.queues.has(q.queue));
  const problems = checkWorkforceSettings(settings, known);
  if (problems.length) throw new Error(`demo workforce settings are invalid: ${JSON.stringify(problems)}`);
  await db.transaction().execute((trx) => writeWorkforceSettings(trx, settings));
  if (!schedules || !settings.contracts.length) return;
  const zone = await planningZone(db);
  const thisWeek = mondayOf(now, zone);
  await generateSchedule(db, thisWeek, zone, settings, 'system:demo');
  await setPublished(db, thisWeek, true, 'system:demo');
  await generateSchedule(db, mondayOf(now + 7 * 86_400_000, zone), zone, settings, 'system:demo');
}
