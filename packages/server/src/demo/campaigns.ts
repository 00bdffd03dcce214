import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * The demo's outbound campaign (Campaigns): a draft with eight customers to offer the gold card,
 * for Sam to start (each contact then is a call offered to Alice or Bob with the script). One
 * number is on the do-not-call list already, so it shows how a list is scrubbed.
 */
const CONTACTS: [string, string, string][] = [
  ['+32470100001', 'Emma Peeters', 'Silver card'],
  ['+32470100002', 'Lucas Janssens', 'Classic card'],
  ['+32470100003', 'Olivia Maes', 'Silver card'],
  ['+32470100004', 'Noah Jacobs', 'Classic card'],
  ['+32470100005', 'Louise Mertens', 'Silver card'],
  ['+32470100006', 'Arthur Willems', 'Classic card'],
  ['+32470100007', 'Mila Claes', 'Silver card'],
  ['+32470100008', 'Jules Goossens', 'Classic card'],
];

export async function seedDemoCampaigns(db: Kysely<DB>): Promise<void> {
  await db.insertInto('do_not_call').values({ phone: '+32470100009', reason: 'asked in a letter', added_by: 'system:demo' }).execute();
  await db
    .insertInto('campaigns')
    .values({
      id: 'demo-gold-card',
      name: 'Gold card upgrade',
      worktype: 'outbound-call',
      calendar: 'office',
      max_attempts: 3,
      retry_minutes: 120,
      script: 'Hello {{name}}, this is {{agent}} from Worklane Bank. You have had our {{product}} for a while: may I tell you what the Gold card would add for you?',
      updated_at: new Date(),
    })
    .execute();
  await db
    .insertInto('campaign_contacts')
    .values(CONTACTS.map(([phone, name, product], i) => ({ id: `demo-gold-card-${i + 1}`, campaign_id: 'demo-gold-card', phone, name, data: JSON.stringify({ product }) })))
    .execute();
}
