/** Inbound e-mail; every field has an environment variable (read when the app is built). */
export interface MailInOptions {
  /** Port of the SMTP listener (WORKLANE_INBOUND_SMTP_PORT); null: no listener (HTTP intake still works). */
  smtpPort: number | null;
  /** WORKLANE_INBOUND_SMTP_HOST: listen address; behind the organization's mail server, so loopback by default. */
  smtpHost: string;
  /** WORKLANE_INBOUND_MAX_BYTES: larger messages are refused (SMTP 552, HTTP 413). */
  maxBytes: number;
  /** Backstop look for messages this process was not told about (other processes, retries). */
  pollMs: number;
}

export const DEFAULT_MAIL_IN_OPTIONS: MailInOptions = { smtpPort: null, smtpHost: '127.0.0.1', maxBytes: 10 * 1024 * 1024, pollMs: 5_000 };

function int(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export function mailInOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): MailInOptions {
  return {
    smtpPort: int(env, 'WORKLANE_INBOUND_SMTP_PORT', 0) ?? null,
    smtpHost: env.WORKLANE_INBOUND_SMTP_HOST?.trim() || DEFAULT_MAIL_IN_OPTIONS.smtpHost,
    maxBytes: int(env, 'WORKLANE_INBOUND_MAX_BYTES', 1024) ?? DEFAULT_MAIL_IN_OPTIONS.maxBytes,
    pollMs: DEFAULT_MAIL_IN_OPTIONS.pollMs,
  };
}
