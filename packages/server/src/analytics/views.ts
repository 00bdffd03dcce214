import { sql, type Kysely, type Selectable } from 'kysely';
import { trendOf, type TextCategory } from '@worklane/core';
import type { ConversationAnalysesTable, DB } from '../db/schema.js';

type Row = Selectable<ConversationAnalysesTable>;

/** Sentiment below this is a conversation that went badly for the customer. */
export const NEGATIVE_BELOW = -30;
/** Conversations read per summary at most (a month of a large centre; the answer says if cut). */
const MAX_ROWS = 50_000;

export interface Period {
  from: Date;
  to: Date;
  queue?: string;
}

const rowsOf = (db: Kysely<DB>, p: Period, columns: readonly (keyof Row)[]) => {
  let q = db.selectFrom('conversation_analyses').select(columns as (keyof Row)[]).where('completed_at', '>=', p.from).where('completed_at', '<', p.to);
  if (p.queue) q = q.where('queue_id', '=', p.queue);
  return q.limit(MAX_ROWS).execute();
};

const avg = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

/**
 * The period's conversations: each topic's count and share against the period before (rising
 * ones flagged), each compliance rule's checks and failures (per agent), and the customers'
 * sentiment (average, negative, improved or worsened; per agent and queue).
 */
export async function analyticsSummary(db: Kysely<DB>, categories: readonly TextCategory[], p: Period) {
  const span = p.to.getTime() - p.from.getTime();
  const [rows, before] = await Promise.all([
    rowsOf(db, p, ['topics', 'compliance', 'agent_id', 'queue_id', 'sentiment', 'trend']),
    rowsOf(db, { ...p, from: new Date(p.from.getTime() - span), to: p.from }, ['topics']),
  ]);
  const users = new Map((await db.selectFrom('users').select(['id', 'name']).execute()).map((u) => [u.id, u.name]));
  const count = (rs: readonly Pick<Row, 'topics'>[], id: string) => rs.filter((r) => r.topics.some((h) => h.category === id)).length;
  const topics = categories
    .filter((c) => c.kind === 'topic')
    .map((c) => ({ id: c.id, name: c.name, ...trendOf({ count: count(rows, c.id), total: rows.length }, { count: count(before, c.id), total: before.length }) }))
    .sort((a, b) => b.count - a.count);
  const compliance = categories
    .filter((c) => c.kind !== 'topic')
    .map((c) => {
      const byAgent = new Map<string, { checked: number; failed: number }>();
      let checked = 0;
      let failed = 0;
      for (const r of rows) {
        const res = r.compliance.find((x) => x.category === c.id);
        if (!res) continue;
        checked++;
        if (!res.passed) failed++;
        const a = byAgent.get(r.agent_id ?? '') ?? { checked: 0, failed: 0 };
        byAgent.set(r.agent_id ?? '', { checked: a.checked + 1, failed: a.failed + (res.passed ? 0 : 1) });
      }
      return {
        id: c.id, name: c.name, kind: c.kind, checked, failed, failedPercent: checked ? Math.round((failed / checked) * 1000) / 10 : null,
        agents: [...byAgent].filter(([id]) => id).map(([id, v]) => ({ agent: { id, name: users.get(id) ?? id }, ...v })).sort((a, b) => b.failed - a.failed),
      };
    });
  const group = (key: (r: (typeof rows)[number]) => string | null, name: (k: string) => string) => {
    const m = new Map<string, number[]>();
    for (const r of rows) {
      const k = key(r);
      if (k && r.sentiment !== null) m.set(k, [...(m.get(k) ?? []), r.sentiment]);
    }
    return [...m].map(([id, xs]) => ({ id, name: name(id), conversations: xs.length, average: avg(xs)!, negative: xs.filter((x) => x < NEGATIVE_BELOW).length })).sort((a, b) => a.average - b.average);
  };
  const felt = rows.filter((r) => r.sentiment !== null);
  return {
    from: p.from.toISOString(),
    to: p.to.toISOString(),
    conversations: rows.length,
    complete: rows.length < MAX_ROWS,
    topics,
    compliance,
    sentiment: {
      conversations: felt.length,
      average: avg(felt.map((r) => r.sentiment!)),
      negative: felt.filter((r) => r.sentiment! < NEGATIVE_BELOW).length,
      improved: rows.filter((r) => r.trend === 'improved').length,
      worsened: rows.filter((r) => r.trend === 'worsened').length,
      agents: group((r) => r.agent_id, (id) => users.get(id) ?? id),
      queues: group((r) => r.queue_id, (id) => id),
    },
  };
}

export interface ConversationFilter extends Period {
  topic?: string;
  failed?: string;
  sentiment?: 'negative' | 'positive';
  agent?: string;
  limit: number;
}

/** Analyzed conversations matching the filter, newest first, with their task's title and agent. */
export async function findConversations(db: Kysely<DB>, f: ConversationFilter, names: (id: string) => string) {
  let q = db
    .selectFrom('conversation_analyses as a')
    .innerJoin('tasks as t', 't.id', 'a.task_id')
    .leftJoin('users as u', 'u.id', 'a.agent_id')
    .selectAll('a')
    .select(['t.title', 'u.name as agent_name'])
    .where('a.completed_at', '>=', f.from)
    .where('a.completed_at', '<', f.to);
  if (f.queue) q = q.where('a.queue_id', '=', f.queue);
  if (f.agent) q = q.where('a.agent_id', '=', f.agent);
  if (f.topic) q = q.where(sql<boolean>`a.topics @> ${JSON.stringify([{ category: f.topic }])}::jsonb`);
  if (f.failed) q = q.where(f.failed === 'any' ? sql<boolean>`jsonb_array_length(a.failed) > 0` : sql<boolean>`a.failed ? ${f.failed}`);
  if (f.sentiment === 'negative') q = q.where('a.sentiment', '<', NEGATIVE_BELOW);
  if (f.sentiment === 'positive') q = q.where('a.sentiment', '>', -NEGATIVE_BELOW);
  const rows = await q.orderBy('a.completed_at', 'desc').limit(f.limit).execute();
  return rows.map((r) => analysisDto(r, names, { title: r.title, agentName: r.agent_name }));
}


export const analysisDto = (r: Row, names: (id: string) => string, more: { title?: string; agentName?: string | null } = {}) => ({
  taskId: r.task_id,
  ...(more.title !== undefined ? { title: more.title } : {}),
  completedAt: new Date(r.completed_at).toISOString(),
  mediaType: r.media_type,
  queue: r.queue_id,
  agent: r.agent_id ? { id: r.agent_id, name: more.agentName ?? r.agent_id } : null,
  topics: r.topics.map((h) => ({ ...h, name: names(h.category) })),
  compliance: r.compliance.map((c) => ({ ...c, name: names(c.category) })),
  failed: r.failed,
  sentiment: r.sentiment === null ? null : { overall: r.sentiment, start: r.sentiment_start, end: r.sentiment_end, trend: r.trend },
  lines: r.lines,
  analyzedAt: new Date(r.analyzed_at).toISOString(),
});
