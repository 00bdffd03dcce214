import type { Kysely } from 'kysely';
import type { DB, RoutingSettings } from '../db/schema.js';
import { DEFAULT_ROUTING, ROUTING_KEY } from './write.js';

/** Global routing settings (the `settings` row 'routing'), defaults filled in. */
export async function readRouting(db: Kysely<DB>): Promise<RoutingSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', ROUTING_KEY).executeTakeFirst();
  return { ...DEFAULT_ROUTING, ...(row?.value as Partial<RoutingSettings> | undefined) };
}
