import { AgentCrowd } from '../lib/agents.js';
import { CPU_ROWS, cpuNow, cpuPer, cpuValues } from '../lib/cpu.js';
import { HttpClient } from '../lib/http.js';
import { freshPostgres } from '../lib/pg.js';
import type { Scenario } from '../lib/scenario.js';
import { startWorklane } from '../lib/server.js';
import { prepareDatabase, routedTask, routingConfig, type RoutingShape } from '../lib/setup.js';
import { percentile, sleep, waitFor } from '../lib/util.js';
import { AUTH } from './capture.js';

export const offerLatency: Scenario = {
  name: 'offer-latency',
  title: 'steady capture rate: capture acknowledged → offer on the agent\'s stream',
  needsPostgres: true,
  setup: (s) =>
    `POST /api/v1/tasks at a steady ${(s.offerRate / 4).toLocaleString('en-US')} tasks/s for ${s.offerSeconds} s after a ${s.warmupSeconds} s warm-up, then at ${s.offerRate.toLocaleString('en-US')} tasks/s for ${s.offerSeconds} s (the suite's own keep-alive client, at most 1,000 in flight), ` +
    `${s.offerAgents} available agents (capacity ${s.offerCapacity}) on their WebSockets, 10 queues, push offers; each agent accepts and completes its offer at once. ` +
    'Latency = arrival of offer.created on the stream − arrival of the capture\'s 201, both seen by the load generator (0 when the offer came first).',
  rows: [
    // No latency for a run that left captures unsent (1,000 already waiting for their 201): that run
    // did not put the rate on the server, so its latency is not the one asked for. The rate rows say
    // whether it was kept; sentP99 keeps what the captures sent saw.
    { key: 'p99', label: 'offer latency p99 (none where captures were left unsent)', unit: 'ms', target: { op: '<=', value: 10 } },
    { key: 'p50', label: 'offer latency p50 (the same)', unit: 'ms' },
    { key: 'sentP99', label: 'offer latency p99 of the captures sent, whatever the rate kept', unit: 'ms' },
    { key: 'rate', label: 'captures acknowledged', unit: 'tasks/s' },
    { key: 'rateShare', label: 'captures acknowledged ÷ the rate asked', unit: '%', target: { op: '>=', value: 99 } },
    { key: 'behind', label: 'captures not sent on time (1,000 in flight)', unit: 'tasks', target: { op: '<=', value: 0 } },
    { key: 'unoffered', label: 'acknowledged but no offer within 10 s', unit: 'tasks' },
    { key: 'first', label: 'offers that arrived before the 201', unit: '%' },
    ...CPU_ROWS('task at the full rate (capture, offer, accept, complete)'),
    { key: 'cores', label: 'cores busy at the full rate (server + PostgreSQL + load generator, of the machine\'s)', unit: 'cores' },
    { key: 'quarterP99', label: 'offer latency p99 at a quarter of the rate (before the run above)', unit: 'ms' },
    { key: 'quarterP50', label: 'offer latency p50 at a quarter of the rate', unit: 'ms' },
    { key: 'quarterRate', label: 'captures acknowledged at a quarter of the rate', unit: 'tasks/s' },
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshPostgres();
    try {
      const shape: RoutingShape = { queues: 10, skills: 10, agents: s.offerAgents, capacity: s.offerCapacity, autoAnswer: false };
      const agents = await prepareDatabase(db, routingConfig(shape));
      const server = await startWorklane({ db, cpuProfDir: ctx.cpuProfDir });
      const crowd = new AgentCrowd(server.base, agents);
      const capture = new HttpClient(server.base, 100);
      try {
        const ackAt = new Map<string, number>();
        const offerAt = new Map<string, number>();
        await crowd.connect((agent, m, at) => {
          if (m.type !== 'offer.created' || m.offer.agentId !== agent.id) return;
          offerAt.set(m.offer.taskId, at);
          crowd.act(agent, 'POST', `/api/v1/offers/${m.offer.id}/accept`, {}, () => crowd.act(agent, 'POST', `/api/v1/tasks/${m.offer.taskId}/complete`, {}));
        });
        await crowd.setPresence('available');
        let sent = 0;
        let failed = 0;
        /** Captures at `rate` for `seconds`, waits for every offer, and measures that phase. */
        const steady = async (rate: number, seconds: number) => {
          ackAt.clear();
          let behind = 0;
          let inFlight = 0;
          let due = 0;
          const start = performance.now();
          const c0 = cpuNow(server.pid);
          const end = start + seconds * 1000;
          while (performance.now() < end) {
            const target = Math.floor(((performance.now() - start) / 1000) * rate);
            while (due < target) {
              due++;
              if (inFlight >= 1000) {
                behind++;
                continue;
              }
              const i = sent++;
              inFlight++;
              capture.request('POST', '/api/v1/tasks', routedTask(i, shape), AUTH).then(
                (r) => {
                  inFlight--;
                  if (r.status === 201) ackAt.set(r.json.id, performance.now());
                  else failed++;
                },
                () => {
                  inFlight--;
                  failed++;
                },
              );
            }
            await sleep(2);
          }
          const elapsed = (performance.now() - start) / 1000;
          await waitFor(() => inFlight === 0, 30_000);
          await waitFor(() => [...ackAt.keys()].every((id) => offerAt.has(id)), 10_000, 50);
          // Until the last offer arrived: the phase's captures and offers, most accepts and completions.
          const c1 = cpuNow(server.pid);
          const busy = (c1.server - c0.server + c1.postgres - c0.postgres + c1.load - c0.load) / (performance.now() - start);
          const cpu = cpuPer(c0, c1, ackAt.size);
          const lat: number[] = [];
          let first = 0;
          for (const [id, ack] of ackAt) {
            const o = offerAt.get(id);
            if (o === undefined) continue;
            if (o < ack) first++;
            lat.push(Math.max(0, o - ack));
          }
          return { lat, first, behind, acked: ackAt.size, rate: ackAt.size / elapsed, cpu, busy };
        };
        // A warm-up, then a quarter of the rate (what routing adds when the machine is not
        // saturated), then the target rate.
        if (s.warmupSeconds) await steady(s.offerRate / 4, s.warmupSeconds);
        const quarter = await steady(s.offerRate / 4, s.offerSeconds);
        const full = await steady(s.offerRate, s.offerSeconds);
        const { lat, first, behind } = full;
        const sentP99 = percentile(lat, 99);
        const sentP50 = percentile(lat, 50);
        if (failed) throw new Error(`${failed} captures failed`);
        if (crowd.errors) throw new Error(`agents failed ${crowd.errors} action(s); last: ${crowd.lastError}`);
        const values = {
          p99: behind ? NaN : sentP99, p50: behind ? NaN : sentP50, sentP99, rate: full.rate, rateShare: (100 * full.rate) / s.offerRate, behind,
          unoffered: full.acked - lat.length, first: (100 * first) / Math.max(1, lat.length), ...cpuValues(full.cpu), cores: full.busy,
          quarterP99: percentile(quarter.lat, 99), quarterP50: percentile(quarter.lat, 50), quarterRate: quarter.rate,
        };
        ctx.log(`at ${s.offerRate / 4}/s: offer latency p50 ${values.quarterP50.toFixed(1)} ms p99 ${values.quarterP99.toFixed(1)} ms`);
        ctx.log(`${full.acked} captured at ${Math.round(values.rate)}/s (${behind} not sent on time), offer latency p50 ${sentP50.toFixed(1)} ms p99 ${sentP99.toFixed(1)} ms, ${values.unoffered} without offer`);
        return { values };
      } finally {
        crowd.close();
        capture.close();
        await server.stop();
      }
    } finally {
      await db.drop();
    }
  },
};
