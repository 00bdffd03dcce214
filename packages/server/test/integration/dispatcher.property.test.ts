import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  currentStep,
  requiredLevel,
  whyIneligible,
  DEFAULT_STEP,
  type MediaType,
  type PresenceStatus,
  type RoutingAgent,
  type SkillRequirement,
} from '@worklane/core';
import type { TaskRow } from '../../src/db/schema.js';
import { toWaiting, type Dispatcher } from '../../src/routing/dispatcher.js';
import { BACKENDS, Client, DEMO_KEY, startHarness, applyConfig, type Harness } from './harness.js';

/*
 * Property-based tests of the real dispatcher: random sequences of API calls and timer entry points
 * (some of them run concurrently, to find races), with the routing invariants checked against the
 * database and the dispatcher's memory after every step. A failure prints fast-check's seed, path
 * and replayPath; replay with PP_SEED=<seed> PP_PATH=<path> PP_REPLAY=<replayPath> (timing is real,
 * so a replay re-runs the same commands, not always the same interleaving). PP_RUNS, PP_COMMANDS,
 * PP_BUDGET_MS size a run (a longer hunt: PP_RUNS=300 PP_BUDGET_MS=600000), PP_BACKEND picks one
 * database, PP_STATS=1 prints what the runs did.
 */

const AGENTS = ['ann', 'ben', 'cat', 'dan', 'eve'] as const;
const emailOf = (a: string) => `pp-${a}@test.local`;
const QUEUES = ['pp-push', 'pp-mail', 'pp-both', 'pp-pull', 'pp-auto', 'pp-esc'] as const;
const ROUTES = ['default', 'both', 'pull', 'auto', 'esc'] as const;
type Route = (typeof ROUTES)[number];
const WORKTYPES = ['pp-item', 'pp-mail'] as const;
const FINAL = ['completed', 'canceled'];
const HELD = ['offered', 'assigned', 'wrap-up'];

const attributeSchema = { type: 'object', properties: { route: { type: 'string' } } };
const ppWorktype = 'task.worktype in ["pp-item", "pp-mail"]';

const CONFIG = {
  version: 1,
  skills: [{ id: 'pp-a', name: 'PP skill A' }, { id: 'pp-b', name: 'PP skill B' }],
  teams: [{ id: 'pp-t1', name: 'PP one' }, { id: 'pp-t2', name: 'PP two' }],
  users: [
    { email: emailOf('ann'), name: 'PP Ann', password: 'secret1', roles: ['agent'], teams: ['pp-t1'], skills: { 'pp-a': 90, 'pp-b': 20 }, capacity: { workitem: 2, email: 1 } },
    { email: emailOf('ben'), name: 'PP Ben', password: 'secret1', roles: ['agent'], teams: ['pp-t1'], skills: { 'pp-a': 50, 'pp-b': 70 }, capacity: { workitem: 1, email: 2 } },
    { email: emailOf('cat'), name: 'PP Cat', password: 'secret1', roles: ['agent'], teams: ['pp-t1', 'pp-t2'], skills: { 'pp-a': 20 }, capacity: { workitem: 1 } },
    { email: emailOf('dan'), name: 'PP Dan', password: 'secret1', roles: ['agent'], teams: ['pp-t2'], skills: { 'pp-a': 60, 'pp-b': 90 }, capacity: { workitem: 2, email: 1 } },
    { email: emailOf('eve'), name: 'PP Eve', password: 'secret1', roles: ['agent'], teams: ['pp-t2'], skills: {}, capacity: { workitem: 1, email: 1 } },
    // Supervisors act on their teams' work only: this one supervises both.
    { email: emailOf('sue'), name: 'PP Sue', password: 'secret1', roles: ['supervisor'], teams: ['pp-t1', 'pp-t2'], skills: {}, capacity: {} },
  ],
  queues: [
    {
      // Skilled first; after 1 s the secondary step widens to level 40, after 3 s anyone.
      id: 'pp-push',
      name: 'PP push',
      members: { teams: ['pp-t1'], users: [emailOf('dan')] },
      targetSteps: [
        { name: 'primary', afterSeconds: 0, minLevel: 80 },
        { name: 'secondary', afterSeconds: 1, minLevel: 40 },
        { name: 'tertiary', afterSeconds: 3, minLevel: 0 },
      ],
      offerTimeoutSeconds: 300,
    },
    {
      id: 'pp-mail',
      name: 'PP mail',
      members: { teams: ['pp-t2'], users: [emailOf('ben')] },
      targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 60 }, { name: 'secondary', afterSeconds: 2, minLevel: 0 }],
      agentChoice: ['load', 'idle'],
      offerTimeoutSeconds: 300,
    },
    {
      id: 'pp-both',
      name: 'PP both',
      members: { teams: ['pp-t1', 'pp-t2'] },
      distribution: 'both',
      claimLimit: 2,
      afterWorkSeconds: 1,
      offerTimeoutSeconds: 300,
      exceptions: [{ id: 'pp-late', waitedSeconds: 2, raisePriority: 5, moveToTeamBin: 'pp-t2' }],
    },
    { id: 'pp-pull', name: 'PP pull', members: { teams: ['pp-t1'] }, distribution: 'pull', claimLimit: 3 },
    { id: 'pp-auto', name: 'PP auto', members: { teams: ['pp-t2'] }, autoAnswer: true, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 50 }] },
    { id: 'pp-esc', name: 'PP escalations', members: { users: [emailOf('ann'), emailOf('dan')] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 60 }], offerTimeoutSeconds: 300 },
  ],
  worktypes: [
    { id: 'pp-item', name: 'PP item', mediaType: 'workitem', defaultQueue: 'pp-push', priority: 10, wrapUpCodes: ['processed'], skills: [{ skill: 'pp-a' }], attributeSchema, escalation: { queue: 'pp-esc', raisePriority: 20 } },
    { id: 'pp-mail', name: 'PP mail', mediaType: 'email', defaultQueue: 'pp-mail', priority: 20, wrapUpCodes: ['processed'], skills: [{ skill: 'pp-b', minLevel: 30 }], attributeSchema },
  ],
  wrapUpCodes: [{ code: 'processed', label: 'Processed' }],
  rules: [
    { id: 'pp-to-both', name: 'PP both', when: `${ppWorktype} && task.attributes.route == "both"`, set: { queue: 'pp-both' } },
    { id: 'pp-to-pull', name: 'PP pull', when: `${ppWorktype} && task.attributes.route == "pull"`, set: { queue: 'pp-pull', priority: 30 } },
    { id: 'pp-to-auto', name: 'PP auto', when: `${ppWorktype} && task.attributes.route == "auto"`, set: { queue: 'pp-auto' } },
    { id: 'pp-to-esc', name: 'PP esc', when: `${ppWorktype} && task.attributes.route == "esc"`, set: { queue: 'pp-esc', skills: [{ skill: 'pp-b' }] } },
  ],
  // While an agent holds e-mail, no workitem is offered to them.
  routing: { blending: [{ media: 'email', blocks: ['workitem'] }] },
};

// ---------------------------------------------------------------------------------------------
// Actions

type Pick = number;
interface CaptureSpec { wt: 0 | 1; route: Route; priority: number | null; level: number | null }
type Action =
  | ({ k: 'capture' } & CaptureSpec)
  | { k: 'bulk'; items: CaptureSpec[] }
  | { k: 'presence'; agent: number; status: 'available' | 'not-ready' | 'offline' }
  | { k: 'accept' | 'decline' | 'timeout'; pick: Pick }
  | { k: 'transfer-queue'; pick: Pick; queue: number; self: boolean }
  | { k: 'transfer-agent'; pick: Pick; agent: number; self: boolean }
  | { k: 'pause' | 'resume' | 'escalate' | 'pull-back' | 'cancel' | 'complete'; pick: Pick; self: boolean }
  | { k: 'reschedule'; pick: Pick; ms: number; self: boolean }
  | { k: 'assign'; pick: Pick; agent: number }
  | { k: 'claim'; agent: number; bin: 'both' | 'pull' | 'team' | 'personal'; pick: Pick | null }
  | { k: 'patch'; pick: Pick; priority: number; level: number | null; self: boolean }
  | { k: 'reclassify'; pick: Pick; route: Route; self: boolean }
  | { k: 'sleep'; ms: number };

/** The states from which each task action is drawn (an action on another state is also tried when racing). */
const FROM: Record<string, string[]> = {
  'transfer-queue': ['queued', 'offered', 'assigned'],
  'transfer-agent': ['queued', 'offered', 'assigned'],
  escalate: ['queued', 'offered', 'assigned'],
  pause: ['queued', 'offered', 'assigned'],
  resume: ['paused'],
  reschedule: ['queued', 'offered', 'assigned', 'paused'],
  assign: ['queued', 'offered', 'assigned', 'paused', 'scheduled'],
  'pull-back': ['offered', 'assigned'],
  cancel: ['queued', 'offered', 'assigned', 'paused', 'scheduled'],
  complete: ['assigned'],
  patch: ['queued', 'offered', 'assigned', 'paused', 'scheduled'],
  reclassify: ['queued', 'offered', 'assigned', 'paused', 'scheduled'],
};

const pick = fc.nat({ max: 1000 });
const agentIx = fc.nat({ max: AGENTS.length - 1 });
const self = fc.boolean();
const presenceArb = fc.constantFrom('available' as const, 'available' as const, 'not-ready' as const, 'offline' as const);
const presencesArb = fc.array(presenceArb, { minLength: AGENTS.length, maxLength: AGENTS.length });
const jitterArb = fc.array(fc.constantFrom(0, 1, 3, 8), { minLength: 1, maxLength: 8 });
const captureSpec = fc.record({
  wt: fc.constantFrom(0 as const, 1 as const),
  route: fc.constantFrom(...ROUTES),
  priority: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  level: fc.option(fc.constantFrom(0, 30, 50, 70, 95), { nil: null }),
});

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: captureSpec.map((c): Action => ({ k: 'capture', ...c })), weight: 6 },
  { arbitrary: fc.array(captureSpec, { minLength: 2, maxLength: 4 }).map((items): Action => ({ k: 'bulk', items })), weight: 2 },
  { arbitrary: fc.record({ agent: agentIx, status: presenceArb }).map((r): Action => ({ k: 'presence', ...r })), weight: 6 },
  { arbitrary: pick.map((p): Action => ({ k: 'accept', pick: p })), weight: 5 },
  { arbitrary: pick.map((p): Action => ({ k: 'decline', pick: p })), weight: 2 },
  { arbitrary: pick.map((p): Action => ({ k: 'timeout', pick: p })), weight: 2 },
  { arbitrary: fc.record({ pick, queue: fc.nat({ max: QUEUES.length - 1 }), self }).map((r): Action => ({ k: 'transfer-queue', ...r })), weight: 2 },
  { arbitrary: fc.record({ pick, agent: agentIx, self }).map((r): Action => ({ k: 'transfer-agent', ...r })), weight: 2 },
  ...(['pause', 'resume', 'escalate', 'pull-back', 'cancel'] as const).map((k) => ({ arbitrary: fc.record({ pick, self }).map((r): Action => ({ k, ...r })), weight: 1 })),
  { arbitrary: fc.record({ pick, self }).map((r): Action => ({ k: 'complete', ...r })), weight: 4 },
  { arbitrary: fc.record({ pick, ms: fc.integer({ min: 150, max: 1200 }), self }).map((r): Action => ({ k: 'reschedule', ...r })), weight: 1 },
  { arbitrary: fc.record({ pick, agent: agentIx }).map((r): Action => ({ k: 'assign', ...r })), weight: 2 },
  { arbitrary: fc.record({ agent: agentIx, bin: fc.constantFrom('both' as const, 'pull' as const, 'team' as const, 'personal' as const), pick: fc.option(pick, { nil: null }) }).map((r): Action => ({ k: 'claim', ...r })), weight: 3 },
  { arbitrary: fc.record({ pick, priority: fc.integer({ min: 0, max: 100 }), level: fc.option(fc.constantFrom(0, 50, 95), { nil: null }), self }).map((r): Action => ({ k: 'patch', ...r })), weight: 2 },
  { arbitrary: fc.record({ pick, route: fc.constantFrom(...ROUTES), self }).map((r): Action => ({ k: 'reclassify', ...r })), weight: 1 },
  { arbitrary: fc.constantFrom(20, 150, 600, 1100).map((ms): Action => ({ k: 'sleep', ms })), weight: 1 },
);

const show = (a: Action) => {
  const { k, ...rest } = a;
  return `${k}${JSON.stringify(rest)}`;
};

// ---------------------------------------------------------------------------------------------
// The system under test and the little the test remembers about a run

interface Agent { name: string; id: string; client: Client }
interface Ctx {
  h: Harness;
  d: Dispatcher;
  crm: Client;
  sam: Client;
  agents: Agent[];
  /** Skills and capacity as configured (read once). */
  skills: Map<string, Record<string, number>>;
  capacity: Map<string, Partial<Record<MediaType, number>>>;
  /** Errors the dispatcher logged (a failed round or timer). */
  logged: unknown[];
  /** Bumped whenever the dispatcher starts an exclusive step (round, timer, claim...). */
  gen: number;
  seq: number;
  /** Delays (ms) put before a routing round's commit, in turn: widens the windows races live in. */
  jitter: number[];
  jitterAt: number;
  /** What the runs did: action kind / HTTP status -> count. */
  stats: Map<string, number>;
}

const count = (ctx: Ctx, key: string) => ctx.stats.set(key, (ctx.stats.get(key) ?? 0) + 1);
interface Model {
  /** Captured task ids, in capture order (picks index into this). */
  tasks: string[];
  /** entered_queue_at at capture, never to change. */
  entered: Map<string, number>;
  /** Offers that were pending when their task's skills were changed by PATCH (checked against old skills, so exempt). */
  patchedWhileOffered: Set<string>;
  /** Offers already checked against the target step. */
  verified: Set<string>;
  /** Task ids whose skills or queue a PATCH/reclassify touched in the current step. */
  touched: Set<string>;
  log: string[];
}

const newModel = (): Model => ({ tasks: [], entered: new Map(), patchedWhileOffered: new Set(), verified: new Set(), touched: new Set(), log: [] });

interface Res { status: number; json: unknown }
const isProblem = (err: unknown): err is { status: number } => typeof (err as { status?: unknown })?.status === 'number';

const errorText = (e: unknown) => {
  const err = (e as { err?: unknown })?.err ?? e;
  return err instanceof Error ? `${err.message} (${(err as { code?: string }).code ?? ''})` : String(err);
};

function expectOk(what: string, r: Res, ctx?: Ctx): void {
  if (ctx) count(ctx, `${what} ${r.status}`);
  if (r.status >= 500) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.json)}${ctx ? `; logged: ${ctx.logged.map(errorText).join('; ')}` : ''}`);
}

async function liveTasks(ctx: Ctx, m: Model, states: string[]) {
  if (!m.tasks.length) return [];
  const rows = await ctx.h.db.store.db.selectFrom('tasks').select(['id', 'state', 'assignee_id']).where('id', 'in', m.tasks).execute();
  const order = new Map(m.tasks.map((id, i) => [id, i]));
  return rows.filter((r) => states.includes(r.state)).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

async function pendingOffers(ctx: Ctx, m: Model) {
  if (!m.tasks.length) return [];
  const rows = await ctx.h.db.store.db.selectFrom('offers').select(['id', 'task_id', 'agent_id']).where('state', '=', 'pending').where('task_id', 'in', m.tasks).execute();
  const order = new Map(m.tasks.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.task_id)! - order.get(b.task_id)! || (a.id < b.id ? -1 : 1));
}

const agentById = (ctx: Ctx, id: string | null) => ctx.agents.find((a) => a.id === id);

function captureBody(ctx: Ctx, c: CaptureSpec) {
  ctx.seq++;
  return {
    worktype: WORKTYPES[c.wt],
    title: `pp ${String(ctx.seq).padStart(5, '0')}`,
    attributes: { route: c.route },
    ...(c.priority !== null ? { priority: c.priority } : {}),
    ...(c.level !== null ? { skills: [{ skill: c.wt === 0 ? 'pp-a' : 'pp-b', minLevel: c.level }] } : {}),
  };
}

function remember(m: Model, t: { id: string; enteredQueueAt: string }) {
  m.tasks.push(t.id);
  m.entered.set(t.id, new Date(t.enteredQueueAt).getTime());
}

/**
 * Turns an action into a thunk against the current state (picks resolved now), so a group of
 * actions can be resolved first and then fired together. `forced` makes a task action target one
 * given task (racing actions on the same task).
 */
async function prepare(ctx: Ctx, m: Model, a: Action, forced: string | null): Promise<{ target: string | null; run: () => Promise<void> }> {
  const none = {
    target: null,
    run: async () => {
      count(ctx, `${a.k} (nothing to act on)`);
    },
  };
  const worker = (t: { assignee_id: string | null }, own: boolean) => (own && agentById(ctx, t.assignee_id)?.client) || ctx.sam;
  const taskFor = async (k: string, p: Pick) => {
    if (forced) {
      const row = await ctx.h.db.store.db.selectFrom('tasks').select(['id', 'state', 'assignee_id']).where('id', '=', forced).executeTakeFirst();
      return row ?? null;
    }
    const list = await liveTasks(ctx, m, FROM[k]!);
    return list.length ? list[p % list.length]! : null;
  };
  const offerFor = async (p: Pick) => {
    const list = await pendingOffers(ctx, m);
    if (forced) return list.find((o) => o.task_id === forced) ?? null;
    return list.length ? list[p % list.length]! : null;
  };
  const post = (c: Client, path: string, body?: unknown) => async () => {
    const r = await c.req('POST', path, body);
    expectOk(path.replace(/[0-9a-f-]{36}/g, ':id').replace('/api/v1', ''), r, ctx);
  };
  switch (a.k) {
    case 'capture':
      return {
        target: null,
        run: async () => {
          const r = await ctx.crm.req('POST', '/api/v1/tasks', captureBody(ctx, a));
          expectOk('capture', r, ctx);
          if (r.status !== 201) throw new Error(`capture: ${r.status} ${JSON.stringify(r.json)}`);
          remember(m, r.json);
        },
      };
    case 'bulk':
      return {
        target: null,
        run: async () => {
          const r = await ctx.crm.req('POST', '/api/v1/tasks/bulk', { tasks: a.items.map((c) => captureBody(ctx, c)) });
          expectOk('bulk', r, ctx);
          for (const i of r.json.items) {
            if (i.status !== 201) throw new Error(`bulk item: ${JSON.stringify(i)}`);
            remember(m, i.task);
          }
        },
      };
    case 'presence': {
      const ag = ctx.agents[a.agent]!;
      return {
        target: null,
        run: async () => {
          const r = await ag.client.req('PUT', '/api/v1/me/presence', { status: a.status, ...(a.status === 'not-ready' ? { reason: 'lunch' } : {}) });
          expectOk('presence', r, ctx);
          if (r.status !== 200) throw new Error(`presence: ${r.status} ${JSON.stringify(r.json)}`);
        },
      };
    }
    case 'accept':
    case 'decline': {
      const o = await offerFor(a.pick);
      if (!o) return none;
      const ag = agentById(ctx, o.agent_id);
      if (!ag) return none;
      return { target: o.task_id, run: post(ag.client, `/api/v1/offers/${o.id}/${a.k}`, a.k === 'decline' ? { reason: 'busy' } : undefined) };
    }
    case 'timeout': {
      const o = await offerFor(a.pick);
      if (!o) return none;
      return {
        target: o.task_id,
        run: async () => {
          try {
            await ctx.d.timeout(o.id);
            count(ctx, 'timeout ok');
          } catch (err) {
            count(ctx, 'timeout lost a race');
            // Lost a race with an accept or a decline: a 409 for the timer, nothing changed.
            if (!isProblem(err) || err.status >= 500) throw err;
          }
        },
      };
    }
    case 'assign': {
      const t = await taskFor(a.k, a.pick);
      if (!t) return none;
      return { target: t.id, run: post(ctx.sam, `/api/v1/tasks/${t.id}/assign`, { agent: ctx.agents[a.agent]!.id }) };
    }
    case 'claim': {
      const ag = ctx.agents[a.agent]!;
      const team = CONFIG.users.find((u) => u.email === emailOf(ag.name))!.teams[0]!;
      const bin = { both: 'queue:pp-both', pull: 'queue:pp-pull', team: `team:${team}`, personal: `personal:${ag.id}` }[a.bin];
      let taskId: string | undefined;
      if (forced) taskId = forced;
      else if (a.pick !== null) {
        const line = ctx.d.binLine(bin);
        taskId = line.length ? line[a.pick % line.length]!.id : undefined;
      }
      return { target: taskId ?? null, run: post(ag.client, `/api/v1/workbins/${encodeURIComponent(bin)}/claim`, taskId ? { taskId } : {}) };
    }
    case 'sleep':
      return { target: null, run: () => new Promise((res) => setTimeout(res, a.ms)) };
    default: {
      const t = await taskFor(a.k, a.pick);
      if (!t) return none;
      const c = worker(t, 'self' in a && a.self);
      const path = `/api/v1/tasks/${t.id}`;
      switch (a.k) {
        case 'transfer-queue':
          return { target: t.id, run: post(c, `${path}/transfer`, { queue: QUEUES[a.queue] }) };
        case 'transfer-agent':
          return { target: t.id, run: post(c, `${path}/transfer`, { agent: ctx.agents[a.agent]!.id }) };
        case 'pause':
          return { target: t.id, run: post(c, `${path}/pause`, { reason: 'waiting for the customer' }) };
        case 'resume':
          return { target: t.id, run: post(c, `${path}/resume`) };
        case 'escalate':
          return { target: t.id, run: post(c, `${path}/escalate`, { reason: 'needs an expert' }) };
        case 'pull-back':
          return { target: t.id, run: post(ctx.sam, `${path}/pull-back`, {}) };
        case 'cancel':
          return { target: t.id, run: post(ctx.sam, `${path}/cancel`, { reason: 'no longer needed' }) };
        case 'complete':
          return { target: t.id, run: post(c, `${path}/complete`, { wrapUpCode: 'processed' }) };
        case 'reschedule':
          return { target: t.id, run: async () => expectOk('reschedule', await c.req('POST', `${path}/reschedule`, { until: new Date(Date.now() + a.ms).toISOString() }), ctx) };
        case 'reclassify':
          return {
            target: t.id,
            run: async () => {
              m.touched.add(t.id);
              expectOk('reclassify', await c.req('POST', `${path}/reclassify`, { attributes: { route: a.route } }), ctx);
            },
          };
        case 'patch':
          return {
            target: t.id,
            run: async () => {
              m.touched.add(t.id);
              const wt = (await ctx.h.db.store.db.selectFrom('tasks').select('worktype').where('id', '=', t.id).executeTakeFirstOrThrow()).worktype;
              const skill = wt === 'pp-item' ? 'pp-a' : 'pp-b';
              const r = await c.req('PATCH', path, { priority: a.priority, ...(a.level !== null ? { skills: [{ skill, minLevel: a.level }] } : {}) });
              expectOk('patch', r, ctx);
              // A held task keeps its offer when its skills change: that offer was made against the old skills.
              if (r.status === 200 && r.json.state === 'offered')
                for (const o of await pendingOffers(ctx, m)) if (o.task_id === t.id) m.patchedWhileOffered.add(o.id);
            },
          };
      }
    }
  }
}

/** One step: one action, or 2–4 fired together (optionally all at the same task). */
class Step implements fc.AsyncCommand<Model, Ctx> {
  constructor(
    readonly actions: Action[],
    readonly same: boolean,
    /** When each action of a group starts (ms after the first). */
    readonly stagger: number[] = [],
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: Model, ctx: Ctx): Promise<void> {
    m.touched.clear();
    const desc = this.toString();
    m.log.push(desc);
    const thunks = [];
    let forced: string | null = null;
    for (const a of this.actions) {
      const p = await prepare(ctx, m, a, this.same ? forced : null);
      if (this.same && forced === null) forced = p.target;
      thunks.push(p.run);
    }
    if (thunks.length === 1) await thunks[0]!();
    else await Promise.all(thunks.map((f, i) => (this.stagger[i] ? sleep(this.stagger[i]!).then(f) : f())));
    await checkInvariants(ctx, m, desc);
  }
  toString(): string {
    const body = this.actions.map(show).join(', ');
    const stagger = this.stagger.some((x) => x) ? `(started at ${this.stagger.join('/')} ms)` : '';
    return this.actions.length === 1 ? body : `together${this.same ? '(same task)' : ''}${stagger}[${body}]`;
  }
}

const staggerArb = fc.constantFrom(0, 0, 2, 4, 7, 12);

const stepArb: fc.Arbitrary<fc.AsyncCommand<Model, Ctx>> = fc.oneof(
  { arbitrary: actionArb.map((a) => new Step([a], false)), weight: 4 },
  {
    arbitrary: fc
      .tuple(fc.array(actionArb.filter((a) => a.k !== 'sleep'), { minLength: 2, maxLength: 4 }), fc.boolean(), fc.array(staggerArb, { minLength: 4, maxLength: 4 }))
      .map(([as, same, stagger]) => new Step(as, same, stagger.slice(0, as.length))),
    weight: 1,
  },
  {
    // Someone becomes available (a routing round starts) while a task changes: the race at the commit of an offer.
    arbitrary: fc
      .tuple(agentIx, actionArb.filter((a) => 'pick' in a && a.k !== 'claim'), staggerArb)
      .map(([agent, a, later]) => new Step([{ k: 'presence', agent, status: 'available' }, a], false, [0, later])),
    weight: 1,
  },
);

// ---------------------------------------------------------------------------------------------
// Invariants

interface Snapshot {
  now: number;
  tasks: TaskRow[];
  byId: Map<string, TaskRow>;
  pending: { id: string; task_id: string; agent_id: string; step: string; reason: string; created_at: Date }[];
  fresh: { id: string; task_id: string; agent_id: string; state: string; step: string; reason: string; created_at: Date }[];
  refusals: { task_id: string; agent_id: string }[];
  presence: Map<string, string>;
  memory: {
    waiting: Map<string, { version: number; queueId: string; targetAgentId: string | null; teamBin: string | null; priority: number; skills: string }>;
    load: Map<string, Partial<Record<MediaType, number>>>;
    status: Map<string, PresenceStatus>;
    excluded: Map<string, Set<string>>;
  };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** A consistent view: database and memory read while the dispatcher did nothing (retried otherwise). */
async function snapshot(ctx: Ctx, m: Model): Promise<Snapshot> {
  const db = ctx.h.db.store.db;
  for (let attempt = 0; ; attempt++) {
    await ctx.d.idle();
    const gen = ctx.gen;
    const ids = m.tasks.length ? m.tasks : ['-'];
    const [tasks, offers, refusals, presence] = await Promise.all([
      db.selectFrom('tasks').selectAll().where((eb) => eb.or([eb('state', 'not in', FINAL), eb('id', 'in', ids)])).execute(),
      db.selectFrom('offers').select(['id', 'task_id', 'agent_id', 'state', 'step', 'reason', 'created_at']).where((eb) => eb.or([eb('state', '=', 'pending'), eb('task_id', 'in', ids)])).execute(),
      db.selectFrom('offers').select(['task_id', 'agent_id']).where('state', 'in', ['declined', 'timed-out']).execute(),
      db.selectFrom('presence').select(['user_id', 'status']).execute(),
    ]);
    const d = ctx.d as unknown as { pending: number; scheduled: boolean; excluded: Map<string, Set<string>> };
    if (gen !== ctx.gen || d.pending !== 0 || d.scheduled) {
      if (attempt > 50) throw new Error('the dispatcher never went quiet');
      continue;
    }
    const waiting = new Map(
      [...ctx.d.waiting.values()].map((w) => [w.id, { version: w.version, queueId: w.queueId, targetAgentId: w.targetAgentId ?? null, teamBin: w.teamBin ?? null, priority: w.priority, skills: JSON.stringify(w.skills) }]),
    );
    const load = new Map([...ctx.d.agents.agents.values()].map((a) => [a.id, { ...a.load }]));
    const status = new Map([...ctx.d.agents.agents.values()].map((a) => [a.id, a.status]));
    const excluded = new Map([...d.excluded].map(([k, v]) => [k, new Set(v)]));
    return {
      now: Date.now(),
      tasks,
      byId: new Map(tasks.map((t) => [t.id, t])),
      pending: offers.filter((o) => o.state === 'pending'),
      fresh: offers.filter((o) => !m.verified.has(o.id)),
      refusals,
      presence: new Map(presence.map((p) => [p.user_id, p.status])),
      memory: { waiting, load, status, excluded },
    };
  }
}

/** Everything but "nobody sits idle" (which depends on time): violations as sentences. */
function structural(ctx: Ctx, m: Model, s: Snapshot): string[] {
  const bad: string[] = [];
  const queues = ctx.h.app.services.config.snapshot.queues;
  // 1. One holder; offers match states.
  const pendingByTask = new Map<string, typeof s.pending>();
  for (const o of s.pending) pendingByTask.set(o.task_id, [...(pendingByTask.get(o.task_id) ?? []), o]);
  for (const [task, os] of pendingByTask) if (os.length > 1) bad.push(`inv1: task ${task} has ${os.length} pending offers (${os.map((o) => o.agent_id).join(', ')})`);
  for (const o of s.pending) {
    const t = s.byId.get(o.task_id);
    if (!t || t.state !== 'offered') bad.push(`inv1: pending offer ${o.id} on task ${o.task_id} in state ${t?.state}`);
  }
  for (const t of s.tasks) {
    const n = pendingByTask.get(t.id)?.length ?? 0;
    if (t.state === 'offered' && n !== 1) bad.push(`inv1: offered task ${t.id} has ${n} pending offers`);
    if (t.state === 'offered' && t.assignee_id) bad.push(`inv1: offered task ${t.id} also has assignee ${t.assignee_id}`);
    if ((t.state === 'assigned' || t.state === 'wrap-up') && !t.assignee_id) bad.push(`inv1: ${t.state} task ${t.id} has no assignee`);
    if (!HELD.includes(t.state) && n > 0) bad.push(`inv1: ${t.state} task ${t.id} has a pending offer`);
    // (A paused task may keep its agent, without using capacity; a waiting one belongs to nobody.)
    if (t.state === 'queued' && t.assignee_id) bad.push(`inv1: queued task ${t.id} keeps assignee ${t.assignee_id}`);
  }
  // 2. Capacity per media type, and memory equals the database.
  const held = new Map<string, Partial<Record<MediaType, number>>>();
  const add = (agent: string, media: string) => {
    const l = held.get(agent) ?? {};
    l[media as MediaType] = (l[media as MediaType] ?? 0) + 1;
    held.set(agent, l);
  };
  for (const o of s.pending) {
    const t = s.byId.get(o.task_id);
    if (t) add(o.agent_id, t.media_type);
  }
  for (const t of s.tasks) if ((t.state === 'assigned' || t.state === 'wrap-up') && t.assignee_id) add(t.assignee_id, t.media_type);
  for (const [agent, l] of held) {
    const cap = ctx.capacity.get(agent) ?? {};
    for (const [media, n] of Object.entries(l)) if (n > (cap[media as MediaType] ?? 0)) bad.push(`inv2: agent ${agent} holds ${n} ${media} (capacity ${cap[media as MediaType] ?? 0})`);
  }
  for (const [agent, mem] of s.memory.load) {
    const db = held.get(agent) ?? {};
    for (const media of new Set([...Object.keys(mem), ...Object.keys(db)]))
      if ((mem[media as MediaType] ?? 0) !== (db[media as MediaType] ?? 0)) bad.push(`inv2: agent ${agent} ${media} load in memory ${mem[media as MediaType] ?? 0}, in the database ${db[media as MediaType] ?? 0}`);
  }
  for (const agent of held.keys()) if (!s.memory.load.has(agent)) bad.push(`inv2: agent ${agent} holds work but routing does not know them`);
  for (const a of ctx.agents) {
    const db = s.presence.get(a.id) ?? 'offline';
    if (s.memory.status.get(a.id) !== db) bad.push(`presence: ${a.name} is ${s.memory.status.get(a.id)} in memory, ${db} in the database`);
  }
  // 3. Offers meet the target step at offer time (checked once, in the step that made them).
  for (const o of s.fresh) {
    const t = s.byId.get(o.task_id);
    m.verified.add(o.id);
    if (!t) continue;
    const pendingNow = o.state === 'pending';
    const accepted = o.state === 'accepted' && t.state === 'assigned' && t.assignee_id === o.agent_id && !m.touched.has(t.id);
    if (!pendingNow && !accepted) continue; // closed within the step; its task has moved on
    if (m.patchedWhileOffered.has(o.id)) continue;
    if (o.reason === 'transferred to this agent') {
      if (pendingNow && t.target_agent_id !== o.agent_id) bad.push(`inv3: personal offer ${o.id} to ${o.agent_id} but the task is for ${t.target_agent_id}`);
      continue;
    }
    if (pendingNow && t.target_agent_id) bad.push(`inv3: offer ${o.id} of personal task ${t.id} (for ${t.target_agent_id}) went to ${o.agent_id} as ${JSON.stringify(o.reason)}`);
    const q = queues.get(t.queue_id ?? '');
    if (!q) {
      bad.push(`inv3: offer ${o.id} for a task in unknown queue ${t.queue_id}`);
      continue;
    }
    if (q.distribution === 'pull') bad.push(`inv3: offer ${o.id} pushed from pull queue ${q.id}`);
    if (!q.members.has(o.agent_id)) bad.push(`inv3: offer ${o.id} of a ${q.id} task to non-member ${o.agent_id}`);
    const step = q.targetSteps.length ? q.targetSteps.find((x) => x.name === o.step) : DEFAULT_STEP;
    if (!step) {
      bad.push(`inv3: offer ${o.id} at step "${o.step}", which queue ${q.id} does not have`);
      continue;
    }
    const waited = o.created_at.getTime() - (t.entered_queue_at ?? t.created_at).getTime();
    if (step.afterSeconds * 1000 > waited + 100) bad.push(`inv3: offer ${o.id} at step ${step.name} (after ${step.afterSeconds}s) when the task had waited ${waited} ms`);
    const skills = ctx.skills.get(o.agent_id) ?? {};
    for (const r of t.skills as SkillRequirement[]) {
      const needs = requiredLevel(step, r.minLevel);
      if ((skills[r.skill] ?? 0) < needs) bad.push(`inv3: offer ${o.id} (${o.state}) of task ${t.id} to ${o.agent_id} with ${r.skill} ${skills[r.skill] ?? 0} < ${needs} at step ${step.name}`);
    }
  }
  // 5. The original entry time never changes.
  for (const id of m.tasks) {
    const t = s.byId.get(id);
    const at = (t?.entered_queue_at ?? t?.created_at)?.getTime();
    if (t && at !== m.entered.get(id)) bad.push(`inv5: task ${id} entered_queue_at moved from ${new Date(m.entered.get(id)!).toISOString()} to ${new Date(at!).toISOString()}`);
  }
  // 6. The waiting line in memory is the set of queued tasks, at their current version.
  const queued = s.tasks.filter((t) => t.state === 'queued');
  for (const t of queued) {
    const w = s.memory.waiting.get(t.id);
    if (!w) {
      bad.push(`inv6: queued task ${t.id} is not in the dispatcher's line`);
      continue;
    }
    const want = toWaiting(t);
    if (w.version !== t.version || w.queueId !== want.queueId || w.targetAgentId !== (want.targetAgentId ?? null) || w.teamBin !== (want.teamBin ?? null) || w.skills !== JSON.stringify(want.skills))
      bad.push(`inv6: the line has a stale copy of ${t.id}: ${JSON.stringify(w)} vs version ${t.version} in ${t.queue_id}`);
  }
  const queuedIds = new Set(queued.map((t) => t.id));
  for (const id of s.memory.waiting.keys()) if (!queuedIds.has(id)) bad.push(`inv6: the line holds ${id}, which is ${s.byId.get(id)?.state ?? 'final'} in the database`);
  // Exclusions are only ever agents who declined or let that task time out.
  const refused = new Set(s.refusals.map((r) => `${r.task_id}/${r.agent_id}`));
  for (const [task, agents] of s.memory.excluded) for (const a of agents) if (!refused.has(`${task}/${a}`)) bad.push(`excluded: ${a} is excluded from ${task} but never refused it`);
  if (ctx.logged.length) bad.push(`errors were logged: ${ctx.logged.map(errorText).join('; ')}`);
  return bad;
}

/** 4. No eligible agent sits idle while a task they may take waits to be pushed (computed from the database). */
function idleEligible(ctx: Ctx, s: Snapshot): string[] {
  const bad: string[] = [];
  const queues = ctx.d.routingQueues();
  const blending = ctx.d.blending;
  const load = new Map<string, Partial<Record<MediaType, number>>>();
  for (const o of s.pending) {
    const t = s.byId.get(o.task_id);
    if (!t) continue;
    const l = load.get(o.agent_id) ?? {};
    l[t.media_type as MediaType] = (l[t.media_type as MediaType] ?? 0) + 1;
    load.set(o.agent_id, l);
  }
  for (const t of s.tasks) {
    if ((t.state !== 'assigned' && t.state !== 'wrap-up') || !t.assignee_id) continue;
    const l = load.get(t.assignee_id) ?? {};
    l[t.media_type as MediaType] = (l[t.media_type as MediaType] ?? 0) + 1;
    load.set(t.assignee_id, l);
  }
  const agents: RoutingAgent[] = ctx.agents.map((a) => ({
    id: a.id,
    status: (s.presence.get(a.id) ?? 'offline') as PresenceStatus,
    skills: ctx.skills.get(a.id) ?? {},
    capacity: ctx.capacity.get(a.id) ?? {},
    load: load.get(a.id) ?? {},
    idleSince: 0,
  }));
  for (const t of s.tasks) {
    if (t.state !== 'queued' || t.team_bin) continue;
    const q = queues.get(t.queue_id ?? '');
    if (!q) continue;
    if (q.distribution === 'pull' && !t.target_agent_id) continue;
    const w = toWaiting(t);
    const task = { ...w, excludedAgents: s.memory.excluded.get(t.id) ?? new Set<string>() };
    const step = currentStep(q.targetSteps, (s.now - w.enteredQueueAt) / 1000);
    for (const a of agents) {
      const why = whyIneligible(task, q, a, step, blending);
      if (why === null) bad.push(`inv4: ${ctx.agents.find((x) => x.id === a.id)!.name} could take waiting task ${t.id} (${t.queue_id}, step ${step.name}) but it was not offered`);
    }
  }
  return bad;
}

async function checkInvariants(ctx: Ctx, m: Model, desc: string): Promise<void> {
  let s = await snapshot(ctx, m);
  const bad = structural(ctx, m, s);
  let idle = idleEligible(ctx, s);
  // A target step may have widened a moment ago: give the step timer its chance, then look again.
  for (let i = 0; idle.length && i < 3; i++) {
    await sleep(40);
    s = await snapshot(ctx, m);
    const again = new Set(idleEligible(ctx, s));
    idle = idle.filter((v) => again.has(v));
  }
  const all = [...bad, ...idle];
  if (!all.length) return;
  // What happened to the tasks named, to read the failure without a debugger.
  const named = [...new Set(all.flatMap((v) => v.match(/[0-9a-f]{8}-[0-9a-f-]{27}/g) ?? []))].filter((id) => m.tasks.includes(id));
  const events = named.length ? await ctx.h.db.store.db.selectFrom('events').select(['task_id', 'type', 'data']).where('task_id', 'in', named).orderBy('id').execute() : [];
  const names = new Map(ctx.agents.map((a) => [a.id, a.name]));
  const history = named.map((id) => `${id}: ${events.filter((e) => e.task_id === id).map((e) => `${e.type}${(e.data as { agent?: string }).agent ? `(${names.get((e.data as { agent: string }).agent) ?? '?'})` : ''}`).join(' > ')}`);
  throw new Error(`after ${desc}:\n  ${all.join('\n  ')}\nagents: ${ctx.agents.map((a) => `${a.name}=${a.id}`).join(', ')}\nhistory:\n  ${history.join('\n  ')}\nsteps so far:\n  ${m.log.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------

// Runs stop starting after the time budget (per database), so a slow machine runs fewer, not longer.
const NUM_RUNS = Number(process.env.PP_RUNS ?? 40);
const BUDGET_MS = Number(process.env.PP_BUDGET_MS ?? 8_000);
const MAX_COMMANDS = Number(process.env.PP_COMMANDS ?? 30);
const replay = process.env.PP_SEED ? { seed: Number(process.env.PP_SEED), ...(process.env.PP_PATH ? { path: process.env.PP_PATH } : {}) } : {};

describe.each(BACKENDS.filter((b) => !process.env.PP_BACKEND || b.backend === process.env.PP_BACKEND))('dispatcher properties on $backend', ({ backend, skip }) => {
  let ctx: Ctx;
  let restoreLog: () => void = () => {};

  beforeAll(async () => {
    if (skip) return;
    const h = await startHarness(backend);
    await applyConfig(h, CONFIG);
    const d = h.app.services.dispatcher;
    await d.idle();
    const agents: Agent[] = [];
    for (const name of AGENTS) {
      const client = await Client.login(h.base, emailOf(name), 'secret1');
      agents.push({ name, id: (await client.req('GET', '/api/v1/me')).json.user.id, client });
    }
    const ids = agents.map((a) => a.id);
    const [users, skills] = await Promise.all([
      h.db.store.db.selectFrom('users').select(['id', 'capacity']).where('id', 'in', ids).execute(),
      h.db.store.db.selectFrom('user_skills').selectAll().where('user_id', 'in', ids).execute(),
    ]);
    ctx = {
      h,
      d,
      crm: new Client(h.base, DEMO_KEY),
      sam: await Client.login(h.base, emailOf('sue'), 'secret1'),
      agents,
      skills: new Map(ids.map((id) => [id, Object.fromEntries(skills.filter((s) => s.user_id === id).map((s) => [s.skill_id, s.level]))])),
      capacity: new Map(users.map((u) => [u.id, u.capacity as Partial<Record<MediaType, number>>])),
      logged: [],
      gen: 0,
      seq: 0,
      stats: new Map(),
      jitter: [],
      jitterAt: 0,
    };
    // Count every exclusive step (so a snapshot can tell it was read while nothing moved), and
    // collect errors the dispatcher logs from rounds and timers.
    const exclusive = d.exclusive.bind(d);
    d.exclusive = <T>(fn: () => Promise<T>) => {
      ctx.gen++;
      return exclusive(fn);
    };
    // A round decides, then commits: a little delay before the commit lets concurrent changes land in between.
    const inner = d as unknown as { commitOffers: (...args: unknown[]) => Promise<void> };
    const commit = inner.commitOffers;
    inner.commitOffers = async function (this: unknown, ...args: unknown[]) {
      const ms = ctx.jitter.length ? ctx.jitter[ctx.jitterAt++ % ctx.jitter.length]! : 0;
      if (ms) await sleep(ms);
      return commit.apply(this, args);
    };
    const log = d.log as unknown as { error: (...args: unknown[]) => void };
    const error = log.error;
    log.error = (...args: unknown[]) => {
      ctx.logged.push(args[0]);
      error.apply(log, args);
    };
    restoreLog = () => {
      log.error = error;
    };
  }, 120_000);

  afterAll(async () => {
    restoreLog();
    await ctx?.h.close();
  });

  /** Every agent offline, every live task canceled: each run starts from a quiet floor. */
  async function reset(): Promise<void> {
    for (const a of ctx.agents) expectOk('reset presence', await a.client.req('PUT', '/api/v1/me/presence', { status: 'offline' }));
    for (let i = 0; ; i++) {
      await ctx.d.idle();
      const live = await ctx.h.db.store.db.selectFrom('tasks').select('id').where('state', 'not in', FINAL).where('worktype', 'in', [...WORKTYPES]).execute();
      if (!live.length) break;
      if (i > 5) throw new Error('reset: tasks keep coming back');
      for (const t of live) expectOk('reset cancel', await ctx.sam.req('POST', `/api/v1/tasks/${t.id}/cancel`, { reason: 'reset' }));
    }
    await ctx.d.idle();
    ctx.logged.length = 0;
  }

  it.skipIf(skip)('regression: a pull-back or transfer racing an accept, decline or timeout of the same offer answers 200 or 409, never 500 (deadlock)', async () => {
    await reset();
    const m = newModel();
    const ann = ctx.agents[0]!;
    for (let i = 0; i < 12; i++) {
      expectOk('presence', await ann.client.req('PUT', '/api/v1/me/presence', { status: 'available' }), ctx);
      await (await prepare(ctx, m, { k: 'capture', wt: 0, route: 'default', priority: null, level: null }, null)).run();
      await ctx.d.idle();
      const [offer] = await pendingOffers(ctx, m);
      expect(offer, 'offered to Ann').toBeTruthy();
      const { id, task_id: task } = offer!;
      const answer = [
        () => ann.client.req('POST', `/api/v1/offers/${id}/accept`),
        () => ann.client.req('POST', `/api/v1/offers/${id}/decline`, {}),
        () => ctx.d.timeout(id).then(() => ({ status: 200, json: null }), (err) => ({ status: isProblem(err) ? err.status : 500, json: String(err) })),
      ][i % 3]!;
      const change = i % 2 ? () => ctx.sam.req('POST', `/api/v1/tasks/${task}/pull-back`, {}) : () => ctx.sam.req('POST', `/api/v1/tasks/${task}/transfer`, { queue: 'pp-esc' });
      const [a, b] = await Promise.all([change(), answer()]);
      expect([a.status, b.status], `${JSON.stringify(a.json)} ${JSON.stringify(b.json)} ${ctx.logged.map(errorText).join('; ')}`).not.toContain(500);
      await checkInvariants(ctx, m, `race #${i}`);
      expectOk('cancel', await ctx.sam.req('POST', `/api/v1/tasks/${task}/cancel`, { reason: 'done' }), ctx);
    }
  });

  it.skipIf(skip)('regression: a task changed while a routing round commits is not offered on the stale decision', async () => {
    // The round decides, then awaits its transaction; a transfer, pause or PATCH that commits in
    // that gap used to have its new version picked up from the line, so the old decision committed
    // (offer to a non-member / an agent without the skill), or the round crashed on a task that had left.
    const d = ctx.d as unknown as { commitOffers: (...args: unknown[]) => Promise<void> };
    const commit = d.commitOffers;
    const changes: [string, (task: string) => Promise<Res>][] = [
      ['transfer to a queue Ann is not in', (task) => ctx.sam.req('POST', `/api/v1/tasks/${task}/transfer`, { queue: 'pp-mail' })],
      ['pause', (task) => ctx.sam.req('POST', `/api/v1/tasks/${task}/pause`, { reason: 'waiting for the customer' })],
      ['skills above Ann', (task) => ctx.sam.req('PATCH', `/api/v1/tasks/${task}`, { skills: [{ skill: 'pp-a', minLevel: 95 }] })],
    ];
    for (const [what, change] of changes) {
      await reset();
      const m = newModel();
      await (await prepare(ctx, m, { k: 'capture', wt: 0, route: 'default', priority: null, level: null }, null)).run();
      const task = m.tasks[0]!;
      let open!: () => void;
      const gate = new Promise<void>((res) => (open = res));
      let reached!: () => void;
      const deciding = new Promise<void>((res) => (reached = res));
      d.commitOffers = async function (this: unknown, ...args: unknown[]) {
        reached();
        await gate; // the transaction's BEGIN, slowed down
        return commit.apply(this, args);
      };
      try {
        expectOk('presence', await ctx.agents[0]!.client.req('PUT', '/api/v1/me/presence', { status: 'available' }), ctx);
        await deciding; // the round has offered the task to Ann, not yet committed
        const r = await change(task);
        expect(r.status, `${what}: ${JSON.stringify(r.json)}`).toBe(200);
      } finally {
        d.commitOffers = commit;
        open();
      }
      await checkInvariants(ctx, m, what);
      const offers = await ctx.h.db.store.db.selectFrom('offers').select('state').where('task_id', '=', task).execute();
      expect(offers, what).toEqual([]);
    }
  });

  it.skipIf(skip)('regression: after-work never overrides a status the agent chose while completing', async () => {
    // complete -> after-work checked "available" in memory, then wrote after-work; a PUT offline
    // committed in between was overwritten, and a second later the agent was available again.
    await reset();
    const m = newModel();
    const ann = ctx.agents[0]!;
    expectOk('presence', await ann.client.req('PUT', '/api/v1/me/presence', { status: 'available' }), ctx);
    await (await prepare(ctx, m, { k: 'capture', wt: 0, route: 'both', priority: null, level: null }, null)).run();
    await ctx.d.idle();
    const [offer] = await pendingOffers(ctx, m);
    expect(offer?.agent_id, 'offered to Ann').toBe(ann.id);
    expectOk('accept', await ann.client.req('POST', `/api/v1/offers/${offer!.id}/accept`), ctx);
    // Hold the dispatcher's next transaction (the after-work write) until Ann has gone offline.
    const inner = ctx.d as unknown as { db: Dispatcher['db'] };
    const real = inner.db;
    let open!: () => void;
    const gate = new Promise<void>((res) => (open = res));
    let reached!: () => void;
    const writing = new Promise<void>((res) => (reached = res));
    let armed = true;
    inner.db = new Proxy(real, {
      get(target, prop) {
        if (prop === 'transaction' && armed) {
          armed = false;
          return () => ({
            execute: async (fn: never) => {
              reached();
              await gate;
              return target.transaction().execute(fn);
            },
          });
        }
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    try {
      const done = ann.client.req('POST', `/api/v1/tasks/${offer!.task_id}/complete`, { wrapUpCode: 'processed' });
      await writing;
      expectOk('presence', await ann.client.req('PUT', '/api/v1/me/presence', { status: 'offline' }), ctx);
      open();
      expectOk('complete', await done, ctx);
    } finally {
      inner.db = real;
      open();
    }
    await checkInvariants(ctx, m, 'complete racing offline');
    await sleep(1300); // past the after-work time
    await checkInvariants(ctx, m, 'after-work time over');
    expect(ctx.d.agents.get(ann.id)?.status).toBe('offline');
    expect((await ann.client.req('GET', '/api/v1/me/presence')).json.status).toBe('offline');
  });

  it.skipIf(skip)('random interleavings of routing, lifecycle, presence, claims and timers keep every invariant', async () => {
    const started = Date.now();
    let runs = 0;
    let steps = 0;
    let failed = false;
    await fc.assert(
      fc.asyncProperty(presencesArb, jitterArb, fc.commands([stepArb], { maxCommands: MAX_COMMANDS, size: 'max', ...(process.env.PP_REPLAY ? { replayPath: process.env.PP_REPLAY } : {}) }), async (presence, jitter, cmds) => {
        // Past the budget a run does nothing, unless a failure is being shrunk.
        if (!failed && Date.now() - started > BUDGET_MS) return;
        runs++;
        steps += [...cmds].length;
        try {
          ctx.jitter = jitter;
          ctx.jitterAt = 0;
          await reset();
          const m = newModel();
          for (const [i, status] of presence.entries()) await (await prepare(ctx, m, { k: 'presence', agent: i, status }, null)).run();
          m.log.push(`start: ${presence.map((p, i) => `${AGENTS[i]} ${p}`).join(', ')}`);
          await checkInvariants(ctx, m, 'start');
          await fc.asyncModelRun(() => ({ model: m, real: ctx }), cmds);
        } catch (err) {
          failed = true;
          throw err;
        }
      }),
      { numRuns: NUM_RUNS, ...replay },
    );
    const stats = [...ctx.stats].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    ctx.jitter = [];
    console.log(`dispatcher properties on ${backend}: ${runs} runs, ${steps} steps in ${((Date.now() - started) / 1000).toFixed(1)} s${process.env.PP_STATS ? `\n  ${stats.join('\n  ')}` : ''}`);
  }, BUDGET_MS * 2 + 120_000);
});
