import { freshEmbedded } from '../lib/pg.js';
import type { Scenario } from '../lib/scenario.js';
import { startWorklane } from '../lib/server.js';
import { captureConfig, countOf, mergeConfigs, prepareDatabase, routingConfig, type RoutingShape } from '../lib/setup.js';
import { checkOneCapture, hammerCapture } from './capture.js';
import { checkAssignments, runDispatch } from './dispatch.js';

export const embedded: Scenario = {
  name: 'embedded',
  title: 'capture and dispatch on the embedded database (PGlite)',
  needsPostgres: false,
  setup: (s) =>
    `One fresh PGlite data folder with both configurations: capture as in the capture scenario (${s.captureConnections} connections, ${s.embeddedSeconds} s after a ${s.warmupSeconds} s warm-up), ` +
    `then dispatch as in the dispatch scenario (${s.embeddedDispatchTasks.toLocaleString('en-US')} tasks in 10 queues, ${s.embeddedAgents} agents, until all are assigned or ${Math.min(8, s.dispatchSeconds)} s pass) on the same server.`,
  rows: [
    { key: 'tps', label: 'capture on PGlite', unit: 'tasks/s', target: { op: '>=', value: 2000 } },
    { key: 'p99', label: 'capture p99 latency', unit: 'ms' },
    { key: 'dispatch', label: 'dispatch on PGlite: committed assignments', unit: '/s' },
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshEmbedded();
    try {
      const shape: RoutingShape = { queues: 10, skills: 10, agents: s.embeddedAgents, capacity: 3, autoAnswer: true, prefix: 'router' };
      const agents = await prepareDatabase(db, mergeConfigs(captureConfig(), routingConfig(shape)));
      const server = await startWorklane({ db, cpuProfDir: ctx.cpuProfDir, readyTimeoutMs: s.maxWaitSeconds * 1000 });
      let cap;
      let warm = 0;
      let d;
      try {
        await checkOneCapture(server.base, `check-${ctx.run}`);
        if (s.warmupSeconds) warm = (await hammerCapture(server.base, s.warmupSeconds, s.captureConnections)).acked;
        cap = await hammerCapture(server.base, s.embeddedSeconds, s.captureConnections);
        ctx.log(`PGlite capture ${Math.round(cap.perSecond)} tasks/s p99 ${cap.p99} ms`);
        d = await runDispatch(ctx, server, agents.filter((a) => a.email.startsWith('router')), shape, s.embeddedDispatchTasks, Math.min(8, s.dispatchSeconds));
        ctx.log(`PGlite dispatch ${Math.round(d.perSecond)} assignments/s`);
      } finally {
        await server.stop();
      }
      const n = await countOf(db, "select count(*) as n from tasks where worktype = 'order-issue'");
      if (n < 1 + warm + cap.acked) throw new Error(`durability check failed: ${1 + warm + cap.acked} captures acknowledged, ${n} committed`);
      await checkAssignments(db, d.assigned);
      return { values: { tps: cap.perSecond, p99: cap.p99, dispatch: d.perSecond } };
    } finally {
      await db.drop();
    }
  },
};
