import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

// Configuration writes take one transaction-scoped advisory lock: checks read inside the
// transaction then see every earlier change, across server processes too.
const CONFIG_LOCK = 0x776c_636f; // "wlco"

export async function lockConfig(trx: Transaction<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${CONFIG_LOCK})`.execute(trx);
}
