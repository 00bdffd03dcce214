import { SUPERVISE_ALL, supervisesTask, supervisionOf, type BinViewer, type Supervision } from '@worklane/core';
import type { Services } from '../services.js';
import type { Principal } from './principal.js';
import type { TaskRow } from '../db/schema.js';
import { notFound } from '../http/problems.js';
import type { ConfigCache, ConfigSnapshot } from '../config/cache.js';

/**
 * What a caller oversees, from the configuration in memory (teams and queue members): admins and
 * API keys everything, a supervisor their teams (core `supervisionOf`), anyone else nothing.
 */
export function supervisionFor(s: Services, p: Principal): Supervision {
  if (p.kind === 'api-key') return SUPERVISE_ALL;
  return supervisionIn(s.config.snapshot, p.id, p.roles);
}

/** Per snapshot (a configuration change makes a new one): a supervisor's scope walks every team and queue. */
const scopes = new WeakMap<ConfigSnapshot, Map<string, Supervision>>();

/**
 * What a person supervises, by the teams and queues of a configuration snapshot; worked out once
 * per person and snapshot (with 10,000 agents a walk takes milliseconds, and every request,
 * alert and workbin notice of a supervisor asks).
 */
export function supervisionIn(snap: ConfigSnapshot, userId: string, roles: readonly string[]): Supervision {
  let byPerson = scopes.get(snap);
  if (!byPerson) scopes.set(snap, (byPerson = new Map()));
  const key = `${userId}\n${roles.join(',')}`;
  let scope = byPerson.get(key);
  if (!scope) byPerson.set(key, (scope = supervisionOf(userId, roles, { teams: snap.teams, queues: snap.queues.values() })));
  return scope;
}

/** A viewer for core's `seesBin` / `seesCase`: what they supervise only if asked (kept per snapshot above). */
export function viewerIn(snap: ConfigSnapshot, id: string, roles: readonly string[]): BinViewer {
  return { id, roles, supervision: () => supervisionIn(snap, id, roles) };
}

/** Who may hear of this task live (alerts on the stream): the supervisors whose scope it is in, and admins. */
export function supervisorsOf(config: ConfigCache, t: TaskRow): (userId: string, roles: readonly string[]) => boolean {
  const scope = taskScope(t);
  const snap = config.snapshot;
  return (userId, roles) => supervisesTask(supervisionIn(snap, userId, roles), scope);
}

export const taskScope = (t: TaskRow) => ({ queueId: t.queue_id, assigneeId: t.assignee_id, targetAgentId: t.target_agent_id, teamBin: t.team_bin });

/** A supervisor acting outside their teams gets 404 (as an agent does): nobody learns which tasks exist. */
export function assertSupervises(s: Services, p: Principal, t: TaskRow): void {
  if (!supervisesTask(supervisionFor(s, p), taskScope(t))) throw notFound(`Task ${t.id}`);
}

/** Is the caller a supervisor (and not an admin) — whose reads and actions are limited to their teams? */
export const isTeamSupervisor = (p: Principal | undefined): boolean =>
  !!p && p.kind === 'user' && p.roles.includes('supervisor') && !p.roles.includes('admin');
