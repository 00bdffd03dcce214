import { mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.js';
import { PGliteDialect } from './pglite-dialect.js';
import { prepareMarked } from './prepared.js';
import { useFastTimestamps } from './timestamps.js';

// int8 (counts, bigserial ids) as numbers on both drivers; they stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));
useFastTimestamps();

export interface Store {
  db: Kysely<DB>;
  kind: 'embedded' | 'postgres';
  /** Where the data lives, for messages: a folder or a redacted URL. */
  location: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string;
  /** Embedded database folder; 'memory://' keeps it in memory (tests). */
  dataDir?: string;
  /** What holds the lock, shown to a second process. */
  holder?: string;
}

export class DatabaseBusyError extends Error {}

/** One process at a time may open an embedded data folder: PGlite is single-writer. */
function lockDataDir(dir: string, holder: string): () => void {
  const file = join(dir, 'worklane.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, JSON.stringify({ pid: process.pid, holder, at: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: { pid?: number; holder?: string } = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8')) as typeof owner;
      } catch {
        /* unreadable lock: treat as stale */
      }
      if (owner.pid && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new DatabaseBusyError(
          `The embedded database in ${dir} is in use by another Worklane process (pid ${owner.pid}, "${owner.holder ?? 'unknown'}"). ` +
            'Stop that process first, or run both against a PostgreSQL server by setting DATABASE_URL.',
        );
      }
      rmSync(file, { force: true }); // stale lock from a crashed process
    }
  }
  throw new DatabaseBusyError(`Could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection the server closed (PostgreSQL restarting, database dropped) is an error
    // event on the pool; unhandled, it would crash the process. The pool replaces the connection.
    pool.on('error', (err) => process.emitWarning(`PostgreSQL connection lost: ${err.message}`));
    // A connection lost while checked out (mid-query or mid-transaction) is also an error event on
    // its client, which the pool does not listen to then: without this, a PostgreSQL restart kills
    // the process. The query in flight fails on its own; the pool drops the broken client on release.
    pool.on('connect', (client) => {
      client.on('error', () => {});
      prepareMarked(client);
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', location: redact(opts.databaseUrl), close: () => db.destroy() };
  }
  const dataDir = opts.dataDir ?? './data';
  if (dataDir === 'memory://') {
    const pglite = new PGlite();
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return { db, kind: 'embedded', location: 'memory', close: () => db.destroy() };
  }
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dir, opts.holder ?? 'worklane');
  try {
    const pglite = new PGlite(join(dir, 'pgdata'));
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    let closed = false;
    return {
      db,
      kind: 'embedded',
      location: dir,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await db.destroy();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** Reads WORKLANE_DATA_DIR / DATABASE_URL the same way for the server and the CLI. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv, holder: string): StoreOptions {
  const databaseUrl = env.DATABASE_URL?.trim();
  return databaseUrl ? { databaseUrl, holder } : { dataDir: env.WORKLANE_DATA_DIR ?? './data', holder };
}
