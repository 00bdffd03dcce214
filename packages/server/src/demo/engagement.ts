import { randomBytes } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { seededRandom, type JourneyStep } from '@worklane/core';
import { json, type DB, type EngagementOffersTable, type WebSessionsTable } from '../db/schema.js';
import { newId } from '../db/ids.js';

// The demo shop's past visits (two weeks, seeded: the same every time), so predictive engagement
// has learned something on a first `npm start`: through the basket most visitors buy; those who
// look up delivery costs mostly leave at checkout; returning visitors buy more. Also the offers
// its action maps made, so the funnel has figures.

const DAY = 86_400_000;
/** Keys as the script's visitors get them (random: they are not part of the figures). */
const key = () => randomBytes(16).toString('base64url');

export async function seedDemoJourneys(db: Kysely<DB>, now = Date.now(), days = 14, perDay = 30): Promise<number> {
  const maps = new Set((await db.selectFrom('action_maps').select('id').execute()).map((m) => m.id));
  if (!maps.has('checkout-help')) return 0;
  const random = seededRandom(20261207);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const visitors: { id: string; first_seen: Date; last_seen: Date; visits: number }[] = [];
  const sessions: Insertable<WebSessionsTable>[] = [];
  const offers: Insertable<EngagementOffersTable>[] = [];
  const today = Math.floor(now / DAY) * DAY;
  for (let d = days; d >= 1; d--) {
    for (let n = 0; n < perDay; n++) {
      const start = today - d * DAY + (7 + random() * 14) * 3_600_000;
      const returning = visitors.length > 10 && random() < 0.3;
      const v = returning ? pick(visitors) : { id: key(), first_seen: new Date(start), last_seen: new Date(start), visits: 0 };
      if (!returning) visitors.push(v);
      v.visits++;
      v.last_seen = new Date(start);
      const device = random() < 0.4 ? 'mobile' : 'desktop';
      const steps: JourneyStep[] = [];
      let at = start;
      const page = (path: string) => steps.push({ kind: 'page', path, at: (at += 5_000 + random() * 60_000) });
      page('/shop/index.html');
      const path = random();
      let bought = false;
      if (path < 0.45) {
        steps.push({ kind: 'event', name: 'basket', at: (at += 3_000) });
        page('/shop/basket.html');
        const doubts = random() < 0.4;
        if (doubts) page('/shop/shipping.html');
        page('/shop/checkout.html');
        bought = random() < (doubts ? 0.15 : 0.75) + (v.visits > 1 ? 0.1 : 0);
        if (bought) page('/shop/thanks.html');
      } else if (path < 0.6) {
        steps.push({ kind: 'search', query: pick(['return shoes', 'refund', 'how to return']), at: (at += 4_000) });
        page('/shop/returns.html');
      }
      const id = key();
      const segments = [
        ...(device === 'mobile' ? ['mobile'] : []),
        ...(v.visits > 1 ? ['returning'] : []),
        ...(steps.some((x) => x.kind === 'event') ? ['shoppers'] : []),
        ...(steps.some((x) => x.kind === 'page' && x.path === '/shop/shipping.html') ? ['delivery-doubts'] : []),
        ...(steps.some((x) => x.kind === 'search') ? ['returns'] : []),
      ];
      sessions.push({
        id, visitor_id: v.id, visit: v.visits, started_at: new Date(start), last_at: new Date(at), device, referrer: random() < 0.3 ? 'www.google.com' : null, campaign: random() < 0.15 ? 'spring' : null,
        steps: json(steps), segments: json(segments), reached: json(bought ? ['purchase'] : []), scores: json({}), offered: json([]),
      });
      const offer = (map: string, kind: string, accept: number) => {
        const state = random() < accept ? 'accepted' : random() < 0.6 ? 'declined' : 'offered';
        offers.push({ id: newId(), session_id: id, action_map: map, kind, state, reasons: json([]), held_why: null, created_at: new Date(at - 2_000), answered_at: state === 'offered' ? null : new Date(at) });
      };
      if (segments.includes('delivery-doubts') && random() < 0.8) offer('checkout-help', 'chat', 0.35);
      if (segments.includes('returns')) offer('returns-help', 'content', 0.6);
    }
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < visitors.length; i += 500) await trx.insertInto('web_visitors').values(visitors.slice(i, i + 500)).execute();
    for (let i = 0; i < sessions.length; i += 500) await trx.insertInto('web_sessions').values(sessions.slice(i, i + 500)).execute();
    for (let i = 0; i < offers.length; i += 500) await trx.insertInto('engagement_offers').values(offers.slice(i, i + 500)).execute();
  });
  return sessions.length;
}
