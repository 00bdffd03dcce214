import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { analyzeConversation, type MediaType, type TextCategory } from '@worklane/core';
import { json, type DB, type TaskRow } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import { appendEvents } from '../events/append.js';
import { TEXT_MEDIA, conversationsOf } from './conversation.js';
import { Every } from '../background/every.js';

export const ANALYZER_ACTOR = 'system:analytics';

interface Options {
  pollMs: number;
  settleMs: number;
  batch: number;
}

/**
 * Reads every finished conversation once (core `analyzeConversation`): completions past a
 * watermark, in batches, the analyses and the new watermark committed together with the row
 * locked, so a restart or a second process never reads one twice or skips one. A conversation
 * that broke a compliance rule gets a `conversation.flagged` event (the agent, the rules): an
 * evaluation plan may sample those. Events younger than `settleMs` wait for the next pass, as in
 * the report rollup.
 */
export class ConversationAnalyzer {
  private readonly options: Options;
  private readonly loop: Every;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    log: FastifyBaseLogger,
    options: Partial<Options> = {},
  ) {
    this.options = {
      pollMs: Number(process.env.WORKLANE_ANALYTICS_POLL_MS ?? 5_000),
      settleMs: Number(process.env.WORKLANE_ANALYTICS_SETTLE_MS ?? 5_000),
      batch: 500,
      ...options,
    };
    this.loop = new Every(this.options.pollMs, () => this.catchUp(), log, 'analytics: reading finished conversations');
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Analyzes until the settled completions are all read; answers how many conversations. */
  async catchUp(settleMs = this.options.settleMs): Promise<number> {
    let n = 0;
    for (;;) {
      const r = await this.batch(settleMs);
      n += r.analyzed;
      if (!r.more) return n;
    }
  }

  private async batch(settleMs: number): Promise<{ analyzed: number; more: boolean }> {
    const bound = new Date(Date.now() - settleMs);
    return this.db.transaction().execute(async (trx) => {
      const last = Number((await sql<{ last_event: string }>`select last_event from analytics_watermark where id = 1 for update`.execute(trx)).rows[0]!.last_event);
      const done = await trx
        .selectFrom('events')
        .select(['id', 'task_id'])
        .where('id', '>', last)
        .where('at', '<', bound)
        .where('type', '=', 'task.completed')
        .orderBy('id')
        .limit(this.options.batch)
        .execute();
      // No completion settled past the watermark: move it over what settled (other events) in one statement.
      if (done.length === 0) {
        await sql`update analytics_watermark set last_event = greatest(last_event, coalesce((select max(id) from events where at < ${bound}), 0)) where id = 1`.execute(trx);
        return { analyzed: 0, more: false };
      }
      const tasks = await trx.selectFrom('tasks').selectAll().where('id', 'in', [...new Set(done.map((d) => d.task_id!))]).where('media_type', 'in', [...TEXT_MEDIA]).execute();
      const analyzed = await analyzeTasks(trx, this.config.snapshot.textCategories, tasks);
      await trx.updateTable('analytics_watermark').set({ last_event: Number(done[done.length - 1]!.id) }).where('id', '=', 1).execute();
      return { analyzed, more: done.length === this.options.batch };
    });
  }
}

/**
 * Analyzes these finished tasks' conversations and stores each analysis (again: replaced), with a
 * `conversation.flagged` event for each one that broke a compliance rule. Answers how many.
 */
export async function analyzeTasks(db: Kysely<DB>, categories: readonly TextCategory[], tasks: readonly TaskRow[]): Promise<number> {
  let n = 0;
  // Two reads for the whole batch: the conversations, and the analyses before (what was flagged already).
  const talks = await conversationsOf(db, tasks);
  const ids = tasks.map((t) => t.id);
  const earlier = new Map((ids.length ? await db.selectFrom('conversation_analyses').select(['task_id', 'failed']).where('task_id', 'in', ids).execute() : []).map((r) => [r.task_id, r.failed]));
  for (const t of tasks) {
    const lines = talks.get(t.id);
    if (!lines?.length || !t.completed_at) continue;
    const a = analyzeConversation(categories, { mediaType: t.media_type as MediaType, queue: t.queue_id, lines });
    const failed = a.compliance.filter((c) => !c.passed).map((c) => c.category);
    const row = {
      completed_at: t.completed_at, media_type: t.media_type, queue_id: t.queue_id, agent_id: t.assignee_id,
      topics: json(a.topics), compliance: json(a.compliance), failed: json(failed),
      sentiment: a.sentiment?.overall ?? null, sentiment_start: a.sentiment?.start ?? null, sentiment_end: a.sentiment?.end ?? null, trend: a.sentiment?.trend ?? null,
      lines: a.lines, analyzed_at: new Date(),
    };
    await db.insertInto('conversation_analyses').values({ task_id: t.id, ...row }).onConflict((oc) => oc.column('task_id').doUpdateSet(row)).execute();
    // Flagged once per rule newly broken (reading again after a category change does not flag twice).
    const newly = failed.filter((f) => !(earlier.get(t.id) ?? []).includes(f));
    if (newly.length && t.assignee_id)
      await appendEvents(db, [{ type: 'conversation.flagged', actor: ANALYZER_ACTOR, taskId: t.id, userId: t.assignee_id, data: { failed: newly, agent: t.assignee_id, queue: t.queue_id } }]);
    n++;
  }
  return n;
}
