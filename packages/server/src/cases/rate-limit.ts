import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../http/problems.js';

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

/**
 * An onRequest hook for a public entry point (the case form, chats, callbacks): a token per
 * `keyOf(request)` (default: the address), and when none is left a 429 with Retry-After, before
 * the body is even read (a flood costs no parsing and no disk).
 */
export function rateLimited(buckets: TokenBuckets, what: string, keyOf: (request: FastifyRequest) => string = (request) => request.ip) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const t = buckets.take(keyOf(request));
    if (t.ok) return;
    const seconds = Math.max(1, Math.ceil(t.retryAfterMs / 1000));
    reply.header('retry-after', String(seconds));
    throw new Problem(429, 'Too Many Requests', `Too many ${what}; try again in ${seconds} s`);
  };
}
