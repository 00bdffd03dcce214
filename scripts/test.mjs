// `npm test`: typecheck, lint, unit, integration (PGlite + PostgreSQL), browser end-to-end.
// Each step must pass; the closing line counts the tests of every step ("N passed, N failed").
import { spawnSync } from 'node:child_process';
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

function vitest(project) {
  const out = join(results, `${project}.json`);
  const ok = step(project, 'npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } else if (!ok) failed += 1;
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
  vitest('integration') &&
  step('build web', 'npm', ['run', 'build', '-w', '@worklane/web']) &&
  ensureChromium() &&
  vitest('e2e');

if (!ok && failed === 0) failed = 1;
console.log(`\nworklane tests: ${ok ? 'all steps passed' : 'FAILED'}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);
