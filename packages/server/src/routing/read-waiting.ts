import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Waiting } from './dispatcher.js';
import { internedText, sharedJson } from './shared-values.js';

// Start and recovery read every waiting task (a million at the scale), and restart time is
// made of that read. So the statement hands over what routing keeps in the form it keeps it:
// times as epoch milliseconds (numbers: no Date per value; the driver's date parser, before
// db/timestamps.ts, was a tenth of the start),
// and the JSON columns as text, parsed once per distinct value and shared (frozen) by every task
// that has it: tasks of a queue mostly require the same skills, and a million separate copies were
// a million small arrays for the garbage collector to walk. With the dates, 1,128 → 881 MiB resident
// and 13.9 → 9.2 s to ready at a million waiting tasks. Captured tasks share theirs too
// (shared-values.ts, through the dispatcher's `toWaiting`).

interface WaitingRow {
  id: string;
  queue_id: string | null;
  priority: number;
  due_ms: number | null;
  entered_ms: number;
  created_ms: number;
  skills: string;
  media_type: string;
  target_agent_id: string | null;
  team_bin: string | null;
  worktype: string;
  exceptions_fired: string;
  version: number;
}

/** Milliseconds since the epoch, truncated like a `Date` read by the driver (numeric: exact). */
const ms = (col: string) => sql.raw(`floor(extract(epoch from ${col}) * 1000)::float8`);

/** Every queued task as routing keeps it in memory. */
export async function readWaiting(db: Kysely<DB>): Promise<Waiting[]> {
  const { rows } = await sql<WaitingRow>`
    select id, queue_id, priority + priority_boost as priority, ${ms('due_at')} as due_ms,
           ${ms('coalesce(entered_queue_at, created_at)')} as entered_ms, ${ms('created_at')} as created_ms,
           skills::text as skills, media_type, target_agent_id, team_bin, worktype, exceptions_fired::text as exceptions_fired, version
    from tasks where state = 'queued'`.execute(db);
  const parse = sharedJson();
  return rows.map((t) => ({
    id: t.id,
    queueId: internedText(t.queue_id ?? ''),
    priority: t.priority,
    dueAt: t.due_ms,
    enteredQueueAt: t.entered_ms,
    skills: parse(t.skills) as Waiting['skills'],
    mediaType: internedText(t.media_type) as Waiting['mediaType'],
    targetAgentId: internedText(t.target_agent_id),
    teamBin: internedText(t.team_bin),
    createdAt: t.created_ms,
    worktype: internedText(t.worktype),
    exceptionsFired: parse(t.exceptions_fired) as string[],
    version: t.version,
  }));
}
