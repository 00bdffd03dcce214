import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** How long a looked-up API key or session is trusted without asking the database again. */
export const CREDENTIAL_TTL_MS = 1_000;

/**
 * Recently looked-up API keys and sessions, so a busy caller costs one database look-up a second
 * instead of one per request (a capture at 10,000/s would otherwise pay a round trip each).
 * Every change the server makes to users, keys or sessions clears it (`forgetCredentials`), so a
 * revoked key or a logged-out session fails on the next request; a change made behind the
 * server's back (SQL, the CLI) takes effect within `CREDENTIAL_TTL_MS`. Only hits are kept: a
 * wrong key is looked up every time, and cannot fill memory.
 */
export class CredentialCache<V> {
  private entries = new Map<string, { value: V; until: number }>();
  /** Bumped by clear(): a look-up that started before a clear must not store what it read. */
  private generation = 0;

  constructor(
    private readonly ttlMs = CREDENTIAL_TTL_MS,
    private readonly max = 20_000,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until > now) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Runs a look-up and keeps its hit, unless the cache was cleared while it ran. */
  async through(key: string, lookUp: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const gen = this.generation;
    const value = await lookUp();
    if (value !== undefined && gen === this.generation) {
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    }
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

const caches = new WeakMap<Kysely<DB>, Set<CredentialCache<unknown>>>();

/** The caches of one database handle (one per kind of credential). */
export function credentialCache<V>(db: Kysely<DB>): CredentialCache<V> {
  let set = caches.get(db);
  if (!set) caches.set(db, (set = new Set()));
  const c = new CredentialCache<V>();
  set.add(c as CredentialCache<unknown>);
  return c;
}

/** Call after committing a change to users, API keys or sessions: the next request reads them anew. */
export function forgetCredentials(db: Kysely<DB>): void {
  for (const c of caches.get(db) ?? []) c.clear();
}
