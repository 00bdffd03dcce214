import { sql, type Kysely, type Selectable } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { newId } from '../db/ids.js';
import { AcceptBatcher } from './accept-batch.js';
import {
  decideOffersFromLines,
  explainWaiting,
  placeInLine,
  inWaitingOrder,
  nextStepAt,
  type BlendingRule,
  type OfferDecision,
  type PresenceStatus,
  type RoutingQueue,
  type RoutingTask,
  type WaitingExplanation,
} from '@worklane/core';
import { json, taskOnly, type DB, type OffersTable, type TaskRow } from '../db/schema.js';
import type { ConfigCache } from '../config/cache.js';
import type { StreamHub } from '../stream/hub.js';
import { appendEvents } from '../events/append.js';
import { readWaiting } from './read-waiting.js';
import { readRefusals } from './read-refusals.js';
import { interned, internedText } from './shared-values.js';
import { writePresence } from '../presence/store.js';
import { Problem, conflict, notFound } from '../http/problems.js';
import { offerDto, taskDto } from '../tasks/dto.js';
import { noteCommitted } from '../tasks/change.js';
import { AgentBook } from './agents.js';
import { WaitingLine } from './line.js';
import { TimeHeap } from './time-heap.js';
import { Alarm } from './alarm.js';
import { binOf, type BinId } from './bins.js';
import { ExceptionWatch } from './exceptions.js';
import { PREPARE } from '../db/prepared.js';
import type { Metrics } from '../observability/metrics.js';

const noop = () => {};
/** The decision's columns as the commit statement returns them beside the task's. */
interface DecisionColumns {
  v_offer_id: string;
  v_expires_at: Date | string;
}
/** After a failed round or timer (the database went away): rebuild from the database this much later, doubling while it keeps failing. */
const RECOVER_MS = 1000;
const RECOVER_MAX_MS = 30_000;
/**
 * Round commits in flight at once. A round's offers are reserved in memory when decided (tasks out
 * of line, agents' capacity held), so the next round need not wait for the previous one's commit.
 */
const MAX_COMMITS_IN_FLIGHT = 4;
/** A queue's refusal time when it names none (see QueueSettings.refusalSeconds). */
export const DEFAULT_REFUSAL_SECONDS = 300;

/** A committed offer to announce, or one that lost its commit (its capacity is given back). */
type Outcome = { d: OfferDecision; task: TaskRow; offer: Selectable<OffersTable>; auto: boolean } | { d: OfferDecision; lost: true; mediaType: string };

/** An offer decided for a task still being captured (see `Dispatcher.routeOnArrival`). */
export interface ArrivalOffer extends OfferDecision {
  offerId: string;
  /** The queue answers for the agent: the task is assigned at once. */
  auto: boolean;
  expiresAt: Date;
}

export interface Arrival {
  offers: ReadonlyMap<string, ArrivalOffer>;
  settle(committed: ReadonlyMap<string, TaskRow> | null): void;
}

/** The offer row of an arrival, committed at `at` by its capture (the columns a round writes). */
export const arrivalOfferRow = (o: ArrivalOffer, at: Date): Selectable<OffersTable> => ({
  id: o.offerId, task_id: o.taskId, agent_id: o.agentId, state: o.auto ? 'accepted' : 'pending', step: o.step, reason: o.reason,
  created_at: at, expires_at: o.expiresAt, closed_at: o.auto ? at : null, decline_reason: null,
});

/** The events an offer commits with, from a round or a capture: offered, and assigned where the queue answers. */
export function offerEvents(o: { offerId: string; agentId: string; step: string; reason: string; expiresAt: string; auto: boolean }) {
  return [
    { type: 'task.offered', data: { offerId: o.offerId, agent: o.agentId, step: o.step, reason: o.reason, expiresAt: o.expiresAt } },
    ...(o.auto ? [{ type: 'task.assigned', data: { offerId: o.offerId, agent: o.agentId, autoAnswer: true } }] : []),
  ];
}

/** A waiting task as routing keeps it in memory. */
export interface Waiting extends RoutingTask {
  createdAt: number;
  worktype: string;
  exceptionsFired: string[];
  /** The row version routing saw: an offer commits only if nobody changed the task since. */
  version: number;
}

/** The columns `toWaiting` reads (`read-waiting.ts` reads the same at start, in routing's own form). */
type WaitingColumn =
  | 'id' | 'queue_id' | 'priority' | 'priority_boost' | 'due_at' | 'entered_queue_at' | 'created_at' | 'skills' | 'media_type'
  | 'target_agent_id' | 'team_bin' | 'worktype' | 'exceptions_fired' | 'version';

export const toWaiting = (t: Pick<TaskRow, WaitingColumn>): Waiting => ({
  id: t.id,
  queueId: internedText(t.queue_id ?? ''),
  priority: t.priority + t.priority_boost,
  dueAt: t.due_at ? t.due_at.getTime() : null,
  enteredQueueAt: (t.entered_queue_at ?? t.created_at).getTime(),
  skills: interned(t.skills),
  mediaType: internedText(t.media_type) as RoutingTask['mediaType'],
  targetAgentId: internedText(t.target_agent_id),
  teamBin: internedText(t.team_bin),
  createdAt: t.created_at.getTime(),
  worktype: internedText(t.worktype),
  exceptionsFired: interned(t.exceptions_fired),
  version: t.version,
});

/**
 * The imperative shell around core's `decideOffers`: keeps waiting tasks and agents in memory
 * (rebuilt from the database at start), commits every decision with a state/version check before
 * announcing it, and runs the offer (RONA), target-step, wake-up and after-work timers. Every
 * change of who holds what goes through `exclusive`, so routing rounds, claims and assignments
 * never decide on stale capacity. Rounds are pipelined: a round reserves what it decided (the
 * tasks leave the line, the agents' capacity is held) and commits in the background, so the next
 * round decides at once; every other exclusive step first waits for the commits in flight.
 */
export class Dispatcher {
  readonly waiting = new WaitingLine<Waiting>();
  readonly agents = new AgentBook();
  /** Agents who declined a waiting task or let its offer time out, by task: passed over for it until their refusal lapses. */
  private readonly excluded = new Map<string, Set<string>>();
  /** When each refusal lapses (the set it is in: a new wait starts a new set, so old entries are stale). */
  private readonly lapses = new TimeHeap<{ taskId: string; agentId: string; set: Set<string> }>();
  private readonly lapseAlarm = new Alarm(() => this.refusalsLapse());
  private readonly offerTimers = new Map<string, NodeJS.Timeout>();
  private scheduled = false;
  /**
   * What changed since the last round (see core's RoutingChanges): a round reads only those, so
   * it costs what changed, not every free agent's lines. `everything` asks for a full round
   * (start, a configuration change, a rebuild after a failure).
   */
  private changed = changeRecord(true);
  private running: Promise<unknown> = Promise.resolve();
  private pending = 0;
  /** Round commits in flight (never rejecting: a failure has been handed to recoverLater). */
  private readonly commits = new Set<Promise<void>>();
  /** Captures in flight whose statement writes offers routing decided on arrival (see routeOnArrival). */
  private readonly arrivals = new Set<Promise<void>>();
  private stopped = false;
  private readonly wakeAlarm = new Alarm(() => this.exclusive(() => this.wakeDue()).catch((err) => this.recoverLater(err, 'wake-up')));
  private readonly afterWorkAlarm = new Alarm(() => this.exclusive(() => this.endAfterWork()).catch((err) => this.recoverLater(err, 'after-work end')));
  private recovering: NodeJS.Timeout | undefined;
  /** Recoveries since the last routing round that succeeded. */
  private failures = 0;
  readonly exceptions = new ExceptionWatch(this);
  private readonly accepts: AcceptBatcher;

  constructor(
    readonly db: Kysely<DB>,
    readonly config: ConfigCache,
    readonly hub: StreamHub,
    readonly log: FastifyBaseLogger,
    private readonly metrics?: Pick<Metrics, 'routingDecide' | 'routingCommit' | 'routingOffers' | 'routingCommitsInFlight'>,
  ) {
    this.accepts = new AcceptBatcher(db);
  }

  async start(): Promise<void> {
    // Refusals live in memory: read back those still in force, before the line that carries them.
    for (const r of await readRefusals(this.db, this.config.snapshot, DEFAULT_REFUSAL_SECONDS)) this.exclude(r.taskId, r.agentId, r.lapsesAt);
    await this.load();
    this.config.onChange(() => void this.exclusive(() => this.agents.load(this.db)).then(() => (this.rebuildSteps(), this.kickAll()), (err) => this.recoverLater(err, 'agent reload')));
    this.exceptions.start();
    this.kickAll();
  }

  /** Everything routing keeps in memory, from the database: agents and their load, the line, the timers. */
  private async load(): Promise<void> {
    await this.agents.load(this.db);
    // Only what routing keeps (not titles, attributes or the classification trace): at a million
    // waiting tasks this is what restart time is made of.
    const queued = await readWaiting(this.db);
    // Merged, newest version wins: a capture tracked while this read ran stays in line, and a task
    // memory has but the database no longer queues is dropped by its next offer's version check.
    this.waiting.setMany(queued.flatMap((t) => {
      const mine = this.waiting.get(t.id);
      return !mine || mine.version < t.version ? [this.withRefusals(t)] : [];
    }));
    this.rebuildSteps();
    const pending = await this.db.selectFrom('offers').select(['id', 'expires_at']).where('state', '=', 'pending').execute();
    for (const o of pending) {
      this.forgetOffer(o.id);
      this.armOfferTimer(o.id, o.expires_at.getTime());
    }
    await this.armWake();
    const aw = await this.db.selectFrom('presence').select(sql<Date | null>`min(after_work_until)`.as('at')).where('status', '=', 'after-work').executeTakeFirst();
    this.afterWorkAlarm.ensure(aw?.at ? new Date(aw.at).getTime() : null);
  }

  /**
   * A round or a timer failed (typically: the database restarted or is unreachable). What failed
   * may or may not have committed, and timers that failed are not re-armed by themselves, so
   * memory is rebuilt from the database as at start, then routing goes on; until that succeeds,
   * it is retried (backing off while it keeps failing).
   */
  private recoverLater(err: unknown, what: string): void {
    this.log.error({ err }, `${what} failed; rebuilding routing state from the database`);
    if (this.recovering || this.stopped) return;
    const delay = Math.min(RECOVER_MAX_MS, RECOVER_MS * 2 ** Math.min(this.failures++, 5));
    this.recovering = setTimeout(() => {
      this.exclusive(() => this.load()).then(
        () => {
          this.recovering = undefined;
          this.log.info('routing state rebuilt from the database');
          this.kickAll();
        },
        (e) => {
          this.recovering = undefined;
          this.recoverLater(e, 'rebuilding routing state');
        },
      );
    }, delay);
    this.recovering.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.offerTimers.values()) clearTimeout(t);
    this.offerTimers.clear();
    this.stepAlarm.stop();
    if (this.recovering) clearTimeout(this.recovering);
    this.wakeAlarm.stop();
    this.exceptions.stop();
    this.afterWorkAlarm.stop();
    this.lapseAlarm.stop();
    await this.running;
    await this.settleCommits();
  }

  /** Runs `fn` after every routing round and change in flight, commits included: one holder-changing step at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      await this.settleCommits();
      return fn();
    });
  }

  /** Until no round or arrival commit is in flight (a settling commit may start no other: rounds wait their turn). */
  private async settleCommits(): Promise<void> {
    while (this.commits.size || this.arrivals.size) await Promise.all([...this.commits, ...this.arrivals]);
  }

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const next = this.running.then(fn);
    // The chain itself never rejects: each caller gets its own outcome from `next`.
    this.running = next.then(noop, noop).finally(() => this.pending--);
    return next;
  }

  /** A full round: everything may have changed. */
  private kickAll(): void {
    this.changed.everything = true;
    this.kick();
  }

  /** Coalesces many triggers in one tick into one routing round. */
  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // In turn with every exclusive step, but not behind the commits of earlier rounds (see round).
      this.inTurn(() => this.round()).then(
        () => (this.failures = 0),
        (err) => this.recoverLater(err, 'routing round'),
      );
    });
  }

  /** Waits until no round or change is scheduled or running (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      await new Promise((res) => setImmediate(res));
      if (!this.scheduled && this.pending === 0 && this.commits.size === 0 && this.arrivals.size === 0) return;
      await this.running;
      await this.settleCommits();
    }
  }

  get blending(): readonly BlendingRule[] {
    return this.config.snapshot.routing.blending;
  }

  /** Puts a queued task in line (or updates it); anything else leaves the line. Open workbins hear of it. */
  track(t: TaskRow): void {
    const before = this.waiting.get(t.id);
    if (before) this.binChanged(binOf(before));
    if (t.state !== 'queued') {
      this.waiting.delete(t.id);
      this.excluded.delete(t.id);
      return;
    }
    const w = this.withRefusals(toWaiting(t));
    this.waiting.set(w);
    this.noteStep(w, Date.now());
    this.binChanged(binOf(w));
    this.changed.tasks.add(w.id);
    this.kick();
  }

  /** Open workbins hear of it (coalesced in the hub). */
  binChanged(bin: string): void {
    this.hub.binChanged(bin);
  }

  /** A new wait in a new place (transfer, escalation, wake-up, resume): earlier refusals no longer count. */
  forgetRefusals(taskId: string): void {
    this.excluded.delete(taskId);
    const w = this.waiting.get(taskId);
    if (w) {
      delete w.excludedAgents;
      this.changed.tasks.add(taskId);
    }
  }

  /**
   * The agent declined the task or let its offer time out: others are offered it first. The refusal
   * lapses after the queue's refusal time, so a task only that agent may take comes back to them
   * instead of waiting for ever.
   */
  private refused(t: TaskRow, agentId: string): void {
    const seconds = (t.queue_id ? this.config.snapshot.queues.get(t.queue_id)?.refusalSeconds : undefined) ?? DEFAULT_REFUSAL_SECONDS;
    this.exclude(t.id, agentId, Date.now() + seconds * 1000);
  }

  /** `agentId` is passed over for the task until `lapsesAt`. */
  private exclude(taskId: string, agentId: string, lapsesAt: number): void {
    const ex = this.excluded.get(taskId) ?? new Set<string>();
    ex.add(agentId);
    this.excluded.set(taskId, ex);
    this.lapses.push(lapsesAt, { taskId, agentId, set: ex });
    this.lapseAlarm.ensure(lapsesAt);
  }

  /** Refusals that lapsed: those agents may be offered the task again (a round reconsiders it). */
  private refusalsLapse(): void {
    if (this.stopped) return;
    const now = Date.now();
    let lapsed = false;
    for (let top = this.lapses.peek(); top && top.at <= now; top = this.lapses.peek()) {
      this.lapses.pop();
      const { taskId, agentId, set } = top.item;
      if (this.excluded.get(taskId) !== set || !set.delete(agentId)) continue; // a new wait since, or lapsed already
      if (set.size === 0) this.excluded.delete(taskId);
      const w = this.waiting.get(taskId);
      if (!w) continue;
      if (set.size === 0) delete w.excludedAgents;
      this.changed.tasks.add(taskId);
      lapsed = true;
    }
    const next = this.lapses.peek();
    if (next) this.lapseAlarm.ensure(next.at);
    if (lapsed) this.kick();
  }

  /** Agents who declined the task or let it time out in this wait ride along with it into rounds. */
  private withRefusals(w: Waiting): Waiting {
    const ex = this.excluded.get(w.id);
    if (ex) w.excludedAgents = ex;
    return w;
  }

  presenceChanged(userId: string, status: PresenceStatus): void {
    if (!this.agents.get(userId)) return;
    this.agents.setStatus(userId, status);
    if (status === 'available') {
      this.changed.agents.add(userId);
      this.kick();
    }
  }

  hold(agentId: string, media: string): void {
    this.agents.hold(agentId, media);
  }

  /** Work left the agent (completed, canceled, transferred...): free the capacity and route. */
  release(agentId: string, media: string): void {
    this.agents.release(agentId, media);
    this.changed.agents.add(agentId);
    this.kick();
  }

  agentSnapshot() {
    return this.agents.snapshot();
  }

  /** Members of the queue who are signed in (any presence but offline). */
  signedInMembers(queueId: string): number {
    const q = this.config.snapshot.queues.get(queueId);
    if (!q) return 0;
    let n = 0;
    for (const id of q.members) {
      const st = this.agents.get(id)?.status;
      if (st && st !== 'offline') n++;
    }
    return n;
  }

  availableMembers(queueId: string): number {
    const q = this.config.snapshot.queues.get(queueId);
    if (!q) return 0;
    let n = 0;
    for (const id of q.members) if (this.agents.get(id)?.status === 'available') n++;
    return n;
  }

  /** Built once per configuration (a round used to build it every time). */
  private queuesFor: { snapshot: unknown; queues: Map<string, RoutingQueue> } | undefined;

  routingQueues(): Map<string, RoutingQueue> {
    const snapshot = this.config.snapshot;
    if (this.queuesFor?.snapshot === snapshot) return this.queuesFor.queues;
    const out = new Map<string, RoutingQueue>();
    for (const q of snapshot.queues.values())
      out.set(q.id, {
        id: q.id,
        targetSteps: q.targetSteps,
        agentChoice: q.agentChoice,
        members: q.members,
        distribution: q.distribution,
        ...(q.priorityPolicy ? { priorityPolicy: q.priorityPolicy } : {}),
      });
    this.queuesFor = { snapshot, queues: out };
    return out;
  }

  /** The live routing view of a waiting task (null when it is not waiting in a queue). */
  explain(taskId: string, now = Date.now()): WaitingExplanation | null {
    const t = this.waiting.get(taskId);
    const q = t ? this.routingQueues().get(t.queueId) : undefined;
    if (!t || !q) return null;
    return explainWaiting(t, q, this.waiting.inQueue(t.queueId), [...this.agents.agents.values()], now, this.blending);
  }

  /** A waiting task's place in its queue's line, without the agents' verdicts `explain` adds (null: not waiting). */
  placeInLine(taskId: string, now = Date.now()): number | null {
    const t = this.waiting.get(taskId);
    const q = t ? this.routingQueues().get(t.queueId) : undefined;
    return t && q ? placeInLine(t, q, this.waiting.inQueue(t.queueId), now) : null;
  }

  /** Waiting tasks of a workbin in waiting order, with effective priority at `now`. */
  binLine(bin: BinId, now = Date.now()): RoutingTask[] {
    return inWaitingOrder(this.waiting.inBin(bin), this.routingQueues(), now);
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    // Bounded pipeline: with too many commits in flight, wait for one (the database is the limit).
    while (this.commits.size >= MAX_COMMITS_IN_FLIGHT) await Promise.race(this.commits);
    const now = Date.now();
    const decisions = this.decideNow(now);
    if (decisions.length) this.reserveAndCommit(decisions, now);
  }

  /**
   * The decisions of a round at `now` over what changed since the last one (plus `arriving`: tasks
   * in line only while deciding). A task that widened by now counts as changed even if its alarm
   * has not rung yet (timers run late): the round then decides exactly as a full round would.
   */
  private decideNow(now: number, arriving: readonly Waiting[] = []): OfferDecision[] {
    if (this.widen(now)) this.armSteps();
    const c = this.changed;
    this.changed = changeRecord(false);
    const changed = c.everything ? undefined : { agents: c.agents, tasks: [...c.tasks].flatMap((id) => this.waiting.get(id) ?? []).concat(arriving) };
    if (changed && changed.agents.size === 0 && changed.tasks.length === 0) return [];
    const t0 = performance.now();
    for (const w of arriving) this.waiting.set(w);
    try {
      const decisions = decideOffersFromLines({ lines: this.waiting, agents: [...this.agents.free], queues: this.routingQueues(), now, blending: this.blending, changed });
      if (decisions.length) this.metrics?.routingDecide.observe((performance.now() - t0) / 1000);
      return decisions;
    } catch (err) {
      this.changed.everything = true;
      throw err;
    } finally {
      for (const w of arriving) this.waiting.delete(w.id);
    }
  }

  /** Reserves what a round decided (tasks out of line, capacity held) and commits it in the background. */
  private reserveAndCommit(decisions: OfferDecision[], now: number): void {
    const seen = new Map(decisions.map((d) => [d.taskId, this.waiting.get(d.taskId)!]));
    // Reserved until the commit says otherwise: the next round neither offers these tasks again nor
    // counts this capacity as free.
    for (const d of decisions) {
      this.waiting.delete(d.taskId);
      this.agents.hold(d.agentId, seen.get(d.taskId)!.mediaType);
    }
    // The rebuild after a failed commit restores what was reserved.
    this.inFlight(this.commitOffers(decisions, now, seen).catch((err) => this.recoverLater(err, 'routing round')));
  }

  /** A commit that exclusive steps wait for (it must never reject); `arrivals` do not count against the rounds' bound. */
  private inFlight(commit: Promise<void>, set = this.commits): void {
    set.add(commit);
    this.metrics?.routingCommitsInFlight.set(this.commits.size + this.arrivals.size);
    void commit.finally(() => {
      set.delete(commit);
      this.metrics?.routingCommitsInFlight.set(this.commits.size + this.arrivals.size);
    });
  }

  /**
   * Routing for tasks being captured, before their commit: a round with them in line, run at once
   * when no other holder-changing step is in turn. What it offers them is written in the capture's
   * own statement (`offers`), so the offer reaches the agent with the capture's commit instead of
   * a round and a commit later, and the task row is written once. Decisions for tasks already in
   * line commit as a round's. `settle` must be called once the capture's statement is done: with
   * the rows it committed (a task missing there lost its offer), or with null when it failed.
   * Null when nothing was offered to the new tasks (they are tracked after the commit as usual).
   */
  routeOnArrival(rows: readonly TaskRow[], now: number): Arrival | null {
    if (this.stopped || this.pending > 0 || this.commits.size >= MAX_COMMITS_IN_FLIGHT || this.agents.free.size === 0) return null;
    const arriving = new Map(rows.filter((t) => t.state === 'queued').map((t) => [t.id, toWaiting(t)])); // new: no refusals yet
    if (!arriving.size) return null;
    let decisions: OfferDecision[];
    try {
      decisions = this.decideNow(now, [...arriving.values()]);
    } catch (err) {
      this.log.error({ err }, 'routing on arrival failed; the tasks wait for the next round');
      this.kick();
      return null;
    }
    const others = decisions.filter((d) => !arriving.has(d.taskId));
    if (others.length) this.reserveAndCommit(others, now);
    const mine = decisions.filter((d) => arriving.has(d.taskId));
    if (!mine.length) return null;
    const queues = this.config.snapshot.queues;
    const offers = new Map<string, ArrivalOffer>();
    for (const d of mine) {
      const w = arriving.get(d.taskId)!;
      const q = queues.get(w.queueId)!;
      this.agents.hold(d.agentId, w.mediaType);
      offers.set(d.taskId, { ...d, offerId: newId(), auto: q.autoAnswer, expiresAt: new Date(now + q.offerTimeoutSeconds * 1000) });
    }
    let done!: () => void;
    // Exclusive steps wait for it; rounds do not (it is a capture's statement, not one of theirs).
    this.inFlight(new Promise<void>((resolve) => (done = resolve)), this.arrivals);
    const c0 = performance.now();
    let settled = false;
    return {
      offers,
      settle: (committed) => {
        if (settled) return;
        settled = true;
        if (committed) this.metrics?.routingCommit.observe((performance.now() - c0) / 1000);
        try {
          this.announce([...offers.values()].map((o) => {
            const task = committed?.get(o.taskId);
            return task ? { d: o, task, offer: arrivalOfferRow(o, task.created_at), auto: o.auto } : { d: o, lost: true, mediaType: arriving.get(o.taskId)!.mediaType };
          }));
        } finally {
          done();
        }
      },
    };
  }

  /** `seen`: the tasks as decided on; an offer commits only if the task is still at that version. */
  private async commitOffers(decisions: OfferDecision[], now: number, seen: ReadonlyMap<string, Waiting>): Promise<void> {
    const queues = this.config.snapshot.queues;
    // Set-based: one UPDATE for every decided task (with its version check), one INSERT of offers,
    // one INSERT of events, whatever the number of decisions in the round.
    const plan = decisions.map((d) => {
      const w = seen.get(d.taskId)!; // as decided on: a change since then has a newer version
      const q = queues.get(w.queueId)!;
      return { d, w, q, auto: q.autoAnswer };
    });
    const at = new Date(now);
    // One statement (data-modifying CTEs), so one round trip and its own transaction: the tasks
    // that still have the version decided on become offered/assigned, and only those get an offer
    // and events. Event order follows the decisions'.
    const items = plan.map((p) => {
      const offerId = newId();
      const expiresAt = new Date(now + p.q.offerTimeoutSeconds * 1000).toISOString();
      return {
        id: p.d.taskId, version: p.w.version, state: p.auto ? 'assigned' : 'offered', assignee: p.auto ? p.d.agentId : null, offer_id: offerId,
        agent: p.d.agentId, step: p.d.step, reason: p.d.reason, expires_at: expiresAt, auto: p.auto,
        events: offerEvents({ offerId, agentId: p.d.agentId, step: p.d.step, reason: p.d.reason, expiresAt, auto: p.auto }),
      };
    });
    // The update returns what the offer and events need (no join back to the decisions: a join of
    // CTEs has no index and can go quadratic on a big round).
    const c0 = performance.now();
    const { rows } = await sql<TaskRow & DecisionColumns>`${sql.raw(PREPARE)}
      with v as (
        select * from rows from (jsonb_to_recordset(${json(items)}::jsonb) as (
          id text, version int, state text, assignee text, offer_id text, agent text, step text, reason text, expires_at timestamptz, auto boolean, events jsonb
        )) with ordinality as v(id, version, state, assignee, offer_id, agent, step, reason, expires_at, auto, events, n)),
      upd as (
        update tasks as t set state = v.state, assignee_id = v.assignee, version = t.version + 1, updated_at = ${at}
        -- Tasks are read by primary key whatever the statistics say: right after a bulk load the
        -- planner took 'queued' for rare and read every waiting task by the state index (3-30 ms a
        -- round). Hence = any(ids), and the state check (implied by the version) in a form no index matches.
        from v where t.id = any(${items.map((i) => i.id)}::text[]) and t.id = v.id and t.version = v.version and (t.state = 'queued') is true
        returning t.*, v.offer_id as v_offer_id, v.agent as v_agent, v.step as v_step, v.reason as v_reason, v.expires_at as v_expires_at,
                  v.auto as v_auto, v.events as v_events, v.n as v_n),
      ins as (
        insert into offers (id, task_id, agent_id, state, step, reason, expires_at, closed_at, created_at)
        select v_offer_id, id, v_agent, case when v_auto then 'accepted' else 'pending' end, v_step, v_reason, v_expires_at, case when v_auto then ${at}::timestamptz end, ${at}::timestamptz
        from upd order by v_n),
      ev as (
        insert into events (type, task_id, user_id, data)
        select x.e->>'type', upd.id, upd.v_agent, x.e->'data'
        from upd cross join lateral jsonb_array_elements(upd.v_events) with ordinality as x(e, n)
        order by upd.v_n, x.n)
      select * from upd`.execute(this.db);
    this.metrics?.routingCommit.observe((performance.now() - c0) / 1000);
    const won = new Map(rows.map((r) => [r.id, r]));
    this.announce(plan.map((p): Outcome => {
      const r = won.get(p.d.taskId);
      const w = seen.get(p.d.taskId)!;
      this.binChanged(binOf(w)); // it left the line when reserved
      if (!r) return { d: p.d, lost: true, mediaType: w.mediaType };
      const task = taskOnly(r);
      const offer = {
        id: r.v_offer_id, task_id: task.id, agent_id: p.d.agentId, state: p.auto ? 'accepted' : 'pending', step: p.d.step, reason: p.d.reason,
        created_at: at, expires_at: new Date(r.v_expires_at), closed_at: p.auto ? at : null, decline_reason: null,
      };
      return { d: p.d, task, offer, auto: p.auto };
    }));
  }

  /** A case's task changed hands or place: the people who may open the case hear of it (coalesced in the hub). */
  private caseMoved(t: Pick<TaskRow, 'case_id'>): void {
    if (t.case_id) this.hub.caseChanged(t.case_id);
  }

  /** Committed offers: settle the reservations and tell the agents. */
  private announce(outcomes: Outcome[]): void {
    let committed = 0;
    for (const o of outcomes) {
      if ('lost' in o) {
        // Changed meanwhile: whoever changed it has put the new version in line (or taken it out).
        // The agent did not get it: the reserved capacity is free again, and they may take something else.
        this.agents.cancelHold(o.d.agentId, o.mediaType);
        this.changed.agents.add(o.d.agentId);
        this.kick();
        continue;
      }
      committed++;
      this.caseMoved(o.task);
      if (o.auto) {
        this.excluded.delete(o.d.taskId);
        noteCommitted(this.db, o.task);
        this.hub.toUser(o.d.agentId, { type: 'task.updated', task: taskDto(o.task) });
        this.hub.taskChanged(o.task);
      } else {
        this.armOfferTimer(o.offer.id, o.offer.expires_at.getTime());
        this.hub.toUser(o.d.agentId, { type: 'offer.created', offer: offerDto(o.offer, o.task) });
      }
    }
    this.metrics?.routingOffers.inc({ outcome: 'committed' }, committed);
    this.metrics?.routingOffers.inc({ outcome: 'lost' }, outcomes.length - committed);
    this.hub.statsChanged();
  }

  /** When waiting tasks widen to their next target step; a round runs then. Stale entries are skipped. */
  private readonly steps = new TimeHeap<Waiting>();
  private readonly stepAlarm = new Alarm(() => this.stepsDue());

  /** Notes when a task just put in line reaches its next step (a new object for every change). */
  private noteStep(w: Waiting, now: number): void {
    const at = this.nextStep(w, now);
    if (at === null) return;
    this.steps.push(at, w);
    this.stepAlarm.ensure(at);
    // Entries of tasks that left the line or changed pile up under churn: start over now and then.
    if (this.steps.size > 2 * this.waiting.size + 1024) this.rebuildSteps();
  }

  /** When a waiting task widens to its next target step (null: on its last step, or in a team bin). */
  private nextStep(w: Waiting, now: number): number | null {
    const q = this.config.snapshot.queues.get(w.queueId);
    return q && !w.teamBin ? nextStepAt(q.targetSteps, w.enteredQueueAt, now) : null;
  }

  private rebuildSteps(): void {
    this.steps.clear();
    const now = Date.now();
    for (const w of this.waiting.values()) {
      const at = this.nextStep(w, now);
      if (at !== null) this.steps.push(at, w);
    }
    this.armSteps();
  }

  private armSteps(): void {
    for (let top = this.steps.peek(); top; top = this.steps.peek()) {
      if (this.waiting.get(top.item.id) === top.item) return this.stepAlarm.ensure(top.at);
      this.steps.pop(); // left the line or changed since
    }
  }

  private stepsDue(): void {
    if (this.stopped) return;
    if (this.widen(Date.now())) this.kick();
    this.armSteps();
  }

  /** Marks the tasks that reached their next step by `now` as changed (true if any did). */
  private widen(now: number): boolean {
    let widened = false;
    for (let top = this.steps.peek(); top && top.at <= now; top = this.steps.peek()) {
      this.steps.pop();
      if (this.waiting.get(top.item.id) !== top.item) continue;
      widened = true;
      this.changed.tasks.add(top.item.id);
      const next = this.nextStep(top.item, now);
      if (next !== null) this.steps.push(next, top.item);
    }
    return widened;
  }

  private armOfferTimer(offerId: string, at: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.offerTimers.delete(offerId);
      this.timeout(offerId).catch((err) => {
        if (err instanceof Problem && err.status < 500) return; // answered meanwhile
        this.recoverLater(err, `offer ${offerId} timeout`);
      });
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
    // In the tick's group commit (accept-batch.ts): lock the offered task, close this agent's
    // pending offer, assign the task, record it; all of it or none.
    const task = await this.accepts.accept(offerId, agentId);
    if (!task) throw await this.offerProblem(this.db, offerId, agentId);
    this.forgetOffer(offerId);
    this.excluded.delete(task.id);
    noteCommitted(this.db, task);
    this.hub.toUser(agentId, { type: 'task.updated', task: taskDto(task) });
    this.hub.statsChanged();
    this.hub.taskChanged(task);
    this.caseMoved(task); // its case is in progress now (the events trigger moved it)
    return task;
  }

  async decline(offerId: string, agentId: string, reason: string | null) {
    return this.exclusive(() => this.returnToQueue(offerId, agentId, 'declined', reason));
  }

  /** RONA: the offer timed out; the task goes back at its old place, the agent to not-ready "rona". */
  async timeout(offerId: string) {
    return this.exclusive(async () => {
      const offer = await this.db.selectFrom('offers').select(['agent_id', 'state']).where('id', '=', offerId).executeTakeFirst();
      if (!offer || offer.state !== 'pending') return;
      await this.returnToQueue(offerId, offer.agent_id, 'timed-out', null);
    });
  }

  /**
   * The agent left "available" (not-ready, offline): their pending offers go back at once, at the
   * tasks' old places, instead of running out the clock into a RONA.
   */
  async withdrawOffers(agentId: string): Promise<void> {
    await this.exclusive(async () => {
      const pending = await this.db.selectFrom('offers').select('id').where('agent_id', '=', agentId).where('state', '=', 'pending').execute();
      for (const o of pending) await this.returnToQueue(o.id, agentId, 'withdrawn', null).catch(() => undefined); // answered meanwhile
    });
  }

  private async returnToQueue(offerId: string, agentId: string, outcome: 'declined' | 'timed-out' | 'withdrawn', reason: string | null) {
    const result = await this.db.transaction().execute(async (trx) => {
      const offer = await this.closeOffer(trx, offerId, agentId, { state: outcome === 'withdrawn' ? 'rescinded' : outcome, decline_reason: reason });
      const task = await trx
        .updateTable('tasks')
        // A personal task someone would not take goes back to its queue for everyone.
        .set({ state: 'queued', target_agent_id: null, version: sql`version + 1`, updated_at: new Date() })
        .where('id', '=', offer.task_id)
        .where(sql<boolean>`(state = 'offered') is true`) // by primary key (see accept)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvents(trx, [
        { type: { declined: 'task.declined', 'timed-out': 'task.rona', withdrawn: 'task.offer-withdrawn' }[outcome], taskId: task.id, userId: agentId, data: { offerId, agent: agentId, reason } },
        { type: 'task.queued', taskId: task.id, data: { queue: task.queue_id, keptEntryTime: task.entered_queue_at?.toISOString() ?? null } },
      ]);
      // RONA is the one status the system sets over the person's; never over one they chose meanwhile.
      const cur = outcome === 'timed-out' ? await trx.selectFrom('presence').select('status').where('user_id', '=', agentId).forUpdate().executeTakeFirst() : undefined;
      const presence = cur?.status === 'available' ? await writePresence(trx, agentId, 'not-ready', 'rona', 'system') : null;
      return { offer, task, presence };
    });
    this.forgetOffer(offerId);
    this.release(agentId, result.task.media_type);
    if (result.presence) {
      this.presenceChanged(agentId, 'not-ready');
      this.hub.toUser(agentId, { type: 'presence.changed', presence: result.presence });
    }
    if (outcome !== 'withdrawn') this.refused(result.task, agentId);
    this.hub.toUser(agentId, { type: 'offer.closed', offerId, outcome: outcome === 'withdrawn' ? 'rescinded' : outcome });
    this.hub.statsChanged();
    this.track(result.task);
    this.caseMoved(result.task);
    return offerDto(result.offer);
  }

  /** Closes a pending offer of this agent exactly once; anything else is a 404 or a 409 with the state. */
  private async closeOffer(trx: Kysely<DB>, offerId: string, agentId: string, set: { state: string; decline_reason?: string | null }) {
    // Lock the task row before the offer, in the order every task change takes (task, then its
    // offers): otherwise an accept/decline/RONA and a pull-back or transfer of the task deadlock.
    await trx.selectFrom('tasks').select('id').where('id', '=', trx.selectFrom('offers').select('task_id').where('id', '=', offerId)).forUpdate().execute();
    const offer = await trx
      .updateTable('offers')
      .set({ ...set, closed_at: new Date() })
      .where('id', '=', offerId)
      .where('agent_id', '=', agentId)
      .where(sql<boolean>`(state = 'pending') is true`) // by primary key (see accept)
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

  /** Arms the wake-up alarm for the earliest scheduled task (after start and each reschedule). */
  async armWake(at?: Date | null): Promise<void> {
    if (at !== undefined) return this.wakeAlarm.ensure(at ? at.getTime() : null);
    const row = await this.db.selectFrom('tasks').select(sql<Date | null>`min(wake_at)`.as('at')).where('state', '=', 'scheduled').executeTakeFirst();
    this.wakeAlarm.ensure(row?.at ? new Date(row.at).getTime() : null);
  }

  /** Scheduled tasks whose time has come re-enter their queue with their original entry time. */
  private async wakeDue(): Promise<void> {
    const now = new Date();
    const woken = await this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('tasks')
        .set({ state: 'queued', wake_at: null, version: sql`version + 1`, updated_at: now })
        .where('state', '=', 'scheduled')
        .where('wake_at', '<=', now)
        .returningAll()
        .execute();
      await appendEvents(trx, rows.flatMap((t) => [
        { type: 'task.woken', taskId: t.id, data: {} },
        { type: 'task.queued', taskId: t.id, data: { queue: t.queue_id, keptEntryTime: t.entered_queue_at?.toISOString() ?? null } },
      ]));
      return rows;
    });
    for (const t of woken) {
      this.forgetRefusals(t.id);
      this.track(t);
    }
    await this.armWake();
  }

  /** After completing work in a queue with after-work time: the agent is after-work until `until`. */
  async startAfterWork(agentId: string, seconds: number): Promise<void> {
    const a = this.agents.get(agentId);
    if (!a || a.status !== 'available' || seconds <= 0) return; // never override a status the person chose
    const until = new Date(Date.now() + seconds * 1000);
    const presence = await this.db.transaction().execute(async (trx) => {
      // Checked again under the row lock: a status chosen since the check above stays.
      const cur = await trx.selectFrom('presence').select('status').where('user_id', '=', agentId).forUpdate().executeTakeFirst();
      if (cur?.status !== 'available') return null;
      const p = await writePresence(trx, agentId, 'after-work', null, 'system');
      await trx.updateTable('presence').set({ after_work_until: until }).where('user_id', '=', agentId).execute();
      return p;
    });
    if (!presence) return;
    this.presenceChanged(agentId, 'after-work');
    this.hub.toUser(agentId, { type: 'presence.changed', presence });
    this.hub.statsChanged();
    this.afterWorkAlarm.ensure(until.getTime());
  }

  /** After-work that ran out: back to available, unless the person chose another status meanwhile. */
  private async endAfterWork(): Promise<void> {
    const now = new Date();
    const due = await this.db.selectFrom('presence').select('user_id').where('status', '=', 'after-work').where('after_work_until', '<=', now).execute();
    for (const { user_id } of due) {
      const presence = await this.db.transaction().execute(async (trx) => {
        const cur = await trx.selectFrom('presence').select('status').where('user_id', '=', user_id).forUpdate().executeTakeFirst();
        if (cur?.status !== 'after-work') return null;
        const p = await writePresence(trx, user_id, 'available', null, 'system');
        await trx.updateTable('presence').set({ after_work_until: null }).where('user_id', '=', user_id).execute();
        return p;
      });
      if (!presence) continue;
      this.presenceChanged(user_id, 'available');
      this.hub.toUser(user_id, { type: 'presence.changed', presence });
    }
    if (due.length) this.hub.statsChanged();
    const next = await this.db.selectFrom('presence').select(sql<Date | null>`min(after_work_until)`.as('at')).where('status', '=', 'after-work').executeTakeFirst();
    this.afterWorkAlarm.ensure(next?.at ? new Date(next.at).getTime() : null);
  }
}

/** A fresh record of what changed since the last round (`everything`: the next round is a full one). */
function changeRecord(everything: boolean) {
  return { everything, agents: new Set<string>(), tasks: new Set<string>() };
}
