/**
 * Who a supervisor supervises (DESIGN invariant 6, "supervisors only their teams").
 *
 * The rule: a supervisor supervises the teams they belong to; the people in those teams (and
 * themselves); and the queues those people serve (a queue with one of those teams among its
 * members, or one of those people as a direct member). Admins supervise everything. A supervisor
 * in no team and no queue supervises nothing: they see no team's work and can act on none (there
 * is no "all" by default).
 * A task is in scope when it waits in or belongs to a supervised queue, is held by or routed to a
 * supervised person, or sits in a supervised team's workbin.
 */
export type Supervision =
  | { all: true }
  | {
      all: false;
      teams: ReadonlySet<string>;
      people: ReadonlySet<string>;
      queues: ReadonlySet<string>;
    };

export interface TeamModel {
  /** Team id -> its members' user ids. */
  teams: ReadonlyMap<string, ReadonlySet<string>>;
  /** Queue id -> members: teams named as members, and every person (direct or through a team). */
  queues: Iterable<{ id: string; teams: ReadonlySet<string>; members: ReadonlySet<string> }>;
}

export const SUPERVISE_ALL: Supervision = { all: true };

export function supervisionOf(userId: string, roles: readonly string[], model: TeamModel): Supervision {
  if (roles.includes('admin')) return SUPERVISE_ALL;
  const teams = new Set<string>();
  const people = new Set<string>();
  if (roles.includes('supervisor')) {
    people.add(userId);
    for (const [id, members] of model.teams) {
      if (!members.has(userId)) continue;
      teams.add(id);
      for (const m of members) people.add(m);
    }
  }
  const queues = new Set<string>();
  for (const q of model.queues) {
    if ([...q.teams].some((t) => teams.has(t)) || [...q.members].some((m) => people.has(m))) queues.add(q.id);
  }
  return { all: false, teams, people, queues };
}

export interface ScopedTask {
  queueId: string | null;
  assigneeId: string | null;
  targetAgentId: string | null;
  teamBin: string | null;
}

export function supervisesTask(s: Supervision, t: ScopedTask): boolean {
  if (s.all) return true;
  return (
    (t.queueId !== null && s.queues.has(t.queueId)) ||
    (t.assigneeId !== null && s.people.has(t.assigneeId)) ||
    (t.targetAgentId !== null && s.people.has(t.targetAgentId)) ||
    (t.teamBin !== null && s.teams.has(t.teamBin))
  );
}

export function supervisesPerson(s: Supervision, userId: string): boolean {
  return s.all || s.people.has(userId);
}

export function supervisesQueue(s: Supervision, queueId: string): boolean {
  return s.all || s.queues.has(queueId);
}
