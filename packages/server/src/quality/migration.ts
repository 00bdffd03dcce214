import { sql, type Kysely } from 'kysely';

// Migration 0027_quality: questionnaires (scorecard forms), evaluation plans, the scorecards
// themselves (each keeps the questionnaire as it was when assigned, so a later edit never changes
// a score already given), and the planner's watermark over finished work (its events).
const STATEMENTS = [
  `create table questionnaires (id text primary key, name text not null, settings jsonb not null)`,
  `create table evaluation_plans (id text primary key, name text not null, position integer not null default 0, settings jsonb not null)`,
  `create table scorecards (
     id text primary key, task_id text not null references tasks(id) on delete cascade,
     agent_id text not null, evaluator_id text not null, questionnaire_id text not null, questionnaire jsonb not null,
     plan_id text, calibration text, state text not null default 'assigned',
     answers jsonb not null default '{}', comment text, percent real, band text, critical_failed boolean not null default false,
     needs_ack boolean not null default false, agent_comment text, assigned_by text,
     assigned_at timestamptz not null default now(), updated_at timestamptz not null default now(),
     finished_at timestamptz, acknowledged_at timestamptz)`,
  `create index scorecards_evaluator on scorecards (evaluator_id, state)`,
  `create index scorecards_agent on scorecards (agent_id, assigned_at)`,
  `create index scorecards_task on scorecards (task_id)`,
  `create index scorecards_calibration on scorecards (calibration) where calibration is not null`,
  `create table quality_planner (id integer primary key, last_event bigint not null)`,
  // Work finished before quality management was set up is not sampled.
  `insert into quality_planner (id, last_event) select 1, coalesce(max(id), 0) from events`,
];

export async function qualityMigration(db: Kysely<unknown>): Promise<void> {
  for (const s of STATEMENTS) await sql.raw(s).execute(db);
}
