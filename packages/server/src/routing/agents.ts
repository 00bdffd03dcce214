import { sql, type Kysely } from 'kysely';
import { hasRoom, type MediaType, type PresenceStatus, type RoutingAgent } from '@worklane/core';
import type { DB } from '../db/schema.js';

export interface AgentState extends RoutingAgent {
  skills: Record<string, number>;
  capacity: Partial<Record<MediaType, number>>;
  load: Partial<Record<MediaType, number>>;
  status: PresenceStatus;
}

/** States in which a task occupies an agent's capacity (offered: the offer's agent; else the assignee). */
export const HELD_STATES = ['offered', 'assigned', 'wrap-up'] as const;
export const isHeld = (state: string): boolean => (HELD_STATES as readonly string[]).includes(state);

/**
 * Agents as routing sees them: presence, skills, capacity per media type and current load.
 * Rebuilt from the database at start and after configuration changes; kept current in memory.
 */
export class AgentBook {
  readonly agents = new Map<string, AgentState>();
  /**
   * Available agents with room for some media: all a routing round looks at. Kept as they change,
   * so a round with 10,000 agents logged in does not walk every one of them.
   */
  readonly free = new Set<AgentState>();

  private refresh(a: AgentState): void {
    if (a.status === 'available' && hasRoom(a)) this.free.add(a);
    else this.free.delete(a);
  }

  async load(db: Kysely<DB>): Promise<void> {
    const [users, presence, skills, held] = await Promise.all([
      db.selectFrom('users').select(['id', 'roles', 'capacity']).where('disabled', '=', false).execute(),
      db.selectFrom('presence').selectAll().execute(),
      db.selectFrom('user_skills').selectAll().execute(),
      db
        .selectFrom('tasks')
        .leftJoin('offers', (j) => j.onRef('offers.task_id', '=', 'tasks.id').on('offers.state', '=', 'pending'))
        .select(['tasks.media_type', sql<string>`coalesce(tasks.assignee_id, offers.agent_id)`.as('agent')])
        .where('tasks.state', 'in', [...HELD_STATES])
        .execute(),
    ]);
    const byUser = new Map(presence.map((p) => [p.user_id, p]));
    this.agents.clear();
    this.free.clear();
    for (const u of users) {
      if (!u.roles.includes('agent')) continue;
      const p = byUser.get(u.id);
      this.agents.set(u.id, {
        id: u.id,
        status: (p?.status as PresenceStatus) ?? 'offline',
        skills: {},
        capacity: u.capacity as Partial<Record<MediaType, number>>,
        load: {},
        idleSince: p?.idle_since.getTime() ?? 0,
      });
    }
    for (const s of skills) {
      const a = this.agents.get(s.user_id);
      if (a) a.skills[s.skill_id] = s.level;
    }
    for (const h of held) if (h.agent) this.hold(h.agent, h.media_type);
    for (const a of this.agents.values()) this.refresh(a);
  }

  setStatus(agentId: string, status: PresenceStatus): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    a.status = status;
    this.refresh(a);
  }

  get(id: string): AgentState | undefined {
    return this.agents.get(id);
  }

  hold(agentId: string, media: string): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    const m = media as MediaType;
    a.load[m] = (a.load[m] ?? 0) + 1;
    this.refresh(a);
  }

  /** A hold that did not happen (a reserved offer lost its commit): the capacity is free again, idle time unchanged. */
  cancelHold(agentId: string, media: string): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    const m = media as MediaType;
    a.load[m] = Math.max(0, (a.load[m] ?? 0) - 1);
    this.refresh(a);
  }

  /** Work left the agent: free the capacity; an agent with nothing in hand starts idling now. */
  release(agentId: string, media: string): void {
    this.cancelHold(agentId, media);
    const a = this.agents.get(agentId);
    if (a && Object.values(a.load).every((v) => !v)) a.idleSince = Date.now();
  }

  freeCapacity(agentId: string, media: string): number {
    const a = this.agents.get(agentId);
    if (!a) return 0;
    return (a.capacity[media as MediaType] ?? 0) - (a.load[media as MediaType] ?? 0);
  }

  totalLoad(agentId: string): number {
    const a = this.agents.get(agentId);
    return a ? Object.values(a.load).reduce((s, v) => s + (v ?? 0), 0) : 0;
  }

  /** Each agent with their load; `shown` is the status people see: busy is derived from work in hand. */
  snapshot(): { id: string; status: PresenceStatus; shown: PresenceStatus; load: number; capacity: number }[] {
    return [...this.agents.values()].map((a) => {
      const load = Object.values(a.load).reduce((s, v) => s + (v ?? 0), 0);
      return {
        id: a.id,
        status: a.status,
        shown: a.status === 'available' && load > 0 ? 'busy' : a.status,
        load,
        capacity: Object.values(a.capacity).reduce((s, v) => s + (v ?? 0), 0),
      };
    });
  }
}
