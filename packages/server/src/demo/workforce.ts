import type { Kysely } from 'kysely';
import { mondayOf } from '@worklane/core';
import type { DB } from '../db/schema.js';
import { readWorkforceSettings } from '../workforce/settings.js';
import { reportZone } from '../reports/query.js';
import { generateSchedule, setPublished } from '../workforce/schedules.js';

// The demo's planning settings are in its configuration (section `workforce`). With the made-up
// history (the last two weeks), this week is scheduled from the last and published, so adherence
// and shrinkage have figures; next week is a draft to look at and publish.
export async function seedDemoWorkforce(db: Kysely<DB>, now = Date.now()): Promise<void> {
  const settings = await readWorkforceSettings(db);
  if (!settings.contracts.length || !settings.shifts.length) return;
  const zone = await reportZone(db);
  const thisWeek = mondayOf(now, zone);
  await generateSchedule(db, thisWeek, zone, settings, 'system:demo');
  await setPublished(db, thisWeek, true, 'system:demo');
  await generateSchedule(db, mondayOf(now + 7 * 86_400_000, zone), zone, settings, 'system:demo');
}
