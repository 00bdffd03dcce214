import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import {
  decideOffers,
  explainWaiting,
  type WaitingExplanation,
  nextStepAt,
  type MediaType,
  type OfferDecision,
  type PresenceStatus,
  type RoutingAgent,
  type RoutingQueue,
  type RoutingTask,
} from '@worklane/core';
import type { DB, OffersTable, TaskRow } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import type { StreamHub } from '../stream/hub.js';
import { appendEvents } from '../events/append.js';
import { writePresence } from '../presence/store.js';
import { conflict, notFound } from '../http/problems.js';
import { offerDto, taskDto } from '../tasks/dto.js';

interface AgentState extends RoutingAgent {
  skills: Record<string, number>;
  capacity: Partial<Record<MediaType, number>>;
  load: Partial<Record<MediaType, number>>;
  status: PresenceStatus;
}

const toRoutingTask = (t: TaskRow): RoutingTask => ({
  id: t.id,
  queueId: t.queue_id ?? '',
  priority: t.priority,
  dueAt: t.due_at ? t.due_at.getTime() : null,
  enteredQueueAt: (t.entered_queue_at ?? t.created_at).getTime(),
  skills: t.skills,
  mediaType: t.media_type as MediaType,
});

/**
 * The imperative shell around core's `decideOffers`: keeps waiting tasks and agents in memory
 * (rebuilt from the database at start), commits every decision with a state/version check before
 * announcing it on the stream, and runs the offer (RONA) and target-step timers.
 */
export class Dispatcher {
  private readonly waiting = new Map<string, RoutingTask>();
  private readonly agents = new Map<string, AgentState>();
  private readonly excluded = new Map<string, Set<string>>();
  private readonly offerTimers = new Map<string, NodeJS.Timeout>();
  private stepTimer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: ConfigCache,
    private readonly hub: StreamHub,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    await this.loadAgents();
    const queued = await this.db.selectFrom('tasks').selectAll().where('state', '=', 'queued').execute();
    for (const t of queued) this.waiting.set(t.id, toRoutingTask(t));
    const pending = await this.db.selectFrom('offers').select(['id', 'expires_at']).where('state', '=', 'pending').execute();
    for (const o of pending) this.armOfferTimer(o.id, o.expires_at.getTime());
    this.config.onChange(() => void this.loadAgents().then(() => this.kick()));
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.offerTimers.values()) clearTimeout(t);
    this.offerTimers.clear();
    if (this.stepTimer) clearTimeout(this.stepTimer);
    await this.running;
  }

  /** Agents, their presence, skills, capacity and current load, from the database. */
  private async loadAgents(): Promise<void> {
    const [users, presence, skills, held] = await Promise.all([
      this.db.selectFrom('users').select(['id', 'roles', 'capacity']).where('disabled', '=', false).execute(),
      this.db.selectFrom('presence').selectAll().execute(),
      this.db.selectFrom('user_skills').selectAll().execute(),
      this.db
        .selectFrom('tasks')
        .leftJoin('offers', (j) => j.onRef('offers.task_id', '=', 'tasks.id').on('offers.state', '=', 'pending'))
        .select(['tasks.media_type', sql<string>`coalesce(tasks.assignee_id, offers.agent_id)`.as('agent')])
        .where('tasks.state', 'in', ['offered', 'assigned', 'wrap-up'])
        .execute(),
    ]);
    const byUser = new Map(presence.map((p) => [p.user_id, p]));
    this.agents.clear();
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
    for (const h of held) {
      const a = h.agent ? this.agents.get(h.agent) : undefined;
      if (a) a.load[h.media_type as MediaType] = (a.load[h.media_type as MediaType] ?? 0) + 1;
    }
  }

  /** Coalesces many triggers in one tick into one routing round. */
  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const prev = this.running ?? Promise.resolve();
      this.running = prev.then(() => this.round()).catch((err) => this.log.error({ err }, 'routing round failed'));
    });
  }

  /** Waits for the routing rounds in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.scheduled || this.running) {
      const r = this.running;
      await new Promise((res) => setImmediate(res));
      await r;
      if (r === this.running && !this.scheduled) break;
    }
  }

  addTask(t: TaskRow): void {
    if (t.state !== 'queued') return;
    this.waiting.set(t.id, toRoutingTask(t));
    this.kick();
  }

  removeTask(id: string): void {
    this.waiting.delete(id);
    this.excluded.delete(id);
  }

  presenceChanged(userId: string, status: PresenceStatus): void {
    const a = this.agents.get(userId);
    if (!a) return;
    a.status = status;
    if (status === 'available') this.kick();
  }

  /** Work left the agent (completed, canceled, transferred): free the capacity. */
  release(agentId: string, media: string): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    const m = media as MediaType;
    a.load[m] = Math.max(0, (a.load[m] ?? 0) - 1);
    if (Object.values(a.load).every((v) => !v)) a.idleSince = Date.now();
    this.kick();
  }

  agentSnapshot(): { id: string; status: PresenceStatus; load: number; capacity: number }[] {
    return [...this.agents.values()].map((a) => ({
      id: a.id,
      status: a.status,
      load: Object.values(a.load).reduce((s, v) => s + (v ?? 0), 0),
      capacity: Object.values(a.capacity).reduce((s, v) => s + (v ?? 0), 0),
    }));
  }

  availableMembers(queueId: string): number {
    const q = this.config.snapshot.queues.get(queueId);
    if (!q) return 0;
    let n = 0;
    for (const id of q.members) if (this.agents.get(id)?.status === 'available') n++;
    return n;
  }

  /** The live routing view of a waiting task (null when it is not waiting in a queue). */
  explain(taskId: string, now = Date.now()): WaitingExplanation | null {
    const t = this.waiting.get(taskId);
    const q = t ? this.routingQueues().get(t.queueId) : undefined;
    if (!t || !q) return null;
    const ex = this.excluded.get(taskId);
    return explainWaiting(ex ? { ...t, excludedAgents: ex } : t, q, [...this.waiting.values()], [...this.agents.values()], now);
  }

  private routingQueues(): Map<string, RoutingQueue> {
    const out = new Map<string, RoutingQueue>();
    for (const q of this.config.snapshot.queues.values())
      out.set(q.id, { id: q.id, targetSteps: q.targetSteps, agentChoice: q.agentChoice, members: q.members, distribution: q.distribution });
    return out;
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const queues = this.routingQueues();
    const tasks = [...this.waiting.values()].map((t) => {
      const ex = this.excluded.get(t.id);
      return ex ? { ...t, excludedAgents: ex } : t;
    });
    const decisions = decideOffers({ tasks, agents: [...this.agents.values()], queues, now });
    if (decisions.length) await this.commitOffers(decisions, now);
    this.armStepTimer(now, queues);
  }

  private async commitOffers(decisions: OfferDecision[], now: number): Promise<void> {
    const queues = this.config.snapshot.queues;
    type Outcome = { d: OfferDecision; task: TaskRow; offer: Selectable<OffersTable>; auto: boolean } | { d: OfferDecision; lost: true };
    const outcomes = await this.db.transaction().execute(async (trx) => {
      const out: Outcome[] = [];
      for (const d of decisions) {
        const w = this.waiting.get(d.taskId)!;
        const q = queues.get(w.queueId)!;
        const auto = q.autoAnswer;
        const task = await trx
          .updateTable('tasks')
          .set({ state: auto ? 'assigned' : 'offered', assignee_id: auto ? d.agentId : null, version: sql`version + 1`, updated_at: new Date(now) })
          .where('id', '=', d.taskId)
          .where('state', '=', 'queued')
          .returningAll()
          .executeTakeFirst();
        if (!task) {
          out.push({ d, lost: true });
          continue;
        }
        const offerId = randomUUID();
        const expiresAt = new Date(now + q.offerTimeoutSeconds * 1000);
        const offer = await trx
          .insertInto('offers')
          .values({ id: offerId, task_id: d.taskId, agent_id: d.agentId, state: auto ? 'accepted' : 'pending', step: d.step, reason: d.reason, expires_at: expiresAt, closed_at: auto ? new Date(now) : null })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendEvents(trx, [
          { type: 'task.offered', taskId: d.taskId, userId: d.agentId, data: { offerId, agent: d.agentId, step: d.step, reason: d.reason, expiresAt: expiresAt.toISOString() } },
          ...(auto ? [{ type: 'task.assigned', taskId: d.taskId, userId: d.agentId, data: { offerId, agent: d.agentId, autoAnswer: true } }] : []),
        ]);
        out.push({ d, task, offer, auto });
      }
      return out;
    });
    // Committed: now update memory and announce.
    for (const o of outcomes) {
      this.waiting.delete(o.d.taskId);
      if ('lost' in o) continue;
      const a = this.agents.get(o.d.agentId);
      const m = o.task.media_type as MediaType;
      if (a) a.load[m] = (a.load[m] ?? 0) + 1;
      if (o.auto) {
        this.excluded.delete(o.d.taskId);
        this.hub.toUser(o.d.agentId, { type: 'task.updated', task: taskDto(o.task) });
      } else {
        this.armOfferTimer(o.offer.id, o.offer.expires_at.getTime());
        this.hub.toUser(o.d.agentId, { type: 'offer.created', offer: offerDto(o.offer, o.task) });
      }
    }
    this.hub.toSupervisors({ type: 'stats.changed' });
  }

  /** Re-run routing when the earliest waiting task widens to its next target step. */
  private armStepTimer(now: number, queues: Map<string, RoutingQueue>): void {
    if (this.stepTimer) clearTimeout(this.stepTimer);
    this.stepTimer = undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const t of this.waiting.values()) {
      const q = queues.get(t.queueId);
      const at = q ? nextStepAt(q.targetSteps, t.enteredQueueAt, now) : null;
      if (at !== null && at < earliest) earliest = at;
    }
    if (earliest !== Number.POSITIVE_INFINITY && !this.stopped) {
      this.stepTimer = setTimeout(() => this.kick(), Math.max(0, earliest - now) + 5);
      this.stepTimer.unref();
    }
  }

  private armOfferTimer(offerId: string, at: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.offerTimers.delete(offerId);
      this.timeout(offerId).catch((err) => this.log.error({ err, offerId }, 'offer timeout failed'));
    }, Math.max(0, at - Date.now()));
    t.unref();
    this.offerTimers.set(offerId, t);
  }

  /** Drops an offer's timeout timer (the offer was answered or rescinded). */
  forgetOffer(offerId: string): void {
    const t = this.offerTimers.get(offerId);
    if (t) clearTimeout(t);
    this.offerTimers.delete(offerId);
  }

  async accept(offerId: string, agentId: string): Promise<TaskRow> {
    const task = await this.db.transaction().execute(async (trx) => {
      const offer = await this.closeOffer(trx, offerId, agentId, { state: 'accepted' });
      const t = await trx
        .updateTable('tasks')
        .set({ state: 'assigned', assignee_id: agentId, version: sql`version + 1`, updated_at: new Date() })
        .where('id', '=', offer.task_id)
        .where('state', '=', 'offered')
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvents(trx, [{ type: 'task.assigned', taskId: t.id, userId: agentId, actor: `user:${agentId}`, data: { offerId, agent: agentId } }]);
      return t;
    });
    this.forgetOffer(offerId);
    this.excluded.delete(task.id);
    this.hub.toUser(agentId, { type: 'task.updated', task: taskDto(task) });
    this.hub.toSupervisors({ type: 'stats.changed' });
    return task;
  }

  async decline(offerId: string, agentId: string, reason: string | null) {
    return this.returnToQueue(offerId, agentId, 'declined', reason);
  }

  /** RONA: the offer timed out; the task goes back at its old place, the agent to not-ready "rona". */
  async timeout(offerId: string) {
    const offer = await this.db.selectFrom('offers').select(['agent_id', 'state']).where('id', '=', offerId).executeTakeFirst();
    if (!offer || offer.state !== 'pending') return;
    await this.returnToQueue(offerId, offer.agent_id, 'timed-out', null);
  }

  private async returnToQueue(offerId: string, agentId: string, outcome: 'declined' | 'timed-out', reason: string | null) {
    const result = await this.db.transaction().execute(async (trx) => {
      const offer = await this.closeOffer(trx, offerId, agentId, { state: outcome, decline_reason: reason });
      const task = await trx
        .updateTable('tasks')
        .set({ state: 'queued', version: sql`version + 1`, updated_at: new Date() })
        .where('id', '=', offer.task_id)
        .where('state', '=', 'offered')
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvents(trx, [
        { type: outcome === 'declined' ? 'task.declined' : 'task.rona', taskId: task.id, userId: agentId, data: { offerId, agent: agentId, reason } },
        { type: 'task.queued', taskId: task.id, data: { queue: task.queue_id, keptEntryTime: task.entered_queue_at?.toISOString() ?? null } },
      ]);
      const presence = outcome === 'timed-out' ? await writePresence(trx, agentId, 'not-ready', 'rona', 'system') : null;
      return { offer, task, presence };
    });
    this.forgetOffer(offerId);
    const a = this.agents.get(agentId);
    const m = result.task.media_type as MediaType;
    if (a) a.load[m] = Math.max(0, (a.load[m] ?? 0) - 1);
    if (result.presence) {
      this.presenceChanged(agentId, 'not-ready');
      this.hub.toUser(agentId, { type: 'presence.changed', presence: result.presence });
    }
    const ex = this.excluded.get(result.task.id) ?? new Set<string>();
    ex.add(agentId);
    this.excluded.set(result.task.id, ex);
    this.hub.toUser(agentId, { type: 'offer.closed', offerId, outcome });
    this.hub.toSupervisors({ type: 'stats.changed' });
    this.addTask(result.task);
    return offerDto(result.offer);
  }

  /** Closes a pending offer of this agent exactly once; anything else is a 404 or a 409 with the state. */
  private async closeOffer(trx: Kysely<DB>, offerId: string, agentId: string, set: { state: string; decline_reason?: string | null }) {
    const offer = await trx
      .updateTable('offers')
      .set({ ...set, closed_at: new Date() })
      .where('id', '=', offerId)
      .where('agent_id', '=', agentId)
      .where('state', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!offer) throw await this.offerProblem(trx, offerId, agentId);
    return offer;
  }

  private async offerProblem(trx: Kysely<DB>, offerId: string, agentId: string) {
    const cur = await trx.selectFrom('offers').select(['state', 'agent_id']).where('id', '=', offerId).executeTakeFirst();
    if (!cur || cur.agent_id !== agentId) return notFound(`Offer ${offerId}`);
    return conflict(`This offer is already ${cur.state}`, { state: cur.state });
  }
}
