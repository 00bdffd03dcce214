import { supervisesPerson, supervisesQueue, type Supervision } from './supervision.js';

/** Workbin ids: `queue:<queue>`, `team:<team>`, `personal:<user>`. */
export type BinKind = 'queue' | 'team' | 'personal';

export function parseBin(id: string): { kind: BinKind; ref: string } | null {
  const m = /^(queue|team|personal):(.+)$/.exec(id);
  return m ? { kind: m[1] as BinKind, ref: m[2]! } : null;
}

export interface BinViewer {
  id: string;
  roles: readonly string[];
  /** What the viewer supervises; asked only of supervisors and admins (it costs a walk of the teams). */
  supervision: () => Supervision;
}

export interface BinModel {
  /** Team id -> its members. */
  teams: ReadonlyMap<string, ReadonlySet<string>>;
  /** Queue id -> every member (direct or through a team) and how work leaves it. */
  queues: ReadonlyMap<string, { members: ReadonlySet<string>; distribution?: string }>;
}

export const oversees = (roles: readonly string[]) => roles.includes('supervisor') || roles.includes('admin');

/**
 * May this person see workbin `binId`? A queue's bin: its members when people pull from it; a
 * team's bin: its members; a personal bin: its agent. Supervisors and admins also see the bins
 * of the queues, teams and people they supervise (supervision.ts). Unknown bins: nobody.
 */
export function seesBin(v: BinViewer, binId: string, model: BinModel): boolean {
  const bin = parseBin(binId);
  if (!bin) return false;
  const over = oversees(v.roles);
  switch (bin.kind) {
    case 'queue': {
      const q = model.queues.get(bin.ref);
      if (!q) return false;
      if (q.members.has(v.id) && q.distribution !== 'push') return true;
      return over && supervisesQueue(v.supervision(), bin.ref);
    }
    case 'team': {
      const members = model.teams.get(bin.ref);
      if (!members) return false;
      if (members.has(v.id)) return true;
      if (!over) return false;
      const s = v.supervision();
      return s.all || s.teams.has(bin.ref);
    }
    case 'personal':
      if (bin.ref === v.id) return v.roles.includes('agent');
      return over && supervisesPerson(v.supervision(), bin.ref);
  }
}

/** Who sees a workbin by membership alone: `ids`, and of a personal bin only an agent. */
export interface BinMembers {
  ids: Iterable<string>;
  agentsOnly: boolean;
}

const NOBODY: BinMembers = { ids: [], agentsOnly: false };

/**
 * The people who see workbin `binId` without overseeing anything: for anyone who is neither a
 * supervisor nor an admin, `seesBin` is true exactly when their id is in `ids` (and, for a personal
 * bin, they are an agent). Read from the bin's side, so telling a bin's audience costs its members,
 * not every person connected.
 */
export function binMembers(binId: string, model: BinModel): BinMembers {
  const bin = parseBin(binId);
  if (!bin) return NOBODY;
  switch (bin.kind) {
    case 'queue': {
      const q = model.queues.get(bin.ref);
      return q && q.distribution !== 'push' ? { ids: q.members, agentsOnly: false } : NOBODY;
    }
    case 'team': {
      const members = model.teams.get(bin.ref);
      return members ? { ids: members, agentsOnly: false } : NOBODY;
    }
    case 'personal':
      return { ids: [bin.ref], agentsOnly: true };
  }
}
