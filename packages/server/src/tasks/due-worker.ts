import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { Alarm } from '../routing/alarm.js';

/**
 * Acts on tasks whose time has come (expiry, overdue work): one alarm at the earliest due time,
 * read from the database (so a restart re-arms and loses nothing), one run at a time, and after a
 * failure (the database away) another try 5 s later.
 */
export abstract class DueWorker {
  private readonly alarm = new Alarm(() => this.run());
  private running: Promise<void> | undefined;
  private look: NodeJS.Timeout | undefined;
  protected s: Services | undefined;
  protected stopped = false;

  constructor(
    protected readonly db: Kysely<DB>,
    protected readonly log: FastifyBaseLogger,
    /** What the worker does, for the log ("expiring tasks"). */
    private readonly what: string,
    /** Also re-read the due time this often: for what is written where the worker is not told (the hot path). */
    private readonly lookMs?: number,
  ) {}

  /** The earliest due time still to act on, if any. */
  protected abstract nextAt(): Promise<Date | null>;
  /** Acts on everything due now. */
  protected abstract due(s: Services): Promise<void>;

  async start(s: Services): Promise<void> {
    this.s = s;
    await this.rearm();
    if (this.lookMs) {
      this.look = setInterval(() => void this.rearm().catch((err: unknown) => this.log.warn({ err }, `${this.what}: looking again failed`)), this.lookMs);
      this.look.unref();
    }
  }

  /** No more runs; waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.look);
    this.alarm.stop();
    await this.running;
  }

  /** Something due at `at` was written: the alarm rings no later. */
  protected ensure(at: Date | null | undefined): void {
    if (at) this.alarm.ensure(at.getTime());
  }

  /** Arms the alarm for the earliest due time in the database (at once if it passed). */
  async rearm(): Promise<void> {
    const at = await this.nextAt();
    if (at) this.alarm.ensure(new Date(at).getTime());
  }

  private run(): void {
    if (!this.s || this.running || this.stopped) return;
    const s = this.s;
    this.running = (async () => {
      try {
        await this.due(s);
        await this.rearm();
      } catch (err) {
        if (this.stopped) return;
        this.log.error({ err }, `${this.what} failed; trying again in 5 s`);
        this.alarm.ensure(Date.now() + 5_000);
      }
    })().finally(() => (this.running = undefined));
  }
}
