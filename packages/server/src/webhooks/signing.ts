import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Standard Webhooks (https://www.standardwebhooks.com): symmetric HMAC-SHA256 signatures.
const PREFIX = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 24 random bytes. */
export function newSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** `v1,<base64 HMAC-SHA256(key, "${id}.${timestamp}.${body}")>`, the value of the `webhook-signature` header. */
export function sign(secret: string, msgId: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', keyOf(secret)).update(`${msgId}.${timestamp}.${body}`).digest('base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(secret: string, msgId: string, body: string, now = Date.now()): SignedHeaders {
  const timestamp = Math.floor(now / 1000);
  return { 'webhook-id': msgId, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, msgId, timestamp, body) };
}

/**
 * What a receiver does: recompute the signature and compare in constant time against each
 * space-separated `v1,` entry; refuse timestamps further than `toleranceS` from now (replays).
 */
export function verify(secret: string, headers: Partial<Record<keyof SignedHeaders, string>>, body: string, now = Date.now(), toleranceS = 300): boolean {
  const id = headers['webhook-id'];
  const ts = Number(headers['webhook-timestamp']);
  const sigs = headers['webhook-signature'];
  if (!id || !sigs || !Number.isInteger(ts) || Math.abs(now / 1000 - ts) > toleranceS) return false;
  const expected = Buffer.from(sign(secret, id, ts, body));
  return sigs.split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
