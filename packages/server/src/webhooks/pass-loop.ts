/**
 * When an outbox worker (webhooks, notifications) looks for work: at the earliest wake asked for
 * (a kick after a commit, the next due retry, the backstop poll). Passes never overlap: a wake
 * during a pass, or a pass that says there may be more (`more()`), runs one more right after it.
 * After every pass the backstop poll is armed; a failed pass is reported and tried again then.
 */
export class PassLoop {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private passing: Promise<void> | undefined;
  private again = false;
  stopped = true;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly pollMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake(0);
  }

  /** No more passes; resolves once the one under way (if any) is over. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.passing;
  }

  /** Look in `delayMs` at the latest (an earlier wake already set stands). */
  wake(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.run();
    }, Math.max(0, delayMs));
  }

  /** From inside a pass: there may be more due; pass again at once. */
  more(): void {
    this.again = true;
  }

  /** Has this pass asked for another (`more()`)? */
  get wantsMore(): boolean {
    return this.again;
  }

  get busy(): boolean {
    return this.passing !== undefined;
  }

  /** A pass now (or, during one, one more after it); resolves when the passes end. */
  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.passing) {
      this.again = true;
      return this.passing;
    }
    this.passing = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped);
      } catch (err) {
        if (!this.stopped) this.onError(err);
      } finally {
        this.passing = undefined;
        this.wake(this.pollMs);
      }
    })();
    return this.passing;
  }
}
