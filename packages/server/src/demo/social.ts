import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * The demo's social media accounts (Admin → Social media): a Facebook page and a Twitter account
 * with known secrets, so a signed webhook can be posted by hand (README). Their answers go to the
 * platforms' public APIs with made-up tokens: without a real page they fail and are retried,
 * visible in the notifications log, as any provider's failure is.
 */
export const DEMO_SOCIAL = [
  { id: 'demo-facebook', name: 'Demo Shop on Facebook', platform: 'facebook' as const, external_id: '100200300', handle: null, app_secret: 'demo-facebook-app-secret', verify_token: 'demo-verify-token' },
  { id: 'demo-twitter', name: 'Demo Shop on Twitter', platform: 'twitter' as const, external_id: '4242', handle: 'worklanedemo', app_secret: 'demo-twitter-consumer-secret', verify_token: 'demo-verify-token' },
];

export async function seedDemoSocial(db: Kysely<DB>): Promise<void> {
  await db
    .insertInto('social_accounts')
    .values(DEMO_SOCIAL.map((a) => ({ ...a, public_worktype: 'social-posts', private_worktype: 'social-messages', keywords: ['order', 'refund', 'delivery', 'parcel', 'invoice', 'help'], access_token: 'demo-token-replace-me', api_url: null, updated_at: new Date() })))
    .execute();
}
