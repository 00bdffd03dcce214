import { sql, type Selectable } from 'kysely';
import { engage, outcomesReached, scoreOutcome, segmentsOf, type JourneyStep } from '@worklane/core';
import type { Services } from '../services.js';
import type { WebSessionsTable } from '../db/schema.js';
import { json } from '../db/schema.js';
import { newId } from '../db/ids.js';
import { newToken } from '../auth/crypto.js';
import { topicNow } from '../chat/service.js';
import { journeyOf, VISIT_IDLE_MS } from './models.js';
import { offerDto, type OfferDto } from './dto.js';
import { conflict, notFound } from '../http/problems.js';

/** What the website's script sends: what the visitor did since the last post (none: still here). */
export interface TrackInput {
  visitor?: string;
  session?: string;
  /** The page's address when the visit starts (its utm_campaign). */
  url?: string;
  /** The referring page, sent when the visit starts. */
  referrer?: string;
  events: TrackEvent[];
}
export interface TrackEvent {
  kind: 'page' | 'search' | 'event' | 'identify';
  path?: string;
  title?: string;
  query?: string;
  name?: string;
  value?: number;
  email?: string;
}

export interface TrackAnswer {
  visitor: string;
  session: string;
  offer: OfferDto | null;
}

/** Steps kept per visit (the newest): enough for any trigger, bounded for a script gone wrong. */
const MAX_STEPS = 200;
/** An offer not answered within this is taken as ignored, and others may follow. */
const OFFER_SHOWN_MS = 120_000;

type SessionRow = Selectable<WebSessionsTable>;

const hostOf = (url: string | undefined): string | null => {
  try {
    return url ? new URL(url).hostname.toLowerCase() || null : null;
  } catch {
    return null;
  }
};
const campaignOf = (url: string | undefined): string | null => {
  try {
    return url ? new URL(url).searchParams.get('utm_campaign')?.slice(0, 100) || null : null;
  } catch {
    return null;
  }
};
/** "/shop/checkout" from a path or an address, without the query (it may hold personal data). */
const pathOf = (p: string): string => {
  try {
    return new URL(p, 'http://x').pathname.slice(0, 300);
  } catch {
    return '/';
  }
};

function stepsOf(events: readonly TrackEvent[], at: number): JourneyStep[] {
  return events.flatMap((e): JourneyStep[] => {
    if (e.kind === 'page' && e.path) return [{ kind: 'page', at, path: pathOf(e.path), ...(e.title ? { title: e.title.slice(0, 200) } : {}) }];
    if (e.kind === 'search' && e.query?.trim()) return [{ kind: 'search', at, query: e.query.trim().slice(0, 200) }];
    if (e.kind === 'event' && e.name) return [{ kind: 'event', at, name: e.name, ...(e.value !== undefined ? { value: e.value } : {}) }];
    return [];
  });
}

/**
 * One post of the website's script: the visitor and their visit (new ones when unknown or over),
 * the steps appended, the segments, outcomes and scores worked out again, and, when an action map
 * fires, the offer to show, all committed before the answer (the row locked: two tabs posting at
 * once never lose a step or get one offer twice).
 */
export async function track(s: Services, input: TrackInput, device: string, now = Date.now()): Promise<TrackAnswer> {
  const { segments, outcomes, actionMaps } = s.config.snapshot.engagement;
  const steps = stepsOf(input.events, now);
  const identify = input.events.find((e) => e.kind === 'identify' && (e.name || e.email));
  // Topics are looked at before the transaction (the wait is a query of its own).
  const topics = new Map<string, { open: boolean; waitSeconds: number | null }>();
  for (const m of actionMaps) if (m.action.kind === 'chat' && !topics.has(m.action.topic)) topics.set(m.action.topic, await topicNow(s, m.action.topic, now));

  return s.db.transaction().execute(async (trx) => {
    let visitor = input.visitor ? await trx.selectFrom('web_visitors').selectAll().where('id', '=', input.visitor).forUpdate().executeTakeFirst() : undefined;
    let session: SessionRow | undefined =
      visitor && input.session ? await trx.selectFrom('web_sessions').selectAll().where('id', '=', input.session).where('visitor_id', '=', visitor.id).forUpdate().executeTakeFirst() : undefined;
    if (session && new Date(session.last_at).getTime() < now - VISIT_IDLE_MS) session = undefined; // that visit is over
    if (!visitor) visitor = await trx.insertInto('web_visitors').values({ id: newToken(16), first_seen: new Date(now), last_seen: new Date(now) }).returningAll().executeTakeFirstOrThrow();
    else if (!session) visitor = await trx.updateTable('web_visitors').set({ visits: sql`visits + 1`, last_seen: new Date(now) }).where('id', '=', visitor.id).returningAll().executeTakeFirstOrThrow();
    if (identify) {
      await trx.updateTable('web_visitors').set({ ...(identify.name ? { name: identify.name.slice(0, 200) } : {}), ...(identify.email ? { email: identify.email.toLowerCase() } : {}), last_seen: new Date(now) }).where('id', '=', visitor.id).execute();
    }
    if (!session) {
      session = await trx
        .insertInto('web_sessions')
        .values({ id: newToken(16), visitor_id: visitor.id, visit: visitor.visits, started_at: new Date(now), last_at: new Date(now), device, referrer: hostOf(input.referrer), campaign: campaignOf(input.url), steps: json([]), segments: json([]), reached: json([]), scores: json({}), offered: json([]) })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const all = [...session.steps, ...steps].slice(-MAX_STEPS);
    const journey = journeyOf({ ...session, identified: session.identified || !!identify || visitor.email !== null, steps: all });
    const inSegments = segmentsOf(segments, journey);
    const reached = outcomesReached(outcomes, journey);
    const scores: Record<string, number> = {};
    for (const o of outcomes) {
      const model = s.engagementModels.models.get(o.id);
      const sc = model && !reached.includes(o.id) ? scoreOutcome(model, journey, segments) : null;
      if (sc) scores[o.id] = sc.percent;
    }
    const offeredIds = session.offered;
    const openOffer = session.open_offer
      ? await trx.selectFrom('engagement_offers').select(['created_at', 'state']).where('id', '=', session.open_offer).executeTakeFirst()
      : undefined;
    const offerShown = openOffer?.state === 'offered' && new Date(openOffer.created_at).getTime() > now - OFFER_SHOWN_MS;
    const chatting = session.chat_id ? (await trx.selectFrom('chats').select('ended_at').where('id', '=', session.chat_id).executeTakeFirst())?.ended_at === null : false;
    const decision = engage(actionMaps, {
      journey,
      segments: inSegments,
      scores,
      outcomesReached: reached,
      now,
      offered: new Set(offeredIds.filter((x) => !x.startsWith('held:'))),
      declinedAt: session.declined_at ? new Date(session.declined_at).getTime() : null,
      busy: offerShown || chatting,
      chatTopic: (t) => topics.get(t) ?? { open: false, waitSeconds: null },
    });
    let offer: OfferDto | null = null;
    let offered = offeredIds;
    let open = offerShown ? session.open_offer : null;
    if (decision && (decision.kind === 'offer' || !offeredIds.includes(`held:${decision.map.id}`))) {
      const id = newId();
      const held = decision.kind === 'held';
      await trx
        .insertInto('engagement_offers')
        .values({ id, session_id: session.id, action_map: decision.map.id, kind: decision.map.action.kind, state: held ? 'held' : 'offered', reasons: json(decision.reasons), held_why: held ? decision.why : null, created_at: new Date(now) })
        .execute();
      offered = [...offeredIds, held ? `held:${decision.map.id}` : decision.map.id];
      if (!held) {
        open = id;
        offer = offerDto(id, decision.map, (t) => s.config.snapshot.worktypes.get(t)?.name ?? t);
      }
    }
    await trx
      .updateTable('web_sessions')
      .set({ last_at: new Date(now), steps: json(all), identified: journey.identified, segments: json(inSegments), reached: json(reached), scores: json(scores), offered: json(offered), open_offer: open })
      .where('id', '=', session.id)
      .execute();
    return { visitor: visitor.id, session: session.id, offer };
  });
}

/** The visitor answers an offer shown to them (once): a chat accepted opens the chat page on its topic. */
export async function answerOffer(s: Services, id: string, sessionId: string, answer: 'accepted' | 'declined', now = Date.now()): Promise<{ state: string; chatUrl: string | null }> {
  return s.db.transaction().execute(async (trx) => {
    const o = await trx.selectFrom('engagement_offers').selectAll().where('id', '=', id).where('session_id', '=', sessionId).forUpdate().executeTakeFirst();
    if (!o || o.state === 'held') throw notFound(`Offer ${id}`);
    if (o.state !== 'offered') throw conflict(`This offer was ${o.state} already`, { state: o.state });
    await trx.updateTable('engagement_offers').set({ state: answer, answered_at: new Date(now) }).where('id', '=', id).execute();
    await trx
      .updateTable('web_sessions')
      .set({ open_offer: null, ...(answer === 'declined' ? { declined_at: new Date(now) } : {}) })
      .where('id', '=', sessionId)
      .where('open_offer', '=', id)
      .execute();
    const map = s.config.snapshot.engagement.actionMaps.find((m) => m.id === o.action_map);
    const chatUrl = answer === 'accepted' && map?.action.kind === 'chat' ? `/chat?topic=${encodeURIComponent(map.action.topic)}&session=${encodeURIComponent(sessionId)}&offer=${encodeURIComponent(id)}` : null;
    return { state: answer, chatUrl };
  });
}
