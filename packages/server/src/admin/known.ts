import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Known } from '../config/checks.js';

/** What items may refer to, read inside the change's transaction; users by id or e-mail. */
export interface DbKnown extends Known {
  userId(ref: string): string | undefined;
}

export async function loadKnown(db: Kysely<DB>): Promise<DbKnown> {
  const [skills, teams, queues, codes, users, calendars, questionnaires, worktypes, segments, outcomes] = await Promise.all([
    db.selectFrom('skills').select('id').execute(),
    db.selectFrom('teams').select('id').execute(),
    db.selectFrom('queues').select('id').execute(),
    db.selectFrom('wrap_up_codes').select('code').execute(),
    db.selectFrom('users').select(['id', 'email']).execute(),
    db.selectFrom('calendars').select('id').execute(),
    db.selectFrom('questionnaires').select('id').execute(),
    db.selectFrom('worktypes').select(['id', 'settings']).execute(),
    db.selectFrom('segments').select('id').execute(),
    db.selectFrom('outcomes').select('id').execute(),
  ]);
  const byRef = new Map<string, string>();
  for (const u of users) byRef.set(u.id, u.id).set(u.email.toLowerCase(), u.id);
  const userId = (ref: string) => byRef.get(ref) ?? byRef.get(ref.toLowerCase());
  return {
    skills: new Set(skills.map((x) => x.id)),
    teams: new Set(teams.map((x) => x.id)),
    queues: new Set(queues.map((x) => x.id)),
    wrapUpCodes: new Set(codes.map((x) => x.code)),
    hasUser: (ref) => userId(ref) !== undefined,
    calendars: new Set(calendars.map((x) => x.id)),
    questionnaires: new Set(questionnaires.map((x) => x.id)),
    worktypes: new Set(worktypes.map((x) => x.id)),
    chatTopics: new Set(worktypes.filter((x) => x.settings.chat).map((x) => x.id)),
    segments: new Set(segments.map((x) => x.id)),
    outcomes: new Set(outcomes.map((x) => x.id)),
    userId,
  };
}
