import { hash as digest, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (password: string): Promise<string> => hash(password);
export const verifyPassword = (stored: string, password: string): Promise<boolean> =>
  verify(stored, password).catch(() => false);

/**
 * High-entropy secrets (session tokens, API keys) are stored as SHA-256: fast to look up, useless if
 * leaked. Every authenticated request hashes its key: the one-shot `crypto.hash` takes 0.25 µs where
 * a `createHash` object took 0.7–0.9 (Node 20.19+).
 */
export const sha256 = (s: string): string => digest('sha256', s, 'hex');
export const newToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const newApiKey = (): string => `wl_${randomBytes(24).toString('base64url')}`;
/** Short prefix shown in lists so an admin can tell keys apart without the secret. */
export const apiKeyPrefix = (key: string): string => key.slice(0, 10);

/** Whether `token` is the one whose SHA-256 is `stored`, in constant time (a missing token or hash never is). */
export function tokenMatches(token: string | undefined, stored: string | undefined): boolean {
  if (!token || !stored) return false;
  const given = Buffer.from(sha256(token));
  const kept = Buffer.from(stored);
  return given.length === kept.length && timingSafeEqual(given, kept);
}
