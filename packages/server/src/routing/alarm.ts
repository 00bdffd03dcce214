/**
 * One timer for "the earliest of many due times" (wake-ups, after-work, exception rules): the
 * times live in the database, so a restart re-arms from there and loses nothing.
 */
export class Alarm {
  private timer: NodeJS.Timeout | undefined;
  private at = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly fire: () => void) {}

  /** Makes sure the alarm rings no later than `at` (epoch ms). */
  ensure(at: number | null | undefined): void {
    if (at == null || this.stopped || at >= this.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.at = at;
    // setTimeout caps at ~24.8 days; a far alarm re-arms itself.
    const delay = Math.min(Math.max(0, at - Date.now()) + 5, 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.at = Number.POSITIVE_INFINITY;
      this.fire();
    }, delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
