import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The PostgreSQL server the suite creates its `worklane_bench_*` databases on. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** null when PostgreSQL answers, else the reason it does not. */
export async function probePostgres(): Promise<string | null> {
  try {
    await admin((c) => c.query('select 1'));
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export async function postgresVersion(): Promise<string> {
  return admin(async (c) => String((await c.query('show server_version')).rows[0].server_version));
}

export interface BenchDatabase {
  /** PostgreSQL URL, or undefined for an embedded (PGlite) folder. */
  url?: string;
  dataDir?: string;
  drop(): Promise<void>;
}

/** A new, empty database on the PostgreSQL server; `drop()` removes it. */
export async function freshPostgres(): Promise<BenchDatabase> {
  const name = `worklane_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  // BENCH_KEEP_DB=1 keeps it (renamed out of the interruption clean-up) for EXPLAIN afterwards; drop it by hand.
  const keep = async () => {
    const kept = name.replace('worklane_bench_', 'worklane_kept_');
    await admin((c) => c.query(`alter database ${name} rename to ${kept}`));
    process.stderr.write(`kept database ${kept} (BENCH_KEEP_DB); drop it with: psql -c 'drop database ${kept}'\n`);
  };
  return { url: url.toString(), drop: () => (process.env.BENCH_KEEP_DB === '1' ? keep() : admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {})) };
}

/** Drops every database this process created (after an interruption). */
export async function dropOwnDatabases(): Promise<void> {
  await admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [`worklane_bench_${process.pid}_%`]);
    for (const r of rows) await c.query(`drop database if exists ${r.datname} with (force)`);
  }).catch(() => {});
}

/** A new, empty embedded data folder. */
export async function freshEmbedded(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'worklane-bench-'));
  return { dataDir: dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** One query on a bench database (counts and checks after a run). */
export async function query<R extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end().catch(() => {});
  }
}
