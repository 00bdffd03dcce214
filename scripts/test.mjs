// `npm test`: typecheck, lint, unit, integration (PGlite + PostgreSQL), browser end-to-end.
// Each step must pass; the closing line counts the tests of every step ("N passed, N failed").
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const results = join('.tmp', 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;

function step(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return r.status === 0;
}

/** Adds a vitest JSON report's counts to the totals (a run that wrote none and failed counts one failure). */
function count(out, ok) {
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } else if (!ok) failed += 1;
}

function vitest(project) {
  const out = join(results, `${project}.json`);
  const ok = step(project, 'npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  count(out, ok);
  return ok;
}

/** One vitest process on a shard of the files, its lines prefixed so two at once stay readable. */
function shard(project, i, n) {
  const out = join(results, `${project}-${i}.json`);
  const child = spawn('npx', ['vitest', 'run', '--project', project, `--shard=${i}/${n}`, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    createInterface({ input: from }).on('line', (line) => to.write(`[${i}/${n}] ${line}\n`));
  }
  return new Promise((resolve) => child.on('close', (code) => (count(out, code === 0), resolve(code === 0))));
}

/**
 * The integration tests wait on databases, sockets and timers more than on the CPU: two processes
 * on halves of the files (WORKLANE_TEST_SHARDS, 2 by default) took 666 s where one took 940 s on
 * this 2-core machine. Each test makes its own database and port, so the halves do not meet.
 */
async function vitestSharded(project) {
  const n = Math.max(1, Number(process.env.WORKLANE_TEST_SHARDS ?? 2));
  if (n === 1) return vitest(project);
  console.log(`\n=== ${project}: ${n} vitest processes, each on a shard of the files`);
  const t = Date.now();
  const oks = await Promise.all(Array.from({ length: n }, (_, k) => shard(project, k + 1, n)));
  const ok = oks.every(Boolean);
  console.log(`=== ${project}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return ok;
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return true;
  if (process.getuid?.() === 0) {
    console.log('Chromium is missing: installing Debian\'s chromium (apt-get install -y chromium)…');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status === 0 && existsSync(path)) return true;
  }
  console.error(`\nThe browser tests need Chromium at ${path}. Install it as root: apt-get install -y chromium\n(or set CHROMIUM_PATH to a Chromium binary).`);
  return false;
}

const ok =
  step('typecheck', 'npx', ['tsc', '-b']) &&
  step('lint', 'npx', ['eslint', '.', '--max-warnings=0']) &&
  vitest('unit') &&
  (await vitestSharded('integration')) &&
  step('build web', 'npm', ['run', 'build', '-w', '@worklane/web']) &&
  ensureChromium() &&
  vitest('e2e');

if (!ok && failed === 0) failed = 1;
console.log(`\nworklane tests: ${ok ? 'all steps passed' : 'FAILED'}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);
