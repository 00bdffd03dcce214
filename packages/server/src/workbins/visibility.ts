import type { Services } from '../services.js';
import type { UserPrincipal } from '../auth/principal.js';
import { parseBin } from '../routing/bins.js';
import { supervisesPerson, supervisesQueue } from '@worklane/core';
import { supervisionFor } from '../auth/supervision.js';

export interface BinInfo {
  id: string;
  kind: 'queue' | 'team' | 'personal';
  name: string;
  /** The caller may claim from it (pull); supervisors see their teams' bins but claim only where they work. */
  canClaim: boolean;
  claimLimit: number | null;
}

const oversees = (u: UserPrincipal) => u.roles.includes('supervisor') || u.roles.includes('admin');

/**
 * The workbins a person may see: their queues' (pull), their teams', their own; supervisors also
 * those of the queues, teams and people they supervise (auth/supervision.ts; admins: all).
 */
export async function visibleBins(s: Services, u: UserPrincipal): Promise<BinInfo[]> {
  const sup = supervisionFor(s, u);
  const [teams, mine, people] = await Promise.all([
    s.db.selectFrom('teams').selectAll().orderBy('name').execute(),
    s.db.selectFrom('team_members').select('team_id').where('user_id', '=', u.id).execute(),
    oversees(u) ? s.db.selectFrom('users').select(['id', 'name']).execute() : Promise.resolve([]),
  ]);
  const isAgent = u.roles.includes('agent');
  const myTeams = new Set(mine.map((m) => m.team_id));
  const out: BinInfo[] = [];
  for (const q of s.config.snapshot.queues.values()) {
    const member = q.members.has(u.id);
    const pull = q.distribution !== 'push';
    if (!(member && pull) && !(oversees(u) && supervisesQueue(sup, q.id))) continue;
    out.push({ id: `queue:${q.id}`, kind: 'queue', name: q.name, canClaim: isAgent && member && pull, claimLimit: q.claimLimit ?? null });
  }
  for (const t of teams) {
    const member = myTeams.has(t.id);
    if (!member && !(oversees(u) && (sup.all || sup.teams.has(t.id)))) continue;
    out.push({ id: `team:${t.id}`, kind: 'team', name: `${t.name} team`, canClaim: isAgent && member, claimLimit: null });
  }
  if (isAgent) out.push({ id: `personal:${u.id}`, kind: 'personal', name: 'My workbin', canClaim: true, claimLimit: null });
  if (oversees(u)) {
    // Supervisors also see agents' personal bins that hold work.
    const names = new Map(people.map((p) => [p.id, p.name]));
    const withWork = new Set([...s.dispatcher.waiting.values()].map((t) => t.targetAgentId).filter((x): x is string => !!x && x !== u.id));
    for (const id of withWork) if (supervisesPerson(sup, id)) out.push({ id: `personal:${id}`, kind: 'personal', name: `${names.get(id) ?? id}'s workbin`, canClaim: false, claimLimit: null });
  }
  return out;
}

/** One bin the caller may see, or null (which the API answers as 404: no probing of others' bins). */
export async function findBin(s: Services, u: UserPrincipal, id: string): Promise<BinInfo | null> {
  if (!parseBin(id)) return null;
  return (await visibleBins(s, u)).find((b) => b.id === id) ?? null;
}
