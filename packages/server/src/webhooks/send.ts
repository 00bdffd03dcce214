import { performance } from 'node:perf_hooks';
import { signedHeaders } from './signing.js';

export interface SendResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** Cut short by shutdown: not an attempt. */
  interrupted: boolean;
}

const USER_AGENT = 'Worklane-Webhooks/1';

/** One signed POST. 2xx = delivered; any other status, a redirect, a network error or the timeout = failure. */
export async function postSigned(
  url: string,
  secret: string,
  msgId: string,
  body: string,
  timeoutMs: number,
  shutdown: AbortSignal,
): Promise<SendResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signedHeaders(secret, msgId, body) },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([timeout, shutdown]),
    });
    // We only need the status; drop the body so the socket is freed.
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: performance.now() - started, interrupted: false };
  } catch (err) {
    const durationMs = performance.now() - started;
    if (shutdown.aborted) return { ok: false, status: null, error: 'interrupted by shutdown', durationMs, interrupted: true };
    const error = timeout.aborted ? `timed out after ${timeoutMs} ms` : describe(err);
    return { ok: false, status: null, error, durationMs, interrupted: false };
  }
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return (cause ? `${e.message}: ${cause}` : (e.message ?? String(err))).slice(0, 500);
}
