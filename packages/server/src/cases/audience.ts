import type { Kysely } from 'kysely';
import { caseMembers, seesCase, type CaseFacts, type ScopedTask } from '@worklane/core';
import type { DB } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import { viewerIn } from '../auth/supervision.js';
import type { CaseAudience } from '../stream/hub.js';

export type CaseFactsSource = (ids: string[]) => Promise<Map<string, CaseFacts>>;

/** The facts `seesCase` needs, for a whole coalesced notice in two reads: the cases' openers and every task of them. */
export const caseFactsFrom = (db: Kysely<DB>): CaseFactsSource => async (ids) => {
  const [cases, tasks] = await Promise.all([
    db.selectFrom('cases').select(['id', 'created_by']).where('id', 'in', ids).execute(),
    db.selectFrom('tasks').select(['case_id', 'queue_id', 'assignee_id', 'target_agent_id', 'team_bin']).where('case_id', 'in', ids).execute(),
  ]);
  const out = new Map<string, { createdBy: string | null; tasks: ScopedTask[] }>(cases.map((c) => [c.id, { createdBy: c.created_by, tasks: [] }]));
  for (const t of tasks) out.get(t.case_id!)?.tasks.push({ queueId: t.queue_id, assigneeId: t.assignee_id, targetAgentId: t.target_agent_id, teamBin: t.team_bin });
  return out;
};

/**
 * Who hears that a case changed: the people who could open it (core `seesCase`, the rule of the
 * SQL filter in visibility.ts), over the configuration in memory.
 */
export const caseAudience = (config: ConfigCache, facts: CaseFactsSource): CaseAudience => ({
  async load(ids) {
    const known = await facts(ids);
    const snap = config.snapshot;
    return [...known].map(([caseId, f]) => ({
      caseId,
      members: caseMembers(f, snap),
      sees: (userId, roles) => seesCase(viewerIn(snap, userId, roles), f, snap),
    }));
  },
});
