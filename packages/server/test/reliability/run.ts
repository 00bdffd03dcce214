// `npm run reliability`: the long versions of the reliability tests (many crash cycles, PostgreSQL
// restarts, long fuzzing, the overload flood), then one report of what was tried and what held.
//
//   npm run reliability                          # everything, long
//   npm run reliability -- crash                 # only test files whose path contains "crash"
//   npm run reliability -- --kills 50 --pg-restarts 10 --seed 1234
//
// Counts can also be set by environment (WORKLANE_CRASH_KILLS, WORKLANE_CRASH_PG_RESTARTS,
// WORKLANE_CRASH_SEED, WORKLANE_OVERLOAD_REQUESTS, and the fuzz tests' own variables). Each test
// file saves its sections with report.ts; this prints them all and exits 1 if anything failed.
import { spawnSync } from 'node:child_process';
import { clearReport, formatReport, readSections } from './report.js';
import { ROOT } from './rig.js';

const FLAGS: Record<string, string> = {
  '--kills': 'WORKLANE_CRASH_KILLS',
  '--pg-restarts': 'WORKLANE_CRASH_PG_RESTARTS',
  '--seed': 'WORKLANE_CRASH_SEED',
  '--requests': 'WORKLANE_OVERLOAD_REQUESTS',
};

const env: NodeJS.ProcessEnv = { ...process.env, RELIABILITY: 'long' };
const filters: string[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const [flag, inline] = a.split('=', 2) as [string, string | undefined];
  if (flag in FLAGS) {
    const v = inline ?? args[++i];
    if (v === undefined || !Number.isFinite(Number(v))) {
      console.error(`${flag} needs a number`);
      process.exit(2);
    }
    env[FLAGS[flag]!] = v;
  } else if (a === '--help' || a === '-h') {
    console.log('usage: npm run reliability [-- [file filter...] [--kills N] [--pg-restarts N] [--seed N] [--requests N]]');
    process.exit(0);
  } else filters.push(a);
}

// vitest filters are substrings of test file paths (of the integration project): "crash", "fuzz", "overload".
const files = filters.length ? filters : ['packages/server/test/reliability/', 'packages/server/test/integration/overload.test.ts'];

clearReport();
const started = Date.now();
console.log(`Worklane reliability (long): ${files.join(' ')}`);
const r = spawnSync('npx', ['vitest', 'run', '--project', 'integration', ...files], { cwd: ROOT, stdio: 'inherit', env });
// Only what this run wrote (someone else's test run may share the folder).
const sections = readSections().filter((s) => Date.parse(s.startedAt) >= started - 1000);
const { text, ok } = formatReport(sections);
console.log(`\n${text}`);
console.log(`══ ${((Date.now() - started) / 60_000).toFixed(1)} min; vitest ${r.status === 0 ? 'passed' : `FAILED (exit ${r.status})`}`);
process.exit(r.status === 0 && ok && sections.length > 0 ? 0 : 1);
