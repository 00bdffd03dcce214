/**
 * A small in-memory token bucket per key (the public form, per IP): `burst` requests at once,
 * refilled at `perMinute`. In one process only; several processes each allow their own share.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly burst: number,
    readonly perMinute: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token; when none is left, how long until one is. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterMs: number } {
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (!this.buckets.has(key)) this.remember(key, b, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - b.tokens) / rate) };
  }

  private remember(key: string, b: { tokens: number; at: number }, now: number): void {
    if (this.buckets.size >= this.maxKeys) {
      // Full buckets are as good as new ones: forget them first (bounded memory under a flood).
      const full = (60_000 * this.burst) / this.perMinute;
      for (const [k, x] of this.buckets) if (now - x.at >= full) this.buckets.delete(k);
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, b);
  }
}
