import { AgentCrowd, bulkLoad } from '../lib/agents.js';
import { CPU_ROWS, cpuNow, cpuPer, cpuValues, type CpuSample } from '../lib/cpu.js';
import { freshPostgres, type BenchDatabase } from '../lib/pg.js';
import { pgBossDispatch } from '../lib/peers.js';
import type { Context, Scenario } from '../lib/scenario.js';
import { startWorklane, type ServerProcess } from '../lib/server.js';
import { countOf, prepareDatabase, routedTask, routingConfig, type Agent, type RoutingShape } from '../lib/setup.js';
import { waitFor } from '../lib/util.js';
import { AUTH } from './capture.js';

export interface DispatchOutcome {
  assigned: number;
  perSecond: number;
  loadPerSecond: number;
  errors: number;
  /** CPU per assignment (and its completion) from "available" to the end of the window. */
  cpu: CpuSample;
}

/**
 * `tasks` queued tasks (captured through the bulk API while every agent is offline), then every
 * agent goes available at once; each agent completes through the API every task it is assigned
 * (queues auto-answer), which frees its capacity for the next. The rate is assignments seen on the
 * agents' streams per second, from the first "available" to the last assignment; the database must
 * hold as many committed task.assigned events (checked by the caller once the server stopped).
 */
export async function runDispatch(ctx: Context, server: ServerProcess, agents: Agent[], shape: RoutingShape, tasks: number, seconds = ctx.sizes.dispatchSeconds): Promise<DispatchOutcome> {
  const crowd = new AgentCrowd(server.base, agents);
  try {
    const loadPerSecond = await bulkLoad(server.base, AUTH, tasks, (i) => routedTask(i, shape));
    ctx.log(`${tasks} tasks queued (${Math.round(loadPerSecond)} tasks/s through the bulk API); ${agents.length} agents`);
    const seen = new Set<string>();
    let completed = 0;
    let lastAssigned = 0;
    await crowd.connect((agent, m, at) => {
      if (m.type !== 'task.updated' || m.task.state !== 'assigned' || m.task.assignee !== agent.id || seen.has(m.task.id)) return;
      seen.add(m.task.id);
      lastAssigned = at;
      crowd.act(agent, 'POST', `/api/v1/tasks/${m.task.id}/complete`, {}, () => completed++);
    });
    const t0 = performance.now();
    const c0 = cpuNow(server.pid);
    await crowd.setPresence('available');
    const bound = seconds;
    const all = await waitFor(() => completed >= tasks || crowd.errors > 0, bound * 1000, 5);
    // Bounded: the rate is what was assigned within the window (the queues were never empty).
    const assigned = seen.size;
    const cpu = cpuPer(c0, cpuNow(server.pid), assigned);
    const elapsed = all ? (lastAssigned - t0) / 1000 : (performance.now() - t0) / 1000;
    if (crowd.errors) throw new Error(`agents failed ${crowd.errors} action(s); last: ${crowd.lastError}`);
    if (!all) ctx.log(`${assigned} of ${tasks} assigned within the ${bound} s window`);
    return { assigned, perSecond: assigned / elapsed, loadPerSecond, errors: crowd.errors, cpu };
  } finally {
    crowd.close();
  }
}

/** Fails when fewer assignments were committed than the agents were told about. */
export async function checkAssignments(db: BenchDatabase, announced: number): Promise<void> {
  const committed = await countOf(db, "select count(*) as n from events where type = 'task.assigned'");
  if (committed < announced) throw new Error(`${announced} assignments announced, only ${committed} committed`);
}

export const dispatch: Scenario = {
  name: 'dispatch',
  title: 'queued tasks to skilled agents, auto-answer and complete, side by side with pg-boss fetch + complete',
  needsPostgres: true,
  setup: (s) =>
    `${s.dispatchTasks.toLocaleString('en-US')} queued tasks in ${s.dispatchQueues} queues (each requires one skill; 2 target steps), ` +
    `${s.dispatchAgents.toLocaleString('en-US')} agents with 2–5 of ${s.dispatchSkills} skills (levels 40–100), capacity ${s.dispatchCapacity} work items, each on its own WebSocket and HTTP connection; ` +
    'queues auto-answer; each agent completes every assigned task through the API at once, which frees capacity. ' +
    `pg-boss: the same number of jobs in ${s.dispatchQueues} queues, as many loops as agents (${s.dispatchAgents.toLocaleString('en-US')}) of fetch (batchSize 1) + complete. ` +
    `Each system is measured until every task is done or ${s.dispatchSeconds} s pass. ` +
    'Then Worklane again on a fresh database with every queue aging priority (1 a minute up to 30, urgency up to 50 in the last hour before due), so a round orders whole lines at its time.',
  rows: [
    { key: 'rate', label: 'Worklane committed assignments', unit: '/s', target: { op: '>=', value: 20_000 } },
    { key: 'pgboss', label: 'pg-boss 10 fetch + complete', unit: 'jobs/s' },
    { key: 'vsPgboss', label: 'Worklane ÷ pg-boss (same run)', unit: '×', target: { op: '>=', value: 5 } },
    { key: 'assigned', label: 'tasks assigned within the window', unit: 'tasks' },
    { key: 'aging', label: 'the same with every queue aging priority (as the demo\'s queues do)', unit: '/s' },
    { key: 'agingAssigned', label: 'tasks assigned within the window, queues aging priority', unit: 'tasks' },
    { key: 'queueRate', label: 'queueing the tasks through the bulk API', unit: 'tasks/s' },
    ...CPU_ROWS('assignment (and its completion)'),
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshPostgres();
    try {
      const shape: RoutingShape = { queues: s.dispatchQueues, skills: s.dispatchSkills, agents: s.dispatchAgents, capacity: s.dispatchCapacity, autoAnswer: true };
      const worklane = async (which: RoutingShape, db: BenchDatabase) => {
        const agents = await prepareDatabase(db, routingConfig(which));
        const server = await startWorklane({ db, cpuProfDir: ctx.cpuProfDir, readyTimeoutMs: s.maxWaitSeconds * 1000 });
        let wl;
        try {
          wl = await runDispatch(ctx, server, agents, which, s.dispatchTasks);
        } finally {
          await server.stop();
        }
        await checkAssignments(db, wl.assigned);
        ctx.log(`worklane${which.aging ? ', queues aging priority,' : ''} ${Math.round(wl.perSecond)} assignments/s (${wl.assigned} assigned and committed)`);
        return wl;
      };
      const wl = await worklane(shape, db);
      const agedDb = await freshPostgres();
      const aged = await worklane({ ...shape, aging: true }, agedDb).finally(() => agedDb.drop());
      const boss = await pgBossDispatch(db.url!, s.dispatchTasks, s.dispatchQueues, s.dispatchAgents, s.dispatchSeconds);
      ctx.log(`pg-boss ${Math.round(boss.perSecond)} fetch+complete/s (${boss.done} jobs)`);
      return { values: { rate: wl.perSecond, pgboss: boss.perSecond, vsPgboss: wl.perSecond / boss.perSecond, assigned: wl.assigned, aging: aged.perSecond, agingAssigned: aged.assigned, queueRate: wl.loadPerSecond, ...cpuValues(wl.cpu) } };
    } finally {
      await db.drop();
    }
  },
};
