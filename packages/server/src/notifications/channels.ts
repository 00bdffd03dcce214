import { performance } from 'node:perf_hooks';
import nodemailer, { type Transporter } from 'nodemailer';
import type { NotificationOptions } from './options.js';

export interface Outgoing {
  channel: 'email' | 'sms' | 'push' | 'social';
  to: string;
  subject: string | null;
  body: string;
  /** Stable per notification: the e-mail Message-ID and the providers' idempotency key, same on every retry. */
  key: string;
}

export interface SendResult {
  ok: boolean;
  error: string | null;
  /** Will never succeed as it is (rejected address, bad request): dead-letter now instead of retrying. */
  permanent: boolean;
  providerId: string | null;
  durationMs: number;
  /** Cut short by shutdown: not an attempt. */
  interrupted: boolean;
}

export type Sender = (m: Outgoing, shutdown: AbortSignal) => Promise<Omit<SendResult, 'durationMs'>>;

export const fail = (error: string, permanent = false) => ({ ok: false, error: error.slice(0, 1000), permanent, providerId: null, interrupted: false });

/**
 * The channels over the configured providers; a channel without configuration fails every attempt
 * (and is retried, so configuring it later still delivers). Social answers go through `social`
 * (social/send.ts: each account has its own platform and token).
 */
export class Channels {
  private mailer: Transporter | undefined;

  constructor(
    private readonly o: NotificationOptions,
    private readonly social: Sender = async () => fail('social media is not available here'),
  ) {}

  async send(m: Outgoing, shutdown: AbortSignal): Promise<SendResult> {
    const started = performance.now();
    const r = await (m.channel === 'email' ? this.email(m, shutdown) : m.channel === 'social' ? this.social(m, shutdown) : this.http(m, shutdown)).catch((err: unknown) => fail(describe(err)));
    return { ...r, durationMs: performance.now() - started, interrupted: !r.ok && shutdown.aborted };
  }

  close(): void {
    this.mailer?.close();
  }

  /**
   * nodemailer's timeouts are per phase (connect, greeting, each silence): a server that answers
   * every command just in time would hold the attempt for minutes, and a stalled one would hold
   * shutdown. The attempt as a whole gets `timeoutMs`, and shutdown interrupts it (not an attempt:
   * the lease is released and it is sent again after the restart, with the same Message-ID).
   */
  private async email(m: Outgoing, shutdown: AbortSignal): Promise<Omit<SendResult, 'durationMs'>> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    // The end of the attempt also goes to nodemailer as a signal: the pool then drops the message
    // (or closes the connection sending it) instead of sending it later behind our back.
    const ended = new AbortController();
    const cut = new Promise<Omit<SendResult, 'durationMs'>>((resolve) => {
      timer = setTimeout(() => (ended.abort(), resolve(fail(`timed out after ${this.o.timeoutMs} ms`))), this.o.timeoutMs);
      onAbort = () => (ended.abort(), resolve(fail('interrupted by shutdown')));
      if (shutdown.aborted) onAbort();
      else shutdown.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.smtp(m, ended.signal), cut]);
    } finally {
      clearTimeout(timer);
      shutdown.removeEventListener('abort', onAbort!);
    }
  }

  private async smtp(m: Outgoing, signal: AbortSignal): Promise<Omit<SendResult, 'durationMs'>> {
    if (!this.o.smtpUrl) return fail('e-mail is not configured (WORKLANE_SMTP_URL)');
    // Pooled: a connection (and its greeting, EHLO, TLS, login) serves many messages, instead of
    // one per message; as many connections as messages may be in flight, so none waits in the pool.
    // A connection idle for `timeoutMs` closes (socketTimeout), before a relay's own idle limit.
    this.mailer ??= nodemailer.createTransport({
      url: this.o.smtpUrl,
      pool: true,
      maxConnections: this.o.concurrency,
      connectionTimeout: this.o.timeoutMs,
      greetingTimeout: this.o.timeoutMs,
      socketTimeout: this.o.timeoutMs,
    });
    try {
      const info = await this.mailer.sendMail({
        from: this.o.mailFrom,
        to: m.to,
        subject: m.subject ?? '',
        text: m.body,
        messageId: `<${m.key}@worklane>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
        signal,
      });
      if (info.rejected?.length) return fail(`rejected by the mail server: ${info.response}`, true);
      return { ok: true, error: null, permanent: false, providerId: info.messageId, interrupted: false };
    } catch (err) {
      // SMTP 5xx: the server refuses for good (unknown mailbox, policy); 4xx and network errors are worth a retry.
      const code = (err as { responseCode?: number }).responseCode;
      return fail(describe(err), code !== undefined && code >= 500 && code < 600);
    }
  }

  private async http(m: Outgoing, shutdown: AbortSignal): Promise<Omit<SendResult, 'durationMs'>> {
    const [url, token, name] = m.channel === 'sms' ? [this.o.smsUrl, this.o.smsToken, 'SMS'] : [this.o.pushUrl, this.o.pushToken, 'Push'];
    if (!url) return fail(`${name} is not configured (WORKLANE_${name.toUpperCase()}_URL)`);
    const payload = m.channel === 'sms' ? { to: m.to, text: m.body } : { to: m.to, title: m.subject ?? '', body: m.body };
    return postJson(url, { 'idempotency-key': m.key, ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload, this.o.timeoutMs, shutdown);
  }
}

/**
 * One POST of JSON to a provider, cut at `timeoutMs` or by shutdown: 2xx is sent (with the
 * provider's id of it); 4xx but timeouts and rate limits is refused for good; the rest is retried.
 */
export async function postJson(url: string, headers: Record<string, string>, payload: unknown, timeoutMs: number, shutdown: AbortSignal): Promise<Omit<SendResult, 'durationMs'>> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Worklane-Notifications/1', ...headers },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal: AbortSignal.any([timeout, shutdown]),
    });
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) return { ok: true, error: null, permanent: false, providerId: providerId(text), interrupted: false };
    // 4xx but timeouts and rate limits: the provider refuses this message as it is.
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    return fail(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, permanent);
  } catch (err) {
    if (timeout.aborted) return fail(`timed out after ${timeoutMs} ms`);
    return fail(describe(err));
  }
}

/** The provider's id of what it took: `id` (SMS, push, Facebook comments), `message_id` (Messenger), `data.id` / `data.dm_event_id` (Twitter). */
function providerId(text: string): string | null {
  try {
    const o = JSON.parse(text) as { id?: unknown; message_id?: unknown; data?: { id?: unknown; dm_event_id?: unknown } };
    const id = o.id ?? o.message_id ?? o.data?.id ?? o.data?.dm_event_id;
    return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 200) : null;
  } catch {
    return null;
  }
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message}: ${cause}` : (e.message ?? String(err));
}
