import type { FastifyBaseLogger } from 'fastify';

/**
 * A background job run every `ms`, one run at a time (the next is timed from the end of the last),
 * off the request path: a failed run is logged and the next one tries again. `stop()` waits for a
 * run under way, so a closing server never has one writing to a closed database.
 */
export class Every {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly ms: number,
    private readonly run: () => Promise<unknown>,
    private readonly log: FastifyBaseLogger,
    /** What failed, in the log ("quality planner: sampling finished work"). */
    private readonly what: string,
  ) {}

  /** Starts the loop; with `now`, the first run is at once rather than after `ms`. */
  start(now = false): void {
    this.stopped = false;
    if (now) this.tick();
    else this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  private tick(): void {
    this.running = this.run()
      .catch((err: unknown) => this.log.warn({ err }, `${this.what} failed; trying again`))
      .finally(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), this.ms);
    this.timer.unref();
  }
}
