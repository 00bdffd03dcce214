/**
 * Login throttling with lockout: after `maxFailures` wrong passwords for one e-mail (or 10× that
 * from one address) within `windowMs`, further attempts are refused until the window has passed,
 * even with the right password. In memory: a restart forgets, which only ever lets someone retry.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds until the caller may try again, or 0 when not locked out. */
  retryAfter(email: string, ip: string): number {
    const checks: [string, number][] = [[`e:${email}`, this.maxFailures], [`i:${ip}`, this.maxFailures * 10]];
    let wait = 0;
    for (const [key, limit] of checks) {
      const list = this.recent(key);
      if (list.length >= limit) wait = Math.max(wait, Math.ceil((list[list.length - limit]! + this.windowMs - this.now()) / 1000));
    }
    return wait;
  }

  /** Records a failure; returns true when this failure locked the e-mail out. */
  fail(email: string, ip: string): boolean {
    for (const key of [`e:${email}`, `i:${ip}`]) this.failures.set(key, [...this.recent(key), this.now()]);
    if (this.failures.size > 100_000) this.failures.clear(); // bounded memory under a spray of e-mails
    return this.recent(`e:${email}`).length === this.maxFailures;
  }

  succeed(email: string): void {
    this.failures.delete(`e:${email}`);
  }
}
