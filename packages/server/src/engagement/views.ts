import { sql, type Selectable } from 'kysely';
import { currentPage, scoreOutcome, type JourneyStep } from '@worklane/core';
import type { Services } from '../services.js';
import type { WebSessionsTable } from '../db/schema.js';
import { notFound } from '../http/problems.js';
import { journeyOf } from './models.js';
import { offerRow } from './dto.js';
import { nameIn } from '../config/names.js';

type SessionRow = Selectable<WebSessionsTable>;


/** Visits going on now (active in the last `minutes`), newest first: the "live now" view. */
export async function liveVisits(s: Services, minutes: number, now = Date.now()) {
  const rows = await s.db
    .selectFrom('web_sessions as w')
    .innerJoin('web_visitors as v', 'v.id', 'w.visitor_id')
    .selectAll('w')
    .select(['v.name as visitor_name', 'v.email as visitor_email'])
    .where('w.last_at', '>', new Date(now - minutes * 60_000))
    .orderBy('w.last_at', 'desc')
    .limit(200)
    .execute();
  const offers = rows.length
    ? await s.db.selectFrom('engagement_offers').selectAll().where('session_id', 'in', rows.map((r) => r.id)).orderBy('created_at', 'desc').execute()
    : [];
  const { segments, outcomes, actionMaps } = s.config.snapshot.engagement;
  const [segmentName, outcomeName, mapName] = [nameIn(segments), nameIn(outcomes), nameIn(actionMaps)];
  return rows.map((r) => {
    const page = currentPage({ steps: r.steps });
    const last = offers.find((o) => o.session_id === r.id);
    return {
      id: r.id,
      visitor: { id: r.visitor_id, name: r.visitor_name, email: r.visitor_email },
      visit: r.visit,
      device: r.device,
      referrer: r.referrer,
      campaign: r.campaign,
      page: page?.path ?? null,
      pageSince: page ? new Date(page.since).toISOString() : null,
      pages: r.steps.filter((x) => x.kind === 'page').length,
      startedAt: new Date(r.started_at).toISOString(),
      lastAt: new Date(r.last_at).toISOString(),
      segments: r.segments.map((id) => ({ id, name: segmentName(id) })),
      reached: r.reached.map((id) => ({ id, name: outcomeName(id) })),
      scores: Object.entries(r.scores).map(([id, percent]) => ({ outcome: { id, name: outcomeName(id) }, percent })),
      lastOffer: last ? offerRow(last, mapName(last.action_map)) : null,
      chatId: r.chat_id,
    };
  });
}

/** One visit in full: its steps, segments, outcomes, scores with what moved them, the offers made. */
export async function visitDetail(s: Services, session: SessionRow) {
  const v = await s.db.selectFrom('web_visitors').selectAll().where('id', '=', session.visitor_id).executeTakeFirstOrThrow();
  const offers = await s.db.selectFrom('engagement_offers').selectAll().where('session_id', '=', session.id).orderBy('created_at').execute();
  const { segments, outcomes, actionMaps } = s.config.snapshot.engagement;
  const journey = journeyOf(session);
  const mapName = nameIn(actionMaps);
  const scores = outcomes.flatMap((o) => {
    if (session.reached.includes(o.id)) return [];
    const model = s.engagementModels.models.get(o.id);
    const sc = model ? scoreOutcome(model, journey, segments) : null;
    return sc ? [{ outcome: { id: o.id, name: o.name }, percent: sc.percent, because: sc.because }] : [];
  });
  return {
    id: session.id,
    visitor: { id: v.id, name: v.name, email: v.email, visits: v.visits, firstSeen: new Date(v.first_seen).toISOString() },
    visit: session.visit,
    device: session.device,
    referrer: session.referrer,
    campaign: session.campaign,
    startedAt: new Date(session.started_at).toISOString(),
    lastAt: new Date(session.last_at).toISOString(),
    steps: session.steps.map((x: JourneyStep) => ({ ...x, at: new Date(x.at).toISOString() })),
    segments: session.segments.map((id) => ({ id, name: nameIn(segments)(id) })),
    reached: session.reached.map((id) => ({ id, name: nameIn(outcomes)(id) })),
    scores,
    offers: offers.map((o) => offerRow(o, mapName(o.action_map))),
    chatId: session.chat_id,
  };
}

export async function sessionById(s: Services, id: string): Promise<SessionRow> {
  const r = await s.db.selectFrom('web_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound(`Visit ${id}`);
  return r;
}

/**
 * The period's figures: visits and visitors; each action map's funnel (qualified ⊇ offered ⊇
 * accepted ⊇ engaged: a chat started from the offer that someone, agent or bot, answered); each
 * segment's visits and how many reached each outcome; web chats by origin (proactive: from an
 * offer; bot: a bot topic's; native: the rest), in all and per agent, and how many of its chats each
 * bot handed over (the rest it settled: containment).
 */
export async function engagementSummary(s: Services, from: Date, to: Date) {
  const { segments, outcomes, actionMaps } = s.config.snapshot.engagement;
  const inPeriod = s.db.selectFrom('web_sessions').where('started_at', '>=', from).where('started_at', '<', to);
  const totals = await inPeriod.select([sql<number>`count(*)::int`.as('visits'), sql<number>`count(distinct visitor_id)::int`.as('visitors')]).executeTakeFirstOrThrow();
  const funnel = await s.db
    .selectFrom('engagement_offers as o')
    .leftJoin('chats as c', 'c.offer_id', 'o.id')
    .select([
      'o.action_map',
      sql<number>`count(distinct o.id)::int`.as('qualified'),
      sql<number>`count(distinct o.id) filter (where o.state <> 'held')::int`.as('offered'),
      sql<number>`count(distinct o.id) filter (where o.state = 'held')::int`.as('held'),
      sql<number>`count(distinct o.id) filter (where o.state = 'accepted')::int`.as('accepted'),
      sql<number>`count(distinct o.id) filter (where o.state = 'declined')::int`.as('declined'),
      sql<number>`count(distinct o.id) filter (where exists (select 1 from chat_messages m where m.chat_id = c.id and m.sender in ('agent', 'bot')))::int`.as('engaged'),
    ])
    .where('o.created_at', '>=', from)
    .where('o.created_at', '<', to)
    .groupBy('o.action_map')
    .execute();
  // Per segment and outcome: visits of the segment that reached it (two small aggregates).
  const segVisits = await sql<{ seg: string; visits: number }>`
    select seg, count(*)::int as visits from web_sessions, jsonb_array_elements_text(segments) as seg
    where started_at >= ${from} and started_at < ${to} group by seg`.execute(s.db);
  const segReached = await sql<{ seg: string; outcome: string; n: number }>`
    select seg, outcome, count(*)::int as n from web_sessions, jsonb_array_elements_text(segments) as seg, jsonb_array_elements_text(reached) as outcome
    where started_at >= ${from} and started_at < ${to} group by seg, outcome`.execute(s.db);
  const reached = await sql<{ outcome: string; n: number }>`
    select outcome, count(*)::int as n from web_sessions, jsonb_array_elements_text(reached) as outcome
    where started_at >= ${from} and started_at < ${to} group by outcome`.execute(s.db);
  const chats = await s.db
    .selectFrom('chats as c')
    .leftJoin('tasks as t', (j) => j.on('t.source', '=', 'chat').onRef('t.external_id', '=', 'c.id'))
    .leftJoin('users as u', 'u.id', 't.assignee_id')
    .select(['c.worktype', sql<boolean>`c.offer_id is not null`.as('proactive'), sql<boolean>`c.handed_over_at is not null`.as('handed'), 't.assignee_id', 'u.name as agent_name', sql<number>`count(*)::int`.as('n')])
    .where('c.channel', '=', 'web')
    .where('c.created_at', '>=', from)
    .where('c.created_at', '<', to)
    .groupBy(['c.worktype', sql`c.offer_id is not null`, sql`c.handed_over_at is not null`, 't.assignee_id', 'u.name'])
    .execute();
  const originOf = (c: { worktype: string; proactive: boolean }) => (c.proactive ? 'proactive' : s.config.snapshot.worktypes.get(c.worktype)?.chat?.bot ? 'bot' : 'native');
  const byOrigin = { native: 0, proactive: 0, bot: 0 };
  // A bot's chats it settled itself (containment) are those it never handed over.
  const bot = { chats: 0, handedOver: 0 };
  const agents = new Map<string, { agent: { id: string; name: string }; native: number; proactive: number; bot: number }>();
  for (const c of chats) {
    const o = originOf(c);
    byOrigin[o] += c.n;
    if (s.config.snapshot.worktypes.get(c.worktype)?.chat?.bot) {
      bot.chats += c.n;
      if (c.handed) bot.handedOver += c.n;
    }
    if (!c.assignee_id) continue;
    const a = agents.get(c.assignee_id) ?? { agent: { id: c.assignee_id, name: c.agent_name ?? c.assignee_id }, native: 0, proactive: 0, bot: 0 };
    a[o] += c.n;
    agents.set(c.assignee_id, a);
  }
  const visitsOf = new Map(segVisits.rows.map((r) => [r.seg, r.visits]));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    visits: totals.visits,
    visitors: totals.visitors,
    actionMaps: actionMaps.map((m) => {
      const f = funnel.find((x) => x.action_map === m.id);
      return { id: m.id, name: m.name, kind: m.action.kind, qualified: f?.qualified ?? 0, held: f?.held ?? 0, offered: f?.offered ?? 0, accepted: f?.accepted ?? 0, declined: f?.declined ?? 0, engaged: f?.engaged ?? 0 };
    }),
    segments: segments.map((g) => ({
      id: g.id,
      name: g.name,
      visits: visitsOf.get(g.id) ?? 0,
      reached: outcomes.map((o) => ({ outcome: o.id, visits: segReached.rows.find((r) => r.seg === g.id && r.outcome === o.id)?.n ?? 0 })),
    })),
    outcomes: outcomes.map((o) => ({ id: o.id, name: o.name, visits: reached.rows.find((r) => r.outcome === o.id)?.n ?? 0 })),
    chats: { ...byOrigin, botChats: bot.chats, botHandedOver: bot.handedOver, agents: [...agents.values()].sort((a, b) => a.agent.name.localeCompare(b.agent.name)) },
  };
}
