import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { appendEvents } from '../events/append.js';
import { Problem, conflict, type FieldError } from '../http/problems.js';
import { lockConfig } from '../config/lock.js';
import { loadKnown, type DbKnown } from './known.js';
import { forgetCredentials } from '../auth/credential-cache.js';

export interface Changed<T> {
  id: string;
  /** null: created. */
  before: T | null;
  /** null: deleted. */
  after: T | null;
  /** More for the audit event; an update with `extra` is recorded even when nothing shown changed. */
  extra?: Record<string, unknown> | undefined;
}

const sorted = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sorted(x)])) : v;
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/**
 * One configuration change: a transaction under the configuration lock (so checks see every
 * earlier change), the audit event `config.<kind>.<created|updated|deleted>` in the same
 * transaction, then the in-memory configuration reloaded so routing uses it at once.
 * A Problem thrown by `fn` rolls everything back.
 */
export async function change<T>(s: Services, request: FastifyRequest, kind: string, fn: (trx: Transaction<DB>, known: DbKnown) => Promise<Changed<T>>): Promise<Changed<T>> {
  const result = await s.db
    .transaction()
    .execute(async (trx) => {
      await lockConfig(trx);
      const c = await fn(trx, await loadKnown(trx));
      const verb = c.before === null ? 'created' : c.after === null ? 'deleted' : 'updated';
      if (verb !== 'updated' || c.extra || !sameJson(c.before, c.after))
        await appendEvents(trx, [{ type: `config.${kind}.${verb}`, actor: actorOf(request.principal), data: { id: c.id, before: c.before, after: c.after, ...c.extra } }]);
      return c;
    })
    .catch(dbConflict);
  forgetCredentials(s.db); // users (roles, disabled, passwords) may have changed
  await s.config.reload();
  return result;
}

/** Foreign keys and unique indexes are the last line: a race the checks missed is still a 409. */
function dbConflict(err: unknown): never {
  const code = (err as { code?: string }).code;
  if (code === '23503') throw conflict('It is referred to by, or refers to, something that changed meanwhile; nothing was changed');
  if (code === '23505') throw conflict('It exists already; nothing was changed');
  throw err;
}

/** 422 naming every bad reference, when there are any. */
export function refuse(errors: FieldError[]): void {
  if (!errors.length) return;
  throw new Problem(422, 'Unprocessable request', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors.map((e) => ({ ...e, in: 'body' })));
}
