// A tiny run of every scenario, so the benchmarks never rot. Not a measurement: `npm run bench` is.
import { describe, expect, it } from 'vitest';
import { probePostgres } from '../src/lib/pg.js';
import { table } from '../src/lib/report.js';
import { runSuite, SCENARIOS } from '../src/suite.js';
import { SIZES } from '../src/lib/scenario.js';

const pgProblem = await probePostgres();
if (pgProblem && process.env.REQUIRE_POSTGRES) throw new Error(`REQUIRE_POSTGRES is set but PostgreSQL is unreachable: ${pgProblem}`);
if (pgProblem) console.warn(`\n!!! PostgreSQL is unreachable (${pgProblem}): the bench smoke test runs only the embedded scenario.\n`);

describe('bench smoke (tiny sizes, 1 run)', () => {
  // ~40 s of CPU in all before timers and reports (each adds a server start and ~20 s): measured
  // 31-55 s on 2 cores while other work kept the load average at 6-8; reports and embedded alone took
  // 56 s at a load average of 11. The timeout leaves room for a machine shared like that.
  it('runs every scenario and reports tables and JSON of the expected shape', { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    // Four groups side by side (a smoke run measures nothing), so the whole test stays well under a minute.
    const opts = { preset: 'smoke', runs: 1, resultsDir: null, print: (l: string) => lines.push(l), requirePostgres: !!process.env.REQUIRE_POSTGRES } as const;
    const groups = [['capture', 'capture-bulk', 'dispatch'], ['offer-latency', 'scale', 'cases'], ['embedded', 'reports'], ['timers', 'webhooks', 'notifications']];
    expect(groups.flat().sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
    const parts = await Promise.all(groups.map((scenarios) => runSuite({ ...opts, scenarios })));
    const all = parts.flatMap((p) => p.scenarios);
    const result = { ...parts[0]!, scenarios: SCENARIOS.map((s) => all.find((r) => r.name === s.name)!) };
    expect(result.scenarios.map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
    for (const s of result.scenarios) {
      expect(s.error, `${s.name} failed: ${s.error}`).toBeUndefined();
      if (s.skipped) {
        expect(pgProblem).not.toBeNull(); // only skipped when PostgreSQL is unreachable
        continue;
      }
      expect(s.rows.length).toBeGreaterThan(0);
      for (const r of s.rows) {
        expect(['PASS', 'MISS', 'info']).toContain(r.result);
        if (r.target) expect(['PASS', 'MISS']).toContain(r.result);
        if (r.notBuilt) expect(r.result).toBe('MISS');
      }
      expect(lines.join('\n')).toContain(table(s));
    }
    const value = (scenario: string, key: string) => result.scenarios.find((s) => s.name === scenario)!.rows.find((r) => r.key === key)!.median;
    expect(value('embedded', 'tps')).toBeGreaterThan(0);
    expect(value('embedded', 'dispatch')).toBeGreaterThan(0);
    if (!pgProblem) {
      for (const [scenario, key] of [['capture', 'tps'], ['capture', 'pgboss'], ['capture', 'graphile'], ['capture-bulk', 'tps'], ['dispatch', 'rate'], ['dispatch', 'aging'], ['dispatch', 'pgboss'], ['offer-latency', 'rate'], ['scale', 'rss'], ['scale', 'restart'], ['scale', 'incrementalP50'], ['scale', 'incrementalKB'], ['reports', 'events'], ['reports', 'queue-activityP50'], ['webhooks', 'rate'], ['webhooks', 'deliveries'], ['notifications', 'rate'], ['notifications', 'relayRate'], ['cases', 'rate']] as const)
        expect(value(scenario, key), `${scenario} ${key}`).toBeGreaterThan(0);
      expect(value('offer-latency', 'p99')).toBeGreaterThanOrEqual(0);
      expect(value('dispatch', 'assigned')).toBeGreaterThan(0);
      expect(value('cases', 'tasks')).toBe(2 * SIZES.smoke.caseCount); // every case went through both steps
    }
    if (!pgProblem) {
      // Correctness holds at any size: every due clock fired once, none early, every escalation done.
      expect(value('timers', 'once')).toBe(1);
      expect(value('timers', 'escalated')).toBe(1);
      expect(value('timers', 'lateP99')).toBeGreaterThanOrEqual(0);
    }
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ preset: 'smoke', runs: 1, machine: { cpus: expect.any(Number) } });
  });
});
