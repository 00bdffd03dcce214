import { sql, type Kysely } from 'kysely';
import { addBusinessTime, classify, renderUrlTemplate, type Calendar, type SkillRequirement } from '@worklane/core';
import { json, type DB, type TaskRow } from '../db/schema.js';
import { PREPARE } from '../db/prepared.js';
import type { ConfigCache, Worktype } from '../config/cache.js';
import { validateAgainst } from '../config/ajv.js';
import { appendEvents } from '../events/append.js';
import { Problem, badRequest, unprocessable } from '../http/problems.js';
import { newId } from '../db/ids.js';
import { arrivalOfferRow, offerEvents, type Arrival, type ArrivalOffer } from '../routing/dispatcher.js';

/** Routing asked before a capture commits (the dispatcher): offers written with the tasks. */
export interface ArrivalRouter {
  routeOnArrival(rows: readonly TaskRow[], now: number): Arrival | null;
}

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
  /** Not before this time (a callback slot): captured scheduled, entering the queue then. */
  wakeAt?: string;
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

/** The facts rules see about a task (`task.*` in CEL). */
export function taskFacts(input: CaptureInput, defaultPriority: number): Record<string, unknown> {
  return {
    worktype: input.worktype,
    source: input.source ?? '',
    externalId: input.externalId ?? '',
    title: input.title,
    description: input.description ?? '',
    attributes: input.attributes ?? {},
    priority: input.priority ?? defaultPriority,
    language: input.language ?? '',
    customerId: input.customerId ?? '',
  };
}

/** A due offset: open time on the rule's calendar when it names one, else plain elapsed time. */
function dueFrom(cal: Calendar | undefined, from: Date, minutes: number): Date {
  const ms = minutes * 60_000;
  return new Date(cal ? addBusinessTime(cal, from.getTime(), ms) : from.getTime() + ms);
}

/** What routing needs from a capture or re-classification: validated attributes and the rules' result. */
export interface Routed {
  wt: Worktype;
  queue: string;
  priority: number;
  dueAt: Date | null;
  skills: SkillRequirement[];
  language: string | null;
  classification: Record<string, unknown>;
  facts: Record<string, unknown>;
}

/**
 * Validates the input against its worktype and classifies it by the rules. Explicit values in the
 * input win over rules, rules over the worktype's defaults. `from` is when due offsets count from.
 */
export function route(config: ConfigCache, input: CaptureInput, from: Date): Routed {
  const snap = config.snapshot;
  const wt = snap.worktypes.get(input.worktype);
  if (!wt) throw unprocessable('/worktype', `unknown worktype "${input.worktype}"`);
  const attributes = input.attributes ?? {};
  if (wt.attributeSchema) {
    const errors = validateAgainst(wt.attributeSchema, attributes, '/attributes');
    if (errors.length) throw badRequest(errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors.map((e) => ({ ...e, in: 'body' })));
  }
  if (input.queue !== undefined && !snap.queues.has(input.queue)) throw unprocessable('/queue', `unknown queue "${input.queue}"`);
  const facts = taskFacts(input, wt.priority);
  const c = classify(snap.rules, facts);
  const queue = input.queue ?? c.queue ?? wt.defaultQueue;
  if (!snap.queues.has(queue)) throw unprocessable('/worktype', `worktype "${wt.id}" routes to a queue that no longer exists ("${queue}")`);
  return {
    wt,
    queue,
    priority: input.priority ?? c.priority ?? wt.priority,
    dueAt: input.dueAt ? new Date(input.dueAt) : c.dueInMinutes ? dueFrom(snap.calendars.get(c.dueCalendar ?? ''), from, c.dueInMinutes) : null,
    skills: input.skills ?? c.skills ?? wt.skills,
    language: input.language ?? c.language ?? null,
    classification: { queue, priority: c.priority ?? null, matchedRules: c.trace.filter((t) => t.matched).map((t) => t.rule), trace: c.trace },
    facts,
  };
}

/** An expiry must lie ahead: a task that expired before it exists would be canceled at once. */
export function assertExpiresLater(expiresAt: string | null | undefined, now: Date): void {
  if (expiresAt && new Date(expiresAt).getTime() <= now.getTime()) throw unprocessable('/expiresAt', `must be in the future (it is ${now.toISOString()})`);
}

/** Builds the task row: validates against the worktype, classifies by rules, renders the URL. */
export function prepareTask(config: ConfigCache, input: CaptureInput, now: Date): NewTaskRow {
  assertExpiresLater(input.expiresAt, now);
  const r = route(config, input, now);
  const url = input.url ?? (r.wt.urlTemplate ? renderUrlTemplate(r.wt.urlTemplate, { ...r.facts, id: '' }) : null);
  const wake = input.wakeAt && new Date(input.wakeAt).getTime() > now.getTime() ? new Date(input.wakeAt) : null;
  return {
    id: newId(),
    worktype: r.wt.id,
    source: input.source ?? null,
    external_id: input.externalId ?? null,
    title: input.title,
    description: input.description ?? null,
    attributes: input.attributes ?? {},
    priority: r.priority,
    due_at: r.dueAt,
    expires_at: input.expiresAt ? new Date(input.expiresAt) : null,
    skills: r.skills,
    language: r.language,
    queue_id: r.queue,
    media_type: r.wt.mediaType,
    state: wake ? 'scheduled' : 'queued',
    assignee_id: null,
    wrap_up_code: null,
    note: null,
    url,
    customer_id: input.customerId ?? null,
    case_id: input.caseId ?? null,
    classification: r.classification,
    entered_queue_at: wake ?? now, // a later start waits from then, not from the request
    updated_at: now,
    completed_at: null,
    version: 0,
    wake_at: wake,
    paused_reason: null,
    target_agent_id: null,
    team_bin: null,
    escalation_level: 0,
    priority_boost: 0,
    exceptions_fired: [],
  };
}

export type NewTaskRow = Omit<TaskRow, 'created_at'>;

/** jsonb columns as JSON text, for inserts. */
export const taskValues = (row: NewTaskRow) => ({
  ...row,
  attributes: json(row.attributes),
  skills: json(row.skills),
  classification: json(row.classification),
  exceptions_fired: json(row.exceptions_fired),
});

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
  let row: NewTaskRow;
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
        .values(taskValues(row))
        .returningAll()
        .executeTakeFirstOrThrow();
      if (ctx.idempotency) await trx.insertInto('idempotency_keys').values({ ...ctx.idempotency, task_id: t.id }).execute();
      await appendEvents(trx, [
        { type: 'task.created', actor: ctx.actor, taskId: t.id, data: { worktype: t.worktype, source: t.source, externalId: t.external_id, priority: t.priority } },
        t.state === 'scheduled'
          ? { type: 'task.rescheduled', actor: ctx.actor, taskId: t.id, data: { until: t.wake_at!.toISOString(), reason: 'asked for this time' } }
          : { type: 'task.queued', actor: ctx.actor, taskId: t.id, data: { queue: t.queue_id, classification: row.classification } },
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

export type BulkItem = { index: number; status: 201 | 200; task: TaskRow } | { index: number; status: number; problem: Problem };

/**
 * Captures up to 1,000 tasks in one transaction: one multi-row insert, one events insert. Bad items
 * get their own problem (pointers under `/tasks/{i}`) and do not stop the others; duplicates by
 * (source, externalId) answer with the existing task. With a `router`, routing decides before the
 * commit, and tasks it offers are written offered (or assigned) with their offers: the agents hear
 * of them with the commit, not a round and a commit later.
 */
export async function captureMany(
  db: Kysely<DB>,
  config: ConfigCache,
  inputs: CaptureInput[],
  actor: string | null | (string | null)[],
  opts: { pointerPrefix?: boolean; router?: ArrivalRouter } = {},
): Promise<BulkItem[]> {
  const actorAt = (i: number) => (Array.isArray(actor) ? (actor[i] ?? null) : actor);
  const now = new Date();
  const results: (BulkItem | undefined)[] = new Array(inputs.length);
  // Whole rows from the start (created_at: the batch's time), as inserted, routed and answered.
  const rows: { index: number; row: TaskRow }[] = [];
  inputs.forEach((input, index) => {
    try {
      rows.push({ index, row: Object.assign(prepareTask(config, input, now), { created_at: now }) }); // no copy of the row
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      const errors = opts.pointerPrefix === false ? err.errors : err.errors?.map((e) => ({ ...e, pointer: `/tasks/${index}${e.pointer}` }));
      results[index] = { index, status: err.status, problem: new Problem(err.status, err.title, err.detail, errors) };
    }
  });
  if (rows.length) {
    const arrival = opts.router?.routeOnArrival(rows.map((r) => r.row), now.getTime()) ?? null;
    if (arrival) for (const r of rows) r.row = offered(r.row, arrival.offers.get(r.row.id));
    let inserted: Set<string>;
    try {
      inserted = await insertTasks(db, rows.map((r) => ({ row: r.row, actor: actorAt(r.index), offer: arrival?.offers.get(r.row.id) })), now);
    } catch (err) {
      arrival?.settle(null);
      throw err;
    }
    arrival?.settle(new Map(rows.filter((r) => inserted.has(r.row.id)).map((r) => [r.row.id, r.row])));
    for (const { index, row } of rows) {
      if (inserted.has(row.id)) results[index] = { index, status: 201, task: row };
      else {
        const first = await findExisting(db, inputs[index]!, null);
        results[index] = first
          ? { index, status: 200, task: first }
          : { index, status: 409, problem: new Problem(409, 'Conflict', 'A task with this (source, externalId) is being captured concurrently; retry') };
      }
    }
  }
  return results as BulkItem[];
}

/** The task as routing on arrival left it: offered (or assigned, where the queue answers) at once. */
function offered(row: TaskRow, o: ArrivalOffer | undefined): TaskRow {
  // Version 1: queued (0) and offered in the one statement, as a round would have left it.
  return o ? { ...row, state: o.auto ? 'assigned' : 'offered', assignee_id: o.auto ? o.agentId : null, version: 1 } : row;
}

/** Task columns in insert order (every column: the rows carry all of them, created_at included). */
const TASK_COLUMNS = [
  'id', 'worktype', 'source', 'external_id', 'title', 'description', 'attributes', 'priority', 'due_at', 'expires_at', 'skills', 'language',
  'queue_id', 'media_type', 'state', 'assignee_id', 'wrap_up_code', 'note', 'url', 'customer_id', 'case_id', 'classification',
  'entered_queue_at', 'created_at', 'updated_at', 'completed_at', 'version', 'wake_at', 'paused_reason', 'target_agent_id', 'team_bin',
  'escalation_level', 'priority_boost', 'exceptions_fired',
] as const satisfies readonly (keyof TaskRow)[];

type TaskColumn = (typeof TASK_COLUMNS)[number];

/**
 * A task row as the insert's JSON takes it: one literal of every column (a spread of the row cost
 * more than the JSON), dates as text by the batch's `text`, which writes the batch's time once
 * (Date#toJSON per field was most of the rows' JSON cost: 2.7 → 1.0 ms per 500 rows). Empty
 * columns are left out (`undefined` is not written): the statement's record starts all null, and
 * PostgreSQL parses less (a quarter of its time on a batch was reading the JSON).
 */
function rowJson(t: TaskRow, text: (d: Date | null) => string | undefined): Record<TaskColumn, unknown> {
  return {
    id: t.id, worktype: t.worktype, source: t.source ?? undefined, external_id: t.external_id ?? undefined, title: t.title, description: t.description ?? undefined,
    attributes: t.attributes, priority: t.priority, due_at: text(t.due_at), expires_at: text(t.expires_at), skills: t.skills, language: t.language ?? undefined,
    queue_id: t.queue_id ?? undefined, media_type: t.media_type, state: t.state, assignee_id: t.assignee_id ?? undefined, wrap_up_code: t.wrap_up_code ?? undefined,
    note: t.note ?? undefined, url: t.url ?? undefined, customer_id: t.customer_id ?? undefined, case_id: t.case_id ?? undefined, classification: t.classification,
    entered_queue_at: text(t.entered_queue_at), created_at: text(t.created_at), updated_at: text(t.updated_at), completed_at: text(t.completed_at), version: t.version,
    wake_at: text(t.wake_at), paused_reason: t.paused_reason ?? undefined, target_agent_id: t.target_agent_id ?? undefined, team_bin: t.team_bin ?? undefined,
    escalation_level: t.escalation_level, priority_boost: t.priority_boost, exceptions_fired: t.exceptions_fired,
  };
}

/**
 * Inserts new tasks and their created/queued events as one statement: the rows travel as one JSON
 * parameter (`jsonb_populate_recordset` types every column), duplicates by (source, externalId)
 * are skipped (`on conflict ... do nothing`, checked against that index alone: the id is new), and
 * only inserted tasks get events. The events' data is built from the inserted columns, not sent
 * (it repeated the classification, and parsing the JSON was PostgreSQL's largest cost on a batch).
 * Tasks routed on arrival come with their offer: its row and its offered (and assigned) events are
 * written in the same statement, for inserted tasks only, in order after the task's own. One round
 * trip and one commit for the whole batch; nothing comes back but the ids that were inserted,
 * since the rows are already known here.
 */
async function insertTasks(db: Kysely<DB>, items: { row: TaskRow; actor: string | null; offer?: ArrivalOffer | undefined }[], now: Date): Promise<Set<string>> {
  const cols = sql.join(TASK_COLUMNS.map((c) => sql.ref(c)));
  const at = now.toISOString();
  const text = (d: Date | null) => (d === null ? undefined : d.getTime() === now.getTime() ? at : d.toISOString());
  const rows = items.map(({ row }) => rowJson(row, text));
  const actors = items.map((i) => i.actor);
  // Routed on arrival: the events a round's commit would have written, after the task's created (1) and queued (2).
  const offerEvs = items.flatMap(({ row, offer: o }, i) =>
    o ? offerEvents({ ...o, expiresAt: o.expiresAt.toISOString() }).map((e, k) => ({ ...e, n: i + 1, k: 3 + k, task_id: row.id, user_id: o.agentId })) : [],
  );
  const offers = items.flatMap(({ offer: o }) => (o ? [arrivalOfferRow(o, now)] : []));
  // Only with offers: the statement without them stays the one prepared for plain captures.
  const offerRows = offers.length
    ? sql`
        union all
        select o.n, o.k, o.type, null, o.task_id, o.user_id, o.data
        from jsonb_to_recordset(${JSON.stringify(offerEvs)}::jsonb) as o(n bigint, k int, type text, task_id text, user_id text, data jsonb)`
    : sql``;
  const offerInsert = offers.length
    ? sql`, off as (
      insert into offers (id, task_id, agent_id, state, step, reason, expires_at, closed_at, created_at)
      select o.id, o.task_id, o.agent_id, o.state, o.step, o.reason, o.expires_at, o.closed_at, o.created_at
      from jsonb_to_recordset(${JSON.stringify(offers)}::jsonb) as o(id text, task_id text, agent_id text, state text, step text, reason text, expires_at timestamptz, closed_at timestamptz, created_at timestamptz)
      where o.task_id in (select id from ins))`
    : sql``;
  const { rows: got } = await sql<{ id: string }>`${sql.raw(PREPARE)}
    with input as (
      select t.*, a.actor
      from jsonb_populate_recordset(null::tasks, ${JSON.stringify(rows)}::jsonb) with ordinality as t
      join unnest(${actors}::text[]) with ordinality as a(actor, n) on a.n = t.ordinality),
    ins as (
      insert into tasks (${cols})
      select ${cols} from input
      on conflict ((coalesce(source, '')), external_id) where external_id is not null do nothing
      returning id),
    ev as (
      insert into events (type, actor, task_id, user_id, data)
      select e.type, e.actor, e.task_id, e.user_id, e.data
      from (
        select i.ordinality as n, k.k, k.type, i.actor, i.id as task_id, null::text as user_id,
          case k.k when 1 then jsonb_build_object('worktype', i.worktype, 'source', i.source, 'externalId', i.external_id, 'priority', i.priority)
          else jsonb_build_object('queue', i.queue_id, 'classification', i.classification) end as data
        from input i cross join (values (1, 'task.created'), (2, 'task.queued')) as k(k, type)${offerRows}
      ) e
      where e.task_id in (select id from ins)
      order by e.n, e.k)${offerInsert}
    select id from ins`.execute(db);
  return new Set(got.map((r) => r.id));
}
