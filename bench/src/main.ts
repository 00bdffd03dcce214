// `npm run bench [-- [--full] [--smoke] [--runs N] [--cpu-prof] [scenario...]]`, or `npm run bench -- --summary [file]`
import { dropOwnDatabases } from './lib/pg.js';
import { killServers } from './lib/server.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summaryTable } from './lib/report.js';
import { RESULTS_DIR, runSuite, SCENARIOS, type SuiteResult } from './suite.js';

const args = process.argv.slice(2);
const scenarios: string[] = [];
let runs: number | undefined;
let preset: 'smoke' | 'standard' | 'full' = process.env.BENCH_FULL ? 'full' : 'standard';
let cpuProf = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--full') preset = 'full';
  else if (a === '--smoke') preset = 'smoke';
  else if (a === '--cpu-prof') cpuProf = true;
  else if (a === '--summary') {
    // Print the summary table of a results file (default: results/latest.json) without running anything.
    const file = args[i + 1] && !args[i + 1]!.startsWith('-') ? args[i + 1]! : join(RESULTS_DIR, 'latest.json');
    const r = JSON.parse(readFileSync(file, 'utf8')) as SuiteResult;
    const when = r.scenarios.map((s) => s.at ?? r.startedAt).sort();
    process.stdout.write(`${r.preset} sizes, median of ${r.runs} run(s), ${when[0]} – ${when[when.length - 1]}, ${r.machine.cpus} cores, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}\n\n${summaryTable(r.scenarios)}\n`);
    process.exit(0);
  }
  else if (a === '--runs') runs = Number(args[++i]);
  else if (a.startsWith('--runs=')) runs = Number(a.slice(7));
  else if (a === '--help' || a === '-h') {
    process.stdout.write(
      `usage: npm run bench -- [--full] [--smoke] [--runs N] [--cpu-prof] [scenario...]\n` +
        `       npm run bench -- --summary [results.json]   (the summary table of a results file, default results/latest.json)\n` +
        `scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}\n` +
        `--full: the issue's sizes (also BENCH_FULL=1); --smoke: tiny sizes; --runs: runs per scenario (default 3, BENCH_RUNS);\n` +
        `--cpu-prof: V8 CPU profiles of the server under bench/results/profiles/\n` +
        `PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)\n`,
    );
    process.exit(0);
  } else if (a.startsWith('-')) {
    process.stderr.write(`unknown option ${a}\n`);
    process.exit(2);
  } else scenarios.push(a);
}
if (runs === undefined && process.env.BENCH_RUNS) runs = Number(process.env.BENCH_RUNS);
if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1 && runs <= 20)) {
  process.stderr.write('--runs must be an integer from 1 to 20\n');
  process.exit(2);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping the servers and dropping this run's databases\n`);
    killServers();
    dropOwnDatabases().finally(() => process.exit(130));
  });

const result = await runSuite({ scenarios, runs, preset, cpuProf, requirePostgres: !!process.env.REQUIRE_POSTGRES });
const failed = result.scenarios.filter((s) => s.error);
process.exit(failed.length ? 1 : 0);
