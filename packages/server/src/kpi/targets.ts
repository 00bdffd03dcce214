import type { Kysely, Transaction } from 'kysely';
import { kpiNamed, targetKey, type KpiTarget } from '@worklane/core';
import { json, type DB } from '../db/schema.js';

// KPI goals are one list (the `settings` row 'kpi-targets'): read with every insight, replaced
// as a whole by the targets API and by a configuration import.
export const KPI_TARGETS_KEY = 'kpi-targets';

export async function readTargets(db: Kysely<DB>): Promise<KpiTarget[]> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KPI_TARGETS_KEY).executeTakeFirst();
  return ((row?.value as { items?: KpiTarget[] } | undefined)?.items ?? []).filter((t) => kpiNamed(t.kpi));
}

/** Stored in a fixed order (KPI, default first, then scope) so an export diffs cleanly. */
export async function writeTargets(trx: Transaction<DB>, items: readonly KpiTarget[]): Promise<void> {
  const sorted = [...items].sort((a, b) => (targetKey(a) < targetKey(b) ? -1 : targetKey(a) > targetKey(b) ? 1 : 0)).map((t) => ({ kpi: t.kpi, goal: t.goal, ...(t.queue ? { queue: t.queue } : {}), ...(t.team ? { team: t.team } : {}) }));
  const value = json({ items: sorted });
  await trx.insertInto('settings').values({ key: KPI_TARGETS_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}
