import { AgentCrowd } from '../lib/agents.js';
import { CPU_ROWS, cpuNow, cpuPer, cpuValues } from '../lib/cpu.js';
import { HttpClient, must } from '../lib/http.js';
import { freshPostgres, query } from '../lib/pg.js';
import type { Scenario } from '../lib/scenario.js';
import { startWorklane } from '../lib/server.js';
import { BENCH_API_KEY, prepareDatabase, type ConfigDoc } from '../lib/setup.js';
import { pool, waitFor } from '../lib/util.js';

/**
 * Advisors and experts (half each), two auto-answering queues, and a case type whose procedure
 * goes advisor → (done) expert → (done) close, under a calendar-time SLA and an OLA on each step.
 */
function casesConfig(agents: number, capacity: number): ConfigDoc {
  const team = (i: number) => (i % 2 ? 'experts' : 'advisors');
  return {
    version: 1,
    skills: [{ id: 'advice', name: 'Advice' }, { id: 'expertise', name: 'Expertise' }],
    teams: [{ id: 'advisors', name: 'Advisors' }, { id: 'experts', name: 'Experts' }],
    users: Array.from({ length: agents }, (_, i) => ({
      email: `agent${i}@bench.local`, name: `Agent ${i}`, roles: ['agent'], teams: [team(i)],
      skills: { [i % 2 ? 'expertise' : 'advice']: 80 }, capacity: { workitem: capacity },
    })),
    queues: [
      { id: 'advice', name: 'Advice', members: { teams: ['advisors'] }, autoAnswer: true, targetSteps: [{ name: 'any', afterSeconds: 0, minLevel: 0 }] },
      { id: 'experts', name: 'Experts', members: { teams: ['experts'] }, autoAnswer: true, targetSteps: [{ name: 'any', afterSeconds: 0, minLevel: 0 }] },
    ],
    wrapUpCodes: [{ code: 'done', label: 'Done' }],
    worktypes: [
      { id: 'advice', name: 'Advice', defaultQueue: 'advice', priority: 30, wrapUpCodes: ['done'], requireWrapUp: true },
      { id: 'expertise', name: 'Expertise', defaultQueue: 'experts', priority: 40, wrapUpCodes: ['done'], requireWrapUp: true },
    ],
    caseTypes: [{
      id: 'claim', name: 'Claim',
      form: { fields: [{ name: 'policy', label: 'Policy', type: 'text', required: true }] },
      sla: { duration: 8, unit: 'hours', mode: 'calendar' },
      procedure: {
        start: 'advice',
        steps: [
          { id: 'advice', queue: 'advice', worktype: 'advice', ola: { duration: 2, unit: 'hours', mode: 'calendar' }, transitions: { done: { to: 'expert' } } },
          { id: 'expert', queue: 'experts', worktype: 'expertise', ola: { duration: 4, unit: 'hours', mode: 'calendar' }, transitions: { done: { close: true } } },
        ],
      },
    }],
    apiKeys: [{ name: 'bench', key: BENCH_API_KEY, scopes: ['cases:write', 'cases:read'] }],
  };
}

export const cases: Scenario = {
  name: 'cases',
  title: 'cases through a two-step procedure: created through the API, each step routed to an agent and completed, then closed',
  needsPostgres: true,
  setup: (s) =>
    `${s.caseCount.toLocaleString('en-US')} cases created through the API (16 at a time) of a type whose procedure is advisor → expert → close, with an SLA and an OLA per step; ` +
    `${s.caseAgents} agents (half advisors, half experts; capacity ${s.dispatchCapacity}) on their WebSockets, auto-answering queues; each agent completes what it is assigned at once with wrap-up code "done", which moves the case on. ` +
    'Measured from the first case until every case is closed.',
  rows: [
    { key: 'rate', label: 'cases closed per second, first case to last close', unit: '/s' },
    { key: 'created', label: 'cases created per second through the API', unit: '/s' },
    { key: 'drain', label: 'after the last case was created, until the last close', unit: 's' },
    { key: 'tasks', label: 'procedure tasks assigned and completed', unit: 'tasks' },
    ...CPU_ROWS('case (created, two tasks routed and completed, closed)'),
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshPostgres();
    try {
      const agents = await prepareDatabase(db, casesConfig(s.caseAgents, s.dispatchCapacity));
      const server = await startWorklane({ db, cpuProfDir: ctx.cpuProfDir, readyTimeoutMs: s.maxWaitSeconds * 1000 });
      const crowd = new AgentCrowd(server.base, agents);
      const http = new HttpClient(server.base, 16);
      try {
        let completed = 0;
        let lastDone = 0;
        const seen = new Set<string>();
        await crowd.connect((agent, m) => {
          if (m.type !== 'task.updated' || m.task.state !== 'assigned' || m.task.assignee !== agent.id || seen.has(m.task.id)) return;
          seen.add(m.task.id);
          crowd.act(agent, 'POST', `/api/v1/tasks/${m.task.id}/complete`, { wrapUpCode: 'done' }, (at) => {
            completed++;
            lastDone = at;
          });
        });
        await crowd.setPresence('available');
        const headers = { authorization: `Bearer ${BENCH_API_KEY}` };
        const t0 = performance.now();
        const c0 = cpuNow(server.pid);
        await pool(Array.from({ length: s.caseCount }, (_, i) => i), 16, async (i) => {
          must(await http.request('POST', '/api/v1/cases', { caseType: 'claim', fields: { policy: `P-${ctx.run}-${i}` } }, headers), 'create case');
        });
        const createdAt = performance.now();
        const closed = async () => Number((await query<{ n: string }>(db.url!, "select count(*) as n from cases where status = 'closed'"))[0]!.n);
        // The last completion closes its case before it is answered (the procedure moves on in the request).
        const all = await waitFor(async () => crowd.errors > 0 || (completed >= 2 * s.caseCount && (await closed()) >= s.caseCount), s.maxWaitSeconds * 1000, 20);
        if (crowd.errors) throw new Error(`agents failed ${crowd.errors} action(s); last: ${crowd.lastError}`);
        if (!all) throw new Error(`${await closed()} of ${s.caseCount} cases closed within ${s.maxWaitSeconds} s (${completed} tasks completed)`);
        const cpu = cpuPer(c0, cpuNow(server.pid), s.caseCount);
        const rate = s.caseCount / ((lastDone - t0) / 1000);
        ctx.log(`${s.caseCount} cases created at ${Math.round(s.caseCount / ((createdAt - t0) / 1000))}/s, closed at ${Math.round(rate)}/s, the last ${((lastDone - createdAt) / 1000).toFixed(1)} s after the last creation`);
        return { values: { rate, created: s.caseCount / ((createdAt - t0) / 1000), drain: Math.max(0, lastDone - createdAt) / 1000, tasks: completed, ...cpuValues(cpu) } };
      } finally {
        crowd.close();
        http.close();
        await server.stop();
      }
    } finally {
      await db.drop();
    }
  },
};
