import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { classify, renderUrlTemplate, type SkillRequirement } from '@worklane/core';
import { json, type DB, type TaskRow } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import { validateAgainst } from '../config/ajv.js';
import { appendEvents } from '../events/append.js';
import { Problem, badRequest, unprocessable } from '../http/problems.js';

export interface CaptureInput {
  worktype: string;
  externalId?: string;
  source?: string;
  title: string;
  description?: string;
  attributes?: Record<string, unknown>;
  priority?: number;
  dueAt?: string;
  expiresAt?: string;
  skills?: SkillRequirement[];
  language?: string;
  queue?: string;
  url?: string;
  customerId?: string;
  caseId?: string;
}

export interface CaptureResult {
  task: TaskRow;
  created: boolean;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';

async function findExisting(db: Kysely<DB>, input: CaptureInput, idem: { principal: string; key: string } | null): Promise<TaskRow | undefined> {
  if (idem) {
    const hit = await db
      .selectFrom('idempotency_keys')
      .innerJoin('tasks', 'tasks.id', 'idempotency_keys.task_id')
      .selectAll('tasks')
      .where('principal', '=', idem.principal)
      .where('key', '=', idem.key)
      .executeTakeFirst();
    if (hit) return hit;
  }
  if (input.externalId !== undefined) {
    return db
      .selectFrom('tasks')
      .selectAll()
      .where('external_id', '=', input.externalId)
      .where((eb) => (input.source === undefined ? eb('source', 'is', null) : eb('source', '=', input.source)))
      .executeTakeFirst();
  }
  return undefined;
}

/** Builds the task row: validates against the worktype, classifies by rules, renders the URL. */
export function prepareTask(config: ConfigCache, input: CaptureInput, now: Date): Omit<TaskRow, 'created_at'> {
  const snap = config.snapshot;
  const wt = snap.worktypes.get(input.worktype);
  if (!wt) throw unprocessable('/worktype', `unknown worktype "${input.worktype}"`);
  const attributes = input.attributes ?? {};
  if (wt.attributeSchema) {
    const errors = validateAgainst(wt.attributeSchema, attributes, '/attributes');
    if (errors.length) throw badRequest(errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors.map((e) => ({ ...e, in: 'body' })));
  }
  if (input.queue !== undefined && !snap.queues.has(input.queue)) throw unprocessable('/queue', `unknown queue "${input.queue}"`);
  const facts = {
    worktype: input.worktype,
    source: input.source ?? '',
    externalId: input.externalId ?? '',
    title: input.title,
    description: input.description ?? '',
    attributes,
    priority: input.priority ?? wt.priority,
    language: input.language ?? '',
    customerId: input.customerId ?? '',
  };
  const c = classify(snap.rules, facts);
  const queue = input.queue ?? c.queue ?? wt.defaultQueue;
  if (!snap.queues.has(queue)) throw unprocessable('/worktype', `worktype "${wt.id}" routes to a queue that no longer exists ("${queue}")`);
  const dueAt = input.dueAt ? new Date(input.dueAt) : c.dueInMinutes ? new Date(now.getTime() + c.dueInMinutes * 60_000) : null;
  const url = input.url ?? (wt.urlTemplate ? renderUrlTemplate(wt.urlTemplate, { ...facts, id: '' }) : null);
  return {
    id: randomUUID(),
    worktype: wt.id,
    source: input.source ?? null,
    external_id: input.externalId ?? null,
    title: input.title,
    description: input.description ?? null,
    attributes,
    priority: input.priority ?? c.priority ?? wt.priority,
    due_at: dueAt,
    expires_at: input.expiresAt ? new Date(input.expiresAt) : null,
    skills: input.skills ?? c.skills ?? wt.skills,
    language: input.language ?? c.language ?? null,
    queue_id: queue,
    media_type: wt.mediaType,
    state: 'queued',
    assignee_id: null,
    wrap_up_code: null,
    note: null,
    url,
    customer_id: input.customerId ?? null,
    case_id: input.caseId ?? null,
    classification: { queue, matchedRules: c.trace.filter((t) => t.matched).map((t) => t.rule), trace: c.trace },
    entered_queue_at: now,
    updated_at: now,
    completed_at: null,
    version: 0,
  };
}

/**
 * Captures one task durably. The unique indexes on (source, externalId) and on the idempotency key
 * decide duplicates, so a new task costs no look-up; a repeat returns the first task (`created: false`).
 */
export async function captureTask(
  db: Kysely<DB>,
  config: ConfigCache,
  input: CaptureInput,
  ctx: { actor: string | null; idempotency: { principal: string; key: string } | null },
): Promise<CaptureResult> {
  let row: ReturnType<typeof prepareTask>;
  try {
    row = prepareTask(config, input, new Date());
  } catch (err) {
    // A replay answers with the original task even if the body or configuration no longer validates.
    const existing = err instanceof Problem ? await findExisting(db, input, ctx.idempotency) : undefined;
    if (existing) return { task: existing, created: false };
    throw err;
  }
  try {
    const task = await db.transaction().execute(async (trx) => {
      const t = await trx
        .insertInto('tasks')
        .values({ ...row, attributes: json(row.attributes), skills: json(row.skills), classification: json(row.classification) })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (ctx.idempotency) await trx.insertInto('idempotency_keys').values({ ...ctx.idempotency, task_id: t.id }).execute();
      await appendEvents(trx, [
        { type: 'task.created', actor: ctx.actor, taskId: t.id, data: { worktype: t.worktype, source: t.source, externalId: t.external_id, priority: t.priority } },
        { type: 'task.queued', actor: ctx.actor, taskId: t.id, data: { queue: t.queue_id, classification: row.classification } },
      ]);
      return t;
    });
    return { task, created: true };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const first = await findExisting(db, input, ctx.idempotency); // a duplicate: the first capture wins
    if (!first) throw err;
    return { task: first, created: false };
  }
}
