import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB } from './schema.js';

/** The tables the hot paths read by key while they grow. */
const HOT = ['tasks', 'offers', 'events', 'cases', 'case_tasks'] as const;
/** Below this size a table's plans do not matter. */
const MIN_PAGES = 16;
/**
 * Once measured at this size (8 MB) plans no longer flip as the table grows (key lookups stay key
 * lookups), so autovacuum is left to it: analyzing large tables while they grow cost bulk loads a third of their speed.
 */
const MAX_MEASURED_PAGES = 1024;

/**
 * Keeps the planner's picture of growing tables current: a table that has more than doubled since
 * PostgreSQL last measured it is analyzed now. Why: a cached plan (every prepared statement's
 * generic plan) is made for the sizes at the time, and a database that starts empty keeps the
 * plans of its empty tables: at 500 offers/s an accept went from 1 to 57 ms in ten seconds,
 * reading every offered task and every pending offer by sequential scan. Autovacuum re-analyzes at
 * most once a minute, and not at all on the embedded database. An ANALYZE invalidates the cached
 * plans of the table; doubling, up to 8 MB, keeps it to seven per table over its life, each of a
 * small table.
 */
export class FreshStatistics {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Size at our last ANALYZE of each table: a role that may not analyze (not the owner) is not asked again until it doubles. */
  private readonly analyzedAt = new Map<string, number>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly log: FastifyBaseLogger,
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return; // an ANALYZE of a large table may outlast the interval
      this.running = this.check().then(
        () => undefined,
        (err: unknown) => this.log.warn({ err }, 'statistics check failed'),
      ).finally(() => (this.running = undefined));
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Analyzes the hot tables that outgrew their statistics; returns their names. */
  async check(): Promise<string[]> {
    const { rows } = await sql<{ name: string; pages: number; measured: number }>`
      select c.relname as name, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages, c.relpages as measured
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' and c.relname in (${sql.join(HOT)})`.execute(this.db);
    // Every hot table measured past the size that matters: nothing left to do in this process's life.
    if (rows.length === HOT.length && rows.every((r) => r.measured >= MAX_MEASURED_PAGES) && this.timer) clearInterval(this.timer);
    const stale = rows.filter((r) => r.pages >= MIN_PAGES && r.measured < MAX_MEASURED_PAGES && r.pages > 2 * Math.max(r.measured, this.analyzedAt.get(r.name) ?? 0));
    for (const r of stale) {
      await sql`analyze ${sql.table(r.name)}`.execute(this.db);
      this.analyzedAt.set(r.name, r.pages);
    }
    return stale.map((r) => r.name);
  }
}
