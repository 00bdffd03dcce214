import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SocialPlatform } from '@worklane/core';

/**
 * The platforms sign each webhook with the app's secret over the raw body: Facebook in
 * `X-Hub-Signature-256: sha256=<hex>`, Twitter in `X-Twitter-Webhooks-Signature: sha256=<base64>`.
 */
export const SIGNATURE_HEADER: Record<SocialPlatform, string> = { facebook: 'x-hub-signature-256', twitter: 'x-twitter-webhooks-signature' };

export function signBody(platform: SocialPlatform, secret: string, body: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(body);
  return `sha256=${platform === 'facebook' ? mac.digest('hex') : mac.digest('base64')}`;
}

export function signatureMatches(platform: SocialPlatform, secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(platform, secret, body));
  const got = Buffer.from(header.trim());
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Twitter's challenge-response check (CRC): the token signed with the consumer secret. */
export const crcResponse = (secret: string, token: string) => ({ response_token: `sha256=${createHmac('sha256', secret).update(token).digest('base64')}` });
