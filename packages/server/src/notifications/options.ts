import { afterFailure } from '../webhooks/options.js';

/** How notifications are sent; every field has an environment variable (read when the app is built). */
export interface NotificationOptions {
  /** SMTP server, e.g. smtp://user:pass@mail.example.com:587 (WORKLANE_SMTP_URL); none: e-mail attempts fail. */
  smtpUrl: string | null;
  /** From address (WORKLANE_MAIL_FROM). */
  mailFrom: string;
  /** SMS provider endpoint: POST {to, text} (WORKLANE_SMS_URL), bearer token WORKLANE_SMS_TOKEN. */
  smsUrl: string | null;
  smsToken: string | null;
  /** Push provider endpoint: POST {to, title, body} (WORKLANE_PUSH_URL), bearer token WORKLANE_PUSH_TOKEN. */
  pushUrl: string | null;
  pushToken: string | null;
  /** Base of links in messages, e.g. the portal (WORKLANE_PUBLIC_URL). */
  publicUrl: string;
  /** Zone of dates when the case type names no calendar (WORKLANE_TIME_ZONE). */
  timeZone: string;
  /** Per attempt (WORKLANE_NOTIFY_TIMEOUT_MS). */
  timeoutMs: number;
  /** Delay before each retry, the last repeats (WORKLANE_NOTIFY_BACKOFF_MS, comma list). */
  backoffMs: number[];
  /** Attempts before a message is dead-lettered (WORKLANE_NOTIFY_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Retry window from enqueue (WORKLANE_NOTIFY_MAX_AGE_MS). */
  maxAgeMs: number;
  jitter: number;
  /** Backstop look for work this process was not told about (WORKLANE_NOTIFY_POLL_MS). */
  pollMs: number;
  /** Messages in flight (WORKLANE_NOTIFY_CONCURRENCY). */
  concurrency: number;
  batchSize: number;
}

export const DEFAULT_NOTIFICATION_OPTIONS: NotificationOptions = {
  smtpUrl: null,
  mailFrom: 'Worklane <no-reply@worklane.local>',
  smsUrl: null,
  smsToken: null,
  pushUrl: null,
  pushToken: null,
  publicUrl: 'http://localhost:8080',
  timeZone: 'UTC',
  timeoutMs: 15_000,
  // 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, then every 4 h until the window closes.
  backoffMs: [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000],
  maxAttempts: 12,
  maxAgeMs: 24 * 3_600_000,
  jitter: 0.2,
  pollMs: 1_000,
  concurrency: 8,
  batchSize: 32,
};

function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

const text = (env: NodeJS.ProcessEnv, name: string): string | undefined => env[name]?.trim() || undefined;

export function notificationOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): NotificationOptions {
  const o = { ...DEFAULT_NOTIFICATION_OPTIONS };
  o.smtpUrl = text(env, 'WORKLANE_SMTP_URL') ?? null;
  o.mailFrom = text(env, 'WORKLANE_MAIL_FROM') ?? o.mailFrom;
  o.smsUrl = text(env, 'WORKLANE_SMS_URL') ?? null;
  o.smsToken = text(env, 'WORKLANE_SMS_TOKEN') ?? null;
  o.pushUrl = text(env, 'WORKLANE_PUSH_URL') ?? null;
  o.pushToken = text(env, 'WORKLANE_PUSH_TOKEN') ?? null;
  o.publicUrl = (text(env, 'WORKLANE_PUBLIC_URL') ?? `http://localhost:${env.PORT?.trim() || 8080}`).replace(/\/+$/, '');
  o.timeZone = text(env, 'WORKLANE_TIME_ZONE') ?? o.timeZone;
  o.timeoutMs = positive(env, 'WORKLANE_NOTIFY_TIMEOUT_MS') ?? o.timeoutMs;
  o.maxAttempts = Math.ceil(positive(env, 'WORKLANE_NOTIFY_MAX_ATTEMPTS') ?? o.maxAttempts);
  o.maxAgeMs = positive(env, 'WORKLANE_NOTIFY_MAX_AGE_MS') ?? o.maxAgeMs;
  o.pollMs = positive(env, 'WORKLANE_NOTIFY_POLL_MS') ?? o.pollMs;
  o.concurrency = Math.ceil(positive(env, 'WORKLANE_NOTIFY_CONCURRENCY') ?? o.concurrency);
  const backoff = text(env, 'WORKLANE_NOTIFY_BACKOFF_MS');
  if (backoff) {
    const list = backoff.split(',').map((x) => Number(x.trim()));
    if (list.some((n) => !Number.isFinite(n) || n < 0)) throw new Error(`WORKLANE_NOTIFY_BACKOFF_MS must be a comma list of milliseconds, got "${backoff}"`);
    o.backoffMs = list;
  }
  return o;
}

/** After a failed attempt (`attempts` failed before it): retry later, or dead-letter (too many tries, window over, or permanent). */
export function nextAfterFailure(
  o: NotificationOptions,
  attempts: number,
  windowStart: Date,
  now: Date,
  permanent: boolean,
): { state: 'dead' } | { state: 'failed'; nextAttemptAt: Date } {
  if (permanent || attempts + 1 >= o.maxAttempts) return { state: 'dead' };
  const next = afterFailure(o, attempts, windowStart, now);
  return next.state === 'dead' ? next : { state: 'failed', nextAttemptAt: next.nextAttemptAt };
}
