import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { isValidZone } from '@worklane/core';
import { factsCte, grainSelect, GRAINS } from './facts-sql.js';

export interface RollupOptions {
  /** Most events per batch (one transaction each); batches shrink to take about `batchMs`. */
  batch: number;
  /** Time one batch should take: the embedded database serves one statement at a time, so a long batch would hold up captures. */
  batchMs: number;
  /** How often to look for new events. */
  pollMs: number;
  /** Leave event ids seen for less than this: a transaction that took a lower id may not have committed yet. */
  settleMs: number;
  /** Time zone of the daily aggregates (reports by day, week, month in this zone read them). */
  dayZone: string;
  /**
   * Catching up in the background, the rollup rests this many times as long as its last batch
   * took before the next: reports are history and may lag, live routing may not. A backlog (a bulk
   * import, a restart after a while) otherwise kept a database core busy for as long as it took,
   * and routing decisions made meanwhile took 3.5 instead of 2 ms (p50, scale --full).
   */
  restRatio: number;
}

export const rollupOptionsFromEnv = (env: NodeJS.ProcessEnv = process.env): RollupOptions => ({
  batch: Number(env.WORKLANE_REPORT_BATCH ?? 20_000),
  batchMs: Number(env.WORKLANE_REPORT_BATCH_MS ?? 200),
  pollMs: Number(env.WORKLANE_REPORT_POLL_MS ?? 5_000),
  settleMs: Number(env.WORKLANE_REPORT_SETTLE_MS ?? 5_000),
  dayZone: env.WORKLANE_REPORT_TIME_ZONE ?? 'UTC',
  restRatio: Number(env.WORKLANE_REPORT_REST ?? 3),
});

/**
 * Adds events up per hour into `report_hourly` in the background: each batch reads the events past
 * the watermark, inserts-or-adds their aggregates and moves the watermark, in one transaction
 * (so a restart or a second process never counts an event twice). Nothing runs on the write path.
 */
export class ReportRollup {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private marks: { id: number; at: number }[] = [];
  private size: number;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly log: FastifyBaseLogger,
    private readonly options: RollupOptions = rollupOptionsFromEnv(),
  ) {
    this.size = Math.max(500, Math.floor(options.batch / 8));
  }

  start(): void {
    this.stopped = false;
    this.running = this.useZone(this.options.dayZone).catch((err) => this.log.warn({ err }, 'report rollup: could not switch the day time zone'));
    void this.running.finally(() => this.schedule(0));
  }

  /**
   * Days of `report_daily` are local days of one zone (WORKLANE_REPORT_TIME_ZONE). When it changes,
   * the days are rebuilt from the hours, in one transaction, before the next batch.
   */
  async useZone(zone: string): Promise<void> {
    if (!isValidZone(zone)) {
      this.log.warn({ zone }, 'WORKLANE_REPORT_TIME_ZONE is not a known time zone; keeping the current one');
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      const cur = (await sql<{ day_zone: string }>`select day_zone from report_rollup where id = 1 for update`.execute(trx)).rows[0]!.day_zone;
      if (cur === zone) return;
      await sql`delete from report_daily`.execute(trx);
      await sql`
        insert into report_daily (grain, day, metric, queue, agent, case_type, code, n, total, max, within)
        select grain, date_trunc('day', hour, ${zone}), metric, queue, agent, case_type, code, sum(n), sum(total), max(max), sum(within)
        from report_hourly group by 1, 2, 3, 4, 5, 6, 7`.execute(trx);
      await sql`update report_rollup set day_zone = ${zone} where id = 1`.execute(trx);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.endRest?.();
    await this.running?.catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.catchUp(this.options.settleMs, true).catch((err) => this.log.warn({ err }, 'report rollup failed; retrying'));
      void this.running.finally(() => this.schedule(this.options.pollMs));
    }, ms);
    this.timer.unref();
  }

  private endRest: (() => void) | undefined;

  /** Waits `ms` between background batches; stop() ends the wait at once. */
  private rest(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      t.unref(); // a rest never keeps the process alive
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.endRest = done;
    });
  }

  /** Rolls up batches until nothing settled is left; returns how many events it covered. */
  async catchUp(settleMs = this.options.settleMs, background = false): Promise<number> {
    let done = 0;
    for (;;) {
      if (background && this.stopped) return done;
      const t0 = performance.now();
      const n = await this.batch(settleMs);
      if (n === 0) return done;
      done += n;
      // Aim at batchMs a batch, and let waiting statements in between.
      const ms = performance.now() - t0;
      if (ms > this.options.batchMs * 2) this.size = Math.max(500, Math.floor(this.size / 2));
      else if (ms < this.options.batchMs / 2) this.size = Math.min(this.options.batch, this.size * 2);
      if (background && this.options.restRatio > 0) await this.rest(ms * this.options.restRatio);
      else await new Promise((r) => setImmediate(r));
    }
    return done;
  }

  /**
   * The highest event id seen at least `settleMs` ago. Ids are taken before commit, so a fresh id
   * may still have a lower neighbour in flight; after the settle time that one has committed (or
   * never will). By id age, not by `at`: an event stamped in the future must not stall the rollup.
   */
  private async settled(db: Kysely<DB>, settleMs: number): Promise<number> {
    const top = Number((await sql<{ m: string | null }>`select coalesce(max(id), 0) as m from events`.execute(db)).rows[0]?.m ?? 0);
    const now = Date.now();
    this.marks.push({ id: top, at: now });
    let settled = settleMs <= 0 ? top : 0;
    for (const m of this.marks) if (m.at <= now - settleMs) settled = Math.max(settled, m.id);
    // Keep the newest mark old enough (the answer next time too) and the younger ones.
    const old = this.marks.filter((m) => m.at <= now - settleMs);
    this.marks = [...old.slice(-1), ...this.marks.filter((m) => m.at > now - settleMs)].slice(-1000);
    return settled;
  }

  /** The current watermark (events up to this id are in the aggregates). */
  async watermark(): Promise<number> {
    const r = await sql<{ watermark: string }>`select watermark from report_rollup where id = 1`.execute(this.db);
    return Number(r.rows[0]?.watermark ?? 0);
  }

  /** One batch; returns how far the watermark moved (0: caught up). */
  async batch(settleMs = this.options.settleMs): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      // PostgreSQL's JIT would spend seconds compiling this short statement (its cost estimate is high).
      await sql`set local jit = off`.execute(trx);
      // The row lock makes concurrent processes take turns; the loser re-reads the moved watermark.
      const wm = Number((await sql<{ watermark: string }>`select watermark from report_rollup where id = 1 for update`.execute(trx)).rows[0]!.watermark);
      const hi = Math.min(wm + this.size, await this.settled(trx, settleMs));
      if (hi <= wm) return 0;
      const zone = (await sql<{ day_zone: string }>`select day_zone from report_rollup where id = 1`.execute(trx)).rows[0]!.day_zone;
      const add = (table: 'report_hourly' | 'report_daily', col: 'hour' | 'day') => sql`
        on conflict (grain, ${sql.ref(col)}, metric, queue, agent, case_type, code) do update set
          n = ${sql.table(table)}.n + excluded.n, total = ${sql.table(table)}.total + excluded.total,
          max = greatest(${sql.table(table)}.max, excluded.max), within = ${sql.table(table)}.within + excluded.within`;
      await sql`
        with ${factsCte(sql`${wm}`, sql`${hi}`)},
        durations as (
          insert into report_case_durations (event_id, at, case_type, seconds)
          select id, hour, case_type, secs from facts where metric = 'case.closed' and secs is not null
          on conflict (event_id) do nothing returning 1),
        g as (${sql.join(
          GRAINS.map((grain) => sql`
            select ${grain} as grain, hour, metric, queue, agent, case_type, code, sum(n) as n, coalesce(sum(secs), 0) as total, max(secs) as max, sum(within) as within
            from (${grainSelect(grain)}) f group by hour, metric, queue, agent, case_type, code`),
          sql` union all `,
        )}),
        hourly as (
          insert into report_hourly (grain, hour, metric, queue, agent, case_type, code, n, total, max, within)
          select grain, hour, metric, queue, agent, case_type, code, n, total, max, within from g
          ${add('report_hourly', 'hour')} returning 1)
        insert into report_daily (grain, day, metric, queue, agent, case_type, code, n, total, max, within)
        select grain, date_trunc('day', hour, ${zone}), metric, queue, agent, case_type, code, sum(n), sum(total), max(max), sum(within)
        from g group by 1, 2, 3, 4, 5, 6, 7
        ${add('report_daily', 'day')}`.execute(trx);
      await sql`update report_rollup set watermark = ${hi}, updated_at = now() where id = 1`.execute(trx);
      return hi - wm;
    });
  }
}
