import type { Services } from '../services.js';
import type { UserPrincipal } from '../auth/principal.js';
import { binMembers, oversees, parseBin, seesBin } from '@worklane/core';
import { viewerIn } from '../auth/supervision.js';
import type { ConfigCache } from '../config/cache.js';
import type { BinAudience } from '../stream/hub.js';

export interface BinInfo {
  id: string;
  kind: 'queue' | 'team' | 'personal';
  name: string;
  /** The caller may claim from it (pull); supervisors see their teams' bins but claim only where they work. */
  canClaim: boolean;
  claimLimit: number | null;
}


/** Who hears of a workbin's changes on the stream: the people who may see it. */
export const binAudience = (config: ConfigCache): BinAudience => ({
  members: (bin) => binMembers(bin, config.snapshot),
  overseer: (userId, roles) => {
    const snap = config.snapshot;
    const viewer = viewerIn(snap, userId, roles);
    return (bin) => seesBin(viewer, bin, snap);
  },
});

/**
 * The workbins a person may see: their queues' (pull), their teams', their own; supervisors also
 * those of the queues, teams and people they supervise (auth/supervision.ts; admins: all).
 */
export async function visibleBins(s: Services, u: UserPrincipal): Promise<BinInfo[]> {
  const snap = s.config.snapshot;
  const viewer = viewerIn(snap, u.id, u.roles);
  const sees = (bin: string) => seesBin(viewer, bin, snap);
  const [teams, people] = await Promise.all([
    s.db.selectFrom('teams').select(['id', 'name']).orderBy('name').execute(),
    oversees(u.roles) ? s.db.selectFrom('users').select(['id', 'name']).execute() : Promise.resolve([]),
  ]);
  const isAgent = u.roles.includes('agent');
  const out: BinInfo[] = [];
  for (const q of snap.queues.values()) {
    if (!sees(`queue:${q.id}`)) continue;
    const canClaim = isAgent && q.members.has(u.id) && q.distribution !== 'push';
    out.push({ id: `queue:${q.id}`, kind: 'queue', name: q.name, canClaim, claimLimit: q.claimLimit ?? null });
  }
  for (const t of teams) {
    if (!sees(`team:${t.id}`)) continue;
    out.push({ id: `team:${t.id}`, kind: 'team', name: `${t.name} team`, canClaim: isAgent && !!snap.teams.get(t.id)?.has(u.id), claimLimit: null });
  }
  if (isAgent) out.push({ id: `personal:${u.id}`, kind: 'personal', name: 'My workbin', canClaim: true, claimLimit: null });
  if (oversees(u.roles)) {
    // Supervisors also see agents' personal bins that hold work.
    const names = new Map(people.map((p) => [p.id, p.name]));
    for (const id of s.dispatcher.waiting.agentsWithPersonalWork())
      if (id !== u.id && sees(`personal:${id}`)) out.push({ id: `personal:${id}`, kind: 'personal', name: `${names.get(id) ?? id}'s workbin`, canClaim: false, claimLimit: null });
  }
  return out;
}

/** One bin the caller may see, or null (which the API answers as 404: no probing of others' bins). */
export async function findBin(s: Services, u: UserPrincipal, id: string): Promise<BinInfo | null> {
  if (!parseBin(id)) return null;
  return (await visibleBins(s, u)).find((b) => b.id === id) ?? null;
}
