/** How the delivery worker behaves; every field has an environment variable so tests and operators can tune it. */
export interface WebhookOptions {
  /** Per attempt, from connect to response headers (WORKLANE_WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Delay before each retry; the last one repeats (WORKLANE_WEBHOOK_BACKOFF_MS, comma list). */
  backoffMs: number[];
  /** Retry window from first enqueue; a failure after it dead-letters (WORKLANE_WEBHOOK_MAX_AGE_MS). */
  maxAgeMs: number;
  /** ± share of each delay, so receivers coming back are not hit by a synchronized wave. */
  jitter: number;
  /** Backstop wake-up for deliveries this process was not kicked about (WORKLANE_WEBHOOK_POLL_MS). */
  pollMs: number;
  /** Requests in flight at once (WORKLANE_WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /** Rows claimed per query. */
  batchSize: number;
}

// Roughly exponential: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then every 8 h until 24 h.
export const DEFAULT_BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000];

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  timeoutMs: 10_000,
  backoffMs: DEFAULT_BACKOFF_MS,
  maxAgeMs: 24 * 3_600_000,
  jitter: 0.2,
  pollMs: 1_000,
  concurrency: 64,
  batchSize: 32,
};

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of milliseconds, got "${raw}"`);
  return n;
}

export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookOptions {
  const o = { ...DEFAULT_WEBHOOK_OPTIONS };
  o.timeoutMs = positive(env, 'WORKLANE_WEBHOOK_TIMEOUT_MS') ?? o.timeoutMs;
  o.maxAgeMs = positive(env, 'WORKLANE_WEBHOOK_MAX_AGE_MS') ?? o.maxAgeMs;
  o.pollMs = positive(env, 'WORKLANE_WEBHOOK_POLL_MS') ?? o.pollMs;
  o.concurrency = Math.ceil(positive(env, 'WORKLANE_WEBHOOK_CONCURRENCY') ?? o.concurrency);
  const backoff = env.WORKLANE_WEBHOOK_BACKOFF_MS?.trim();
  if (backoff) {
    const list = backoff.split(',').map((x) => Number(x.trim()));
    if (list.some((n) => !Number.isFinite(n) || n < 0)) throw new Error(`WORKLANE_WEBHOOK_BACKOFF_MS must be a comma list of milliseconds, got "${backoff}"`);
    o.backoffMs = list;
  }
  return o;
}

/** Delay before retry number `attempt` (1 = after the first failure), with jitter. */
export function retryDelay(o: Pick<WebhookOptions, 'backoffMs' | 'jitter'>, attempt: number, random = Math.random): number {
  const base = o.backoffMs[Math.min(Math.max(attempt, 1), o.backoffMs.length) - 1] ?? 0;
  return Math.max(0, Math.round(base * (1 + o.jitter * (random() * 2 - 1))));
}

/** After a failed attempt (`attempts` = how many failed before it): retry later, or dead-letter once the window is over. */
export function afterFailure(
  o: Pick<WebhookOptions, 'backoffMs' | 'jitter' | 'maxAgeMs'>,
  attempts: number,
  windowStart: Date,
  now: Date,
  random = Math.random,
): { state: 'dead' } | { state: 'pending'; nextAttemptAt: Date } {
  const deadline = windowStart.getTime() + o.maxAgeMs;
  if (now.getTime() >= deadline) return { state: 'dead' };
  // The last retry lands on the deadline itself, so a receiver gets the full window.
  return { state: 'pending', nextAttemptAt: new Date(Math.min(now.getTime() + retryDelay(o, attempts + 1, random), deadline)) };
}
