import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { json, type DB } from '../db/schema.js';

/** How long a portal link from a notification works. */
export const PORTAL_LINK_TTL_MS = 7 * 24 * 3_600_000;
/** How long a portal session (the cookie a link is exchanged for) lasts. */
export const PORTAL_SESSION_TTL_MS = 12 * 3_600_000;

/** `link`: in a message, exchanged for a session; `session`: the portal cookie. One can never be used as the other. */
export type TokenPurpose = 'link' | 'session';

interface Payload {
  v: 1;
  p: TokenPurpose;
  /** customer id */
  c: string;
  /** issued / expires, epoch seconds */
  iat: number;
  exp: number;
}

export type Verified = { ok: true; customerId: string; expiresAt: number } | { ok: false; reason: 'invalid' | 'expired' };

const secrets = new WeakMap<Kysely<DB>, Promise<string>>();

/**
 * The server secret: `WORKLANE_SECRET`, else one generated on first use and kept in the `settings`
 * table (key 'secret'), so links stay valid across restarts and across processes sharing PostgreSQL
 * (two processes racing on the first use: the first insert wins, both read it back).
 */
export function serverSecret(db: Kysely<DB>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.WORKLANE_SECRET?.trim();
  if (fromEnv) return Promise.resolve(fromEnv);
  let found = secrets.get(db);
  if (!found) {
    found = (async () => {
      await db
        .insertInto('settings')
        .values({ key: 'secret', value: json(randomBytes(32).toString('base64url')) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await db.selectFrom('settings').select('value').where('key', '=', 'secret').executeTakeFirstOrThrow();
      if (typeof row.value !== 'string' || row.value.length < 16) throw new Error("settings 'secret' is not a usable secret");
      return row.value;
    })();
    found.catch(() => secrets.delete(db)); // a failed first read is tried again next time
    secrets.set(db, found);
  }
  return found;
}

/** The portal's own key, derived from the server secret (other uses of the secret get other keys). */
const keyOf = (secret: string) => createHmac('sha256', secret).update('worklane/portal/v1').digest();
const mac = (secret: string, body: string) => createHmac('sha256', keyOf(secret)).update(body).digest();

/** `base64url(payload).base64url(HMAC-SHA256)`: readable by anyone, alterable by no one. */
export function signToken(secret: string, purpose: TokenPurpose, customerId: string, ttlMs: number, now = Date.now()): string {
  const payload: Payload = { v: 1, p: purpose, c: customerId, iat: Math.floor(now / 1000), exp: Math.floor((now + ttlMs) / 1000) };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** Checks the signature (constant time) before reading anything, then the purpose and the expiry. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string, now = Date.now()): Verified {
  if (typeof token !== 'string' || token.length > 2000) return { ok: false, reason: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'invalid' };
  const [body, sig] = parts as [string, string];
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let p: Partial<Payload>;
  try {
    p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (p.v !== 1 || p.p !== purpose || typeof p.c !== 'string' || !p.c || typeof p.exp !== 'number') return { ok: false, reason: 'invalid' };
  if (p.exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, customerId: p.c, expiresAt: p.exp * 1000 };
}

/**
 * The customer's link to the portal: `/portal?token=<base64url(payload).hmac>`, valid `ttlMs`
 * (default 7 days). Relative: callers put their public address in front (notifications:
 * WORKLANE_PUBLIC_URL). Anyone holding the link sees that customer's cases until it expires.
 */
export async function portalLink(db: Kysely<DB>, customerId: string, ttlMs = PORTAL_LINK_TTL_MS, now = Date.now()): Promise<string> {
  const token = signToken(await serverSecret(db), 'link', customerId, ttlMs, now);
  return `/portal?token=${encodeURIComponent(token)}`;
}
