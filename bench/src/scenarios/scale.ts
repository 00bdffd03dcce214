import { decideOffers, decideOffersFromLines, linesOf, type OfferDecision, type RoutingAgent, type RoutingChanges, type RoutingQueue, type RoutingTask } from '@worklane/core';
import { AgentCrowd, bulkLoad } from '../lib/agents.js';
import { freshPostgres, query } from '../lib/pg.js';
import type { Scenario, Sizes } from '../lib/scenario.js';
import { startWorklane, type ServerProcess } from '../lib/server.js';
import { prepareDatabase, routedTask, routingConfig, type RoutingShape } from '../lib/setup.js';
import { allocatedPerCall, collectYoungGeneration, percentile, prng, sleep, waitFor } from '../lib/util.js';
import { AUTH } from './capture.js';
import { StreamHub, WaitingLine, binAudience, caseAudience } from '@worklane/server';

/** Polls until the count stops moving for `quietMs` (bounded by `maxMs`). */
async function settle(read: () => Promise<number>, quietMs: number, maxMs: number): Promise<number> {
  const until = Date.now() + maxMs;
  let last = await read();
  let since = Date.now();
  while (Date.now() < until) {
    await sleep(250);
    const now = await read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

/** The scenario's shape for the pure rounds, in this process: every agent available and at capacity except one with a free slot, all tasks waiting. */
function roundShape(s: Sizes) {
  const rnd = prng(7);
  const now = Date.now();
  const agents: RoutingAgent[] = Array.from({ length: s.scaleAgents }, (_, i) => {
    const skills: Record<string, number> = { [`s${i % s.scaleSkills}`]: 40 + Math.floor(rnd() * 61) };
    const n = 2 + Math.floor(rnd() * 4);
    while (Object.keys(skills).length < n) skills[`s${Math.floor(rnd() * s.scaleSkills)}`] = 40 + Math.floor(rnd() * 61);
    return { id: `a${i}`, status: 'available', skills, capacity: { workitem: s.scaleCapacity }, load: { workitem: i === 0 ? s.scaleCapacity - 1 : s.scaleCapacity }, idleSince: now - i };
  });
  const members = new Map<string, Set<string>>();
  for (const a of agents) for (const sk of Object.keys(a.skills)) members.set(sk, (members.get(sk) ?? new Set()).add(a.id));
  const queues = new Map<string, RoutingQueue>();
  for (let q = 0; q < s.scaleQueues; q++)
    queues.set(`q${q}`, { id: `q${q}`, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 50 }, { name: 'anyone', afterSeconds: 30, minLevel: 0 }], agentChoice: ['proficiency', 'idle', 'load'], members: members.get(`s${q % s.scaleSkills}`) ?? new Set(), distribution: 'push' });
  const tasks: RoutingTask[] = Array.from({ length: s.scaleTasks }, (_, i) => ({
    id: `t${i}`, queueId: `q${i % s.scaleQueues}`, priority: 20, dueAt: null, enteredQueueAt: now - i, skills: [{ skill: `s${(i % s.scaleQueues) % s.scaleSkills}` }], mediaType: 'workitem',
  }));
  return { agents, queues, tasks, now };
}

/**
 * The pure routing round (core's decideOffers) on that shape: isolates the decision from I/O; the
 * end-to-end row above includes it. `incremental`: the round the server runs when
 * that one agent frees a slot (core's decideOffersFromLines over kept lines, only that agent
 * changed), its median in microseconds over many rounds, and the heap bytes it allocates (what
 * brings the young generation's collections, which a probe that meets one waits for).
 */
async function pureRound(s: Sizes, rounds: number): Promise<{ full: number; incremental: number; allocated: number; aging: number }> {
  const { agents, queues, tasks, now } = roundShape(s);
  const times: number[] = [];
  let decided: OfferDecision[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    decided = decideOffers({ tasks, agents, queues, now });
    times.push(performance.now() - t0);
  }
  const whole = JSON.stringify(decided);
  const lines = linesOf(tasks);
  const free = agents.filter((a) => a.load.workitem! < s.scaleCapacity);
  const changed = { agents: new Set(free.map((a) => a.id)), tasks: [] };
  const incremental = () => decideOffersFromLines({ lines, agents: free, queues, now, changed });
  const inc: number[] = [];
  for (let r = 0; r < 2000; r++) {
    const t0 = performance.now();
    const offers = incremental();
    inc.push(performance.now() - t0);
    // Only the free agent changed since a round that left nothing eligible: the same offers as the whole round.
    if (r === 0 && JSON.stringify(offers) !== whole) throw new Error(`incremental round ${JSON.stringify(offers)} differs from the whole round ${whole}`);
  }
  const allocated = await allocatedPerCall(incremental);
  return { full: percentile(times, 99), incremental: percentile(inc, 50) * 1000, allocated: allocated / 1024, aging: agingRound(tasks, queues, free, now, changed) };
}

/** The demo queues' policy: 1 a minute up to 30, up to 50 more in the last hour before due. */
const AGING = { agingPerMinute: 1, agingMax: 30, urgencyWindowMinutes: 60, urgencyMax: 50 };

/**
 * The same incremental round with every queue aging priority, over the server's own waiting line
 * (routing/line.ts: lines in pieces of 512, their bounds remembered): each line the free agent may
 * take from is read through core's aging cursor. Median in microseconds.
 */
function agingRound(tasks: RoutingTask[], queues: Map<string, RoutingQueue>, agents: RoutingAgent[], now: number, changed: RoutingChanges): number {
  const aging = new Map([...queues].map(([id, q]) => [id, { ...q, priorityPolicy: AGING }]));
  const kept = new WaitingLine<RoutingTask>();
  kept.setMany(tasks);
  const times: number[] = [];
  for (let r = 0; r < 2000; r++) {
    const t0 = performance.now();
    decideOffersFromLines({ lines: kept, agents, queues: aging, now: now + r, changed });
    times.push(performance.now() - t0);
  }
  return percentile(times, 50) * 1000;
}

interface FanOut {
  p50: number;
  max: number;
  sent: number;
}

/**
 * One flush of "workbins changed", and one of "cases changed", with every agent and some
 * supervisors connected, in this process: the server's hub and audiences (core's rules) over a
 * configuration of the same shape, sockets that only count. 1 queue in 10 is pulled from (its
 * members hear of its bin); 15 bins change per flush. 15 cases change per flush, each with a task
 * in a queue (whose members may open it) held by an agent; the cases' facts come from memory here
 * (the server reads them from the database: two reads by index per flush).
 */
async function fanOut(s: Sizes, flushes: number): Promise<{ bins: FanOut; cases: FanOut }> {
  const rnd = prng(11);
  const teams = new Map<string, Set<string>>(Array.from({ length: s.scaleSkills }, (_, k) => [`t${k}`, new Set<string>()]));
  for (let i = 0; i < s.scaleAgents; i++) {
    const n = 2 + Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) teams.get(`t${(i + k * 37) % s.scaleSkills}`)!.add(`a${i}`);
  }
  const supervisors = Math.max(2, Math.round(s.scaleAgents / 500));
  for (let j = 0; j < supervisors; j++) for (let k = 0; k < 10; k++) teams.get(`t${(j * 10 + k) % s.scaleSkills}`)!.add(`s${j}`);
  const queues = new Map(Array.from({ length: s.scaleQueues }, (_, q) => {
    const team = `t${q % s.scaleSkills}`;
    return [`q${q}`, { id: `q${q}`, teams: new Set([team]), members: teams.get(team)!, distribution: q % 10 === 0 ? 'pull' : 'push' }];
  }));
  const config = { snapshot: { teams, queues } } as never;
  const facts = new Map(Array.from({ length: 15 }, (_, k) => [`c${k}`, { createdBy: 'api-key:crm', tasks: [{ queueId: `q${(k * 7) % s.scaleQueues}`, assigneeId: `a${k * 13}`, targetAgentId: null, teamBin: null }] }]));
  const hub = new StreamHub(binAudience(config), caseAudience(config, async (ids) => new Map(ids.map((id) => [id, facts.get(id)!]))));
  let sent = 0;
  const socket = { readyState: 1, send: () => void sent++ } as never;
  for (let i = 0; i < s.scaleAgents; i++) hub.add(socket, `a${i}`, ['agent']);
  for (let j = 0; j < supervisors; j++) hub.add(socket, `s${j}`, ['supervisor']);
  const bins = [...Array.from({ length: 12 }, (_, k) => `queue:q${(k * 3) % s.scaleQueues}`), 'team:t1', 'personal:a7', 'personal:a9'];
  const time = async (flush: () => unknown): Promise<FanOut> => {
    const times: number[] = [];
    for (let f = 0; f < flushes; f++) {
      sent = 0;
      const t0 = performance.now();
      await flush();
      times.push(performance.now() - t0);
    }
    return { p50: percentile(times, 50), max: Math.max(...times), sent };
  };
  return { bins: await time(() => hub.binsChanged(bins)), cases: await time(() => hub.casesChanged([...facts.keys()])) };
}

export const scale: Scenario = {
  name: 'scale',
  title: 'many open tasks and agents: memory, decision time, restart until ready',
  needsPostgres: true,
  setup: (s) =>
    `${s.scaleTasks.toLocaleString('en-US')} open (queued) tasks in ${s.scaleQueues} queues, ${s.scaleAgents.toLocaleString('en-US')} agents with 2–5 of ${s.scaleSkills} skills, capacity ${s.scaleCapacity}, auto-answer, every agent on its own WebSocket. ` +
    'Tasks are captured through the bulk API while agents are offline; then every agent goes available and gets work up to capacity. ' +
    `Decision time: ${s.scaleProbes} probe agents each complete one task; time from the complete's answer to the next assignment on the agent's stream (end to end: release, a routing round with every task waiting, commit, push). ` +
    'Memory: resident set of the server process (after load, and after restart). Restart: SIGTERM, new process, until /readyz answers.',
  rows: [
    { key: 'rss', label: 'server memory (RSS, max of the two)', unit: 'MiB', target: { op: '<=', value: 2048 } },
    { key: 'decideP99', label: 'decision time end to end p99', unit: 'ms', target: { op: '<=', value: 5 } },
    { key: 'decideP50', label: 'decision time end to end p50', unit: 'ms' },
    { key: 'pureP99', label: 'pure routing round (core decideOffers) p99', unit: 'ms' },
    { key: 'incrementalP50', label: 'pure incremental round when one agent frees a slot (core decideOffersFromLines) p50', unit: 'µs' },
    { key: 'incrementalKB', label: 'the same round: heap allocated (median of batches without a collection)', unit: 'KB' },
    { key: 'agingP50', label: 'the same round with every queue aging priority, lines in pieces of 512 (core\'s aging cursor) p50', unit: 'µs' },
    { key: 'restart', label: 'restart until ready', unit: 's', target: { op: '<=', value: 20 } },
    { key: 'fanoutP50', label: 'workbin notice, every agent connected: one flush of 15 bins, p50', unit: 'ms' },
    { key: 'fanoutMax', label: 'the same, slowest of 20 flushes', unit: 'ms' },
    { key: 'caseFanoutP50', label: 'case notice, every agent connected: one flush of 15 cases, p50', unit: 'ms' },
    { key: 'caseFanoutMax', label: 'the same, slowest of 20 flushes', unit: 'ms' },
    { key: 'queueRate', label: 'queueing the tasks through the bulk API', unit: 'tasks/s' },
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshPostgres();
    let server: ServerProcess | undefined;
    let crowd: AgentCrowd | undefined;
    try {
      const shape: RoutingShape = { queues: s.scaleQueues, skills: s.scaleSkills, agents: s.scaleAgents, capacity: s.scaleCapacity, autoAnswer: true };
      const agents = await prepareDatabase(db, routingConfig(shape));
      server = await startWorklane({ db, cpuProfDir: ctx.cpuProfDir, readyTimeoutMs: s.maxWaitSeconds * 1000 });
      const queueRate = await bulkLoad(server.base, AUTH, s.scaleTasks, (i) => routedTask(i, shape));
      ctx.log(`${s.scaleTasks} tasks queued at ${Math.round(queueRate)}/s`);
      crowd = new AgentCrowd(server.base, agents);
      const probes = agents.slice(0, s.scaleProbes);
      const assignedTo = new Map<string, { id: string; at: number }[]>();
      // Every agent on its own stream, as every agent's browser would be; the probes' are watched.
      const probed = new Set(probes.map((p) => p.id));
      await crowd.connect((agent, m, at) => {
        if (!probed.has(agent.id)) return;
        if (m.type === 'task.updated' && m.task.state === 'assigned' && m.task.assignee === agent.id) assignedTo.set(agent.id, [...(assignedTo.get(agent.id) ?? []), { id: m.task.id, at }]);
      });
      await crowd.setPresence('available');
      // Settled = the assigned count stopped moving and no transaction of the server is open (a
      // routing round commits all its offers in one transaction, so the count alone jumps late).
      const dbName = new URL(db.url!).pathname.slice(1);
      const held = await settle(async () => {
        const [row] = await query<{ n: number; busy: number }>(db.url!,
          `select (select count(*)::int from tasks where state = 'assigned') as n,
                  (select count(*)::int from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and state <> 'idle') as busy`, [dbName]);
        return row!.busy > 0 ? -Date.now() : row!.n; // busy: never "unchanged"
      }, s.preset === 'smoke' ? 300 : 1500, s.maxWaitSeconds * 1000);
      ctx.log(held < 0 ? `still committing assignments after ${s.maxWaitSeconds} s` : `${held} tasks held by agents after everyone went available (capacity ${s.scaleAgents * s.scaleCapacity})`);
      const rssLoaded = server.rssMiB();
      const lat: number[] = [];
      let idle = 0;
      let late = 0;
      const probeUntil = Date.now() + Math.min(60, s.maxWaitSeconds) * 1000; // the whole probe phase is bounded too
      for (const p of probes) {
        if (Date.now() > probeUntil) break;
        const mine = assignedTo.get(p.id) ?? [];
        const one = mine[0];
        if (!one) {
          idle++; // all its skills below the primary step: nothing until the wider step
          continue;
        }
        const before = mine.length;
        let answeredAt = 0;
        collectYoungGeneration(); // the load generator's own pauses are not the server's decision time
        crowd.act(p, 'POST', `/api/v1/tasks/${one.id}/complete`, {}, (at) => (answeredAt = at));
        const got = await waitFor(() => (assignedTo.get(p.id)?.length ?? 0) > before && answeredAt > 0, 5_000, 1);
        if (got) {
          const ms = assignedTo.get(p.id)![before]!.at - answeredAt;
          lat.push(Math.max(0, ms));
          // The answer's wall-clock time and the decision time, to set beside GC or PostgreSQL logs.
          if (process.env.BENCH_PROBE_TIMES) process.stderr.write(`probe ${(performance.timeOrigin + answeredAt).toFixed(1)} ${ms.toFixed(2)}\n`);
        } else late++;
      }
      if (crowd.errors) throw new Error(`probe failed: ${crowd.lastError}`);
      crowd.close();
      await server.stop();
      server = await startWorklane({ db, readyTimeoutMs: s.maxWaitSeconds * 1000 });
      const restart = server.readyMs / 1000;
      await sleep(1000);
      const rssRestarted = server.rssMiB();
      await server.stop();
      const pure = await pureRound(s, s.preset === 'smoke' ? 2 : 5);
      const fan = await fanOut(s, 20);
      for (const [what, f] of Object.entries(fan)) ctx.log(`${what} notice with ${s.scaleAgents} agents connected: p50 ${f.p50.toFixed(2)} ms, max ${f.max.toFixed(2)} ms, ${f.sent} messages a flush`);
      const values = { rss: Math.max(rssLoaded, rssRestarted), decideP99: percentile(lat, 99), decideP50: percentile(lat, 50), pureP99: pure.full, incrementalP50: pure.incremental, incrementalKB: pure.allocated, agingP50: pure.aging, restart, queueRate, fanoutP50: fan.bins.p50, fanoutMax: fan.bins.max, caseFanoutP50: fan.cases.p50, caseFanoutMax: fan.cases.max };
      ctx.log(`decision times (ms, in probe order): ${lat.map((x) => x.toFixed(1)).join(" ")}`);
      ctx.log(`rss ${Math.round(rssLoaded)} / ${Math.round(rssRestarted)} MiB, decision p50 ${values.decideP50.toFixed(1)} p99 ${values.decideP99.toFixed(1)} ms (${lat.length} samples), pure round p99 ${pure.full.toFixed(1)} ms, restart ${restart.toFixed(1)} s`);
      return {
        values,
        notes: [
          ...(idle ? [`${idle} of ${probes.length} probe agents held no task (every skill below the primary step's level): not probed`] : []),
          ...(late ? [`${late} probe(s) got no new task within 5 s: not counted in the percentiles`] : []),
        ],
      };
    } finally {
      crowd?.close();
      await server?.stop();
      await db.drop();
    }
  },
};
