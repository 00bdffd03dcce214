// Crash safety, proven on a real server process (see crash.ts for what is tried and checked).
// Short inside `npm test` (3 kills, 1 PostgreSQL restart); `npm run reliability` runs it long
// (WORKLANE_CRASH_KILLS, WORKLANE_CRASH_PG_RESTARTS, WORKLANE_CRASH_SEED override the counts).
import { afterAll, describe, expect, it } from 'vitest';
import { killScenario, postgresScenario, type CrashOptions } from './crash.js';
import { privatePostgresProblem } from './postgres.js';
import { envInt, printSection, reliabilityLevel, ReportSection } from './report.js';
import { probe, TEST_DATABASE_URL } from './rig.js';

const pgProblem = await probe(TEST_DATABASE_URL);
if (pgProblem && process.env.REQUIRE_POSTGRES) throw new Error(`REQUIRE_POSTGRES is set but PostgreSQL at ${TEST_DATABASE_URL} is unreachable: ${pgProblem}`);
if (pgProblem) console.warn(`\n!!! PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${pgProblem}): the crash test is SKIPPED.\n`);
const privateProblem = privatePostgresProblem();

const long = reliabilityLevel() === 'long';
const options: CrashOptions = {
  kills: envInt('WORKLANE_CRASH_KILLS', 3, 25),
  pgRestarts: envInt('WORKLANE_CRASH_PG_RESTARTS', 1, 6),
  phaseMs: long ? [2000, 9000] : [1500, 4000],
  pgDownMs: long ? [500, 4000] : [1000, 1500],
  captureLoops: envInt('WORKLANE_CRASH_CAPTURE_LOOPS', 3, 4),
  capturePauseMs: 20,
  seed: envInt('WORKLANE_CRASH_SEED', Date.now() % 1_000_000, Date.now() % 1_000_000),
  log: (line) => console.log(`[crash] ${line}`),
};
// Budget: a restart takes ~4 s, each cycle waits for the offers pending at the kill to time out.
const budget = (cycles: number) => 60_000 + cycles * 40_000;

describe.skipIf(pgProblem !== null)('crash safety on a real server process', () => {
  const kills = new ReportSection('crash-kill', `server killed with SIGKILL under load (seed ${options.seed})`);
  const restarts = new ReportSection('crash-postgres', `PostgreSQL restarted under load (seed ${options.seed})`);
  afterAll(() => {
    for (const s of [kills, restarts]) {
      s.save();
      if (s.failed.length) printSection(s); // `npm run reliability` prints every section
    }
  });

  it(`survives ${options.kills} kills: nothing acknowledged lost, nothing held twice, every timer once, no outbox row lost`, async () => {
    await killScenario(kills, options);
    expect(kills.count('kills survived (restarted and ready)')).toBe(options.kills);
    expect(kills.failed.map((c) => `${c.name} = ${c.value} (${c.detail ?? ''})`)).toEqual([]);
  }, budget(options.kills));

  it.skipIf(privateProblem !== null)(`carries on through ${options.pgRestarts} PostgreSQL restart(s): clean 503s meanwhile, then everything works`, async () => {
    await postgresScenario(restarts, options);
    expect(restarts.count('PostgreSQL restarts survived')).toBe(options.pgRestarts);
    expect(restarts.failed.map((c) => `${c.name} = ${c.value} (${c.detail ?? ''})`)).toEqual([]);
  }, budget(options.pgRestarts));

  if (privateProblem) {
    restarts.note(`skipped: a private PostgreSQL instance cannot be set up here (${privateProblem})`);
    console.warn(`\n!!! PostgreSQL restart test skipped: ${privateProblem}\n`);
  }
});
