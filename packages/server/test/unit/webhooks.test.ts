import { describe, expect, it } from 'vitest';
import { newSecret, sign, signedHeaders, verify } from '../../src/webhooks/signing.js';
import { afterFailure, retryDelay, webhookOptionsFromEnv, DEFAULT_WEBHOOK_OPTIONS } from '../../src/webhooks/options.js';
import { webhookBody } from '../../src/webhooks/payload.js';
import { isWebhookEvent } from '../../src/webhooks/events.js';

// The reference vector of the Standard Webhooks libraries (libraries/go/webhook_test.go, TestWebhookSign).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('webhook signing (Standard Webhooks)', () => {
  it('matches the reference vector, with or without the whsec_ prefix', () => {
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(sign(VECTOR.secret.slice('whsec_'.length), VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('verifies its own headers and refuses tampering, another secret, a stale timestamp', () => {
    const now = VECTOR.timestamp * 1000;
    const h = signedHeaders(VECTOR.secret, VECTOR.id, VECTOR.body, now);
    expect(h).toEqual({ 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature });
    expect(verify(VECTOR.secret, h, VECTOR.body, now)).toBe(true);
    expect(verify(VECTOR.secret, h, '{"test": 2432232315}', now)).toBe(false);
    expect(verify(VECTOR.secret, { ...h, 'webhook-id': 'msg_other' }, VECTOR.body, now)).toBe(false);
    expect(verify(newSecret(), h, VECTOR.body, now)).toBe(false);
    expect(verify(VECTOR.secret, h, VECTOR.body, now + 301_000)).toBe(false);
    // Several signatures (secret rotation): one matching entry is enough.
    expect(verify(VECTOR.secret, { ...h, 'webhook-signature': `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${VECTOR.signature}` }, VECTOR.body, now)).toBe(true);
  });

  it('generates whsec_ secrets of 24 random bytes', () => {
    const a = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(24);
    expect(newSecret()).not.toBe(a);
  });
});

describe('webhook retry policy', () => {
  const o = { backoffMs: [100, 1000, 10_000], jitter: 0.2, maxAgeMs: 60_000 };

  it('backs off along the schedule with bounded jitter; the last step repeats', () => {
    expect(retryDelay(o, 1, () => 0.5)).toBe(100);
    expect(retryDelay(o, 2, () => 0)).toBe(800);
    expect(retryDelay(o, 3, () => 1)).toBe(12_000);
    expect(retryDelay(o, 9, () => 0.5)).toBe(10_000);
  });

  it('retries within the window, lands the last retry on its end, then dead-letters', () => {
    const start = new Date(0);
    expect(afterFailure(o, 0, start, new Date(1000), () => 0.5)).toEqual({ state: 'pending', nextAttemptAt: new Date(1100) });
    expect(afterFailure(o, 5, start, new Date(55_000), () => 0.5)).toEqual({ state: 'pending', nextAttemptAt: new Date(60_000) });
    expect(afterFailure(o, 6, start, new Date(60_000))).toEqual({ state: 'dead' });
  });

  it('reads its settings from the environment and refuses nonsense', () => {
    expect(webhookOptionsFromEnv({})).toEqual(DEFAULT_WEBHOOK_OPTIONS);
    const o2 = webhookOptionsFromEnv({ WORKLANE_WEBHOOK_TIMEOUT_MS: '250', WORKLANE_WEBHOOK_BACKOFF_MS: '10, 20,40', WORKLANE_WEBHOOK_MAX_AGE_MS: '3000' });
    expect(o2).toMatchObject({ timeoutMs: 250, backoffMs: [10, 20, 40], maxAgeMs: 3000 });
    expect(() => webhookOptionsFromEnv({ WORKLANE_WEBHOOK_TIMEOUT_MS: 'soon' })).toThrow(/WORKLANE_WEBHOOK_TIMEOUT_MS/);
    expect(() => webhookOptionsFromEnv({ WORKLANE_WEBHOOK_BACKOFF_MS: '10,x' })).toThrow(/WORKLANE_WEBHOOK_BACKOFF_MS/);
  });
});

describe('webhook payload and event names', () => {
  it('is { type, timestamp, data } with the event ids in data', () => {
    const body = webhookBody({ id: 7, type: 'task.completed', at: new Date('2026-01-02T03:04:05Z'), task_id: 't1', user_id: 'u1', data: { wrapUpCode: 'done' } });
    expect(JSON.parse(body)).toEqual({ type: 'task.completed', timestamp: '2026-01-02T03:04:05.000Z', data: { wrapUpCode: 'done', eventId: '7', taskId: 't1', userId: 'u1' } });
  });

  it('knows the contract events, the lifecycle extras and *, nothing else', () => {
    for (const e of ['task.created', 'sla.breached', 'case.closed', 'task.pulled-back', '*']) expect(isWebhookEvent(e)).toBe(true);
    for (const e of ['auth.login', 'webhook.created', 'task.*', 'TASK.CREATED']) expect(isWebhookEvent(e)).toBe(false);
  });
});
