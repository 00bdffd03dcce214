import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { probePostgres, postgresVersion } from './lib/pg.js';
import { summarize, summaryTable, table, type ScenarioResult } from './lib/report.js';
import { SIZES, type Scenario, type Sizes } from './lib/scenario.js';
import { REPO } from './lib/server.js';
import { capture, captureBulk } from './scenarios/capture.js';
import { dispatch } from './scenarios/dispatch.js';
import { offerLatency } from './scenarios/offer-latency.js';
import { scale } from './scenarios/scale.js';
import { embedded } from './scenarios/embedded.js';
import { reports } from './scenarios/reports.js';
import { timers } from './scenarios/timers.js';
import { webhooks } from './scenarios/webhooks.js';
import { notifications } from './scenarios/notifications.js';
import { cases } from './scenarios/cases.js';

export const SCENARIOS: Scenario[] = [capture, captureBulk, dispatch, offerLatency, scale, timers, reports, webhooks, notifications, cases, embedded];

export interface SuiteOptions {
  scenarios?: string[];
  runs?: number;
  preset?: Sizes['preset'];
  /** Folder for results; null: write nothing. */
  resultsDir?: string | null;
  cpuProf?: boolean;
  print?: (line: string) => void;
  /** Fail (instead of skipping PostgreSQL scenarios) when PostgreSQL is unreachable. */
  requirePostgres?: boolean;
}

export interface SuiteResult {
  startedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string | null };
  preset: Sizes['preset'];
  runs: number;
  sizes: Sizes;
  /** Each scenario says when it ran and with which command (latest.json mixes runs of single scenarios). */
  scenarios: (ScenarioResult & { at?: string; command?: string; load?: number; skipped?: string; error?: string })[];
}

export const RESULTS_DIR = resolve(REPO, 'bench/results');

export async function runSuite(opts: SuiteOptions = {}): Promise<SuiteResult> {
  const print = opts.print ?? ((l: string) => process.stdout.write(l + '\n'));
  const preset = opts.preset ?? 'standard';
  const sizes = SIZES[preset];
  const runs = Math.max(1, opts.runs ?? 3);
  const wanted = opts.scenarios?.length ? opts.scenarios : SCENARIOS.map((s) => s.name);
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const pgProblem = await probePostgres();
  if (pgProblem && opts.requirePostgres) throw new Error(`PostgreSQL is unreachable: ${pgProblem}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const result: SuiteResult = {
    startedAt: new Date().toISOString(),
    command: `npm run bench --${preset === 'full' ? ' --full' : ''}${opts.runs ? ` --runs ${runs}` : ''} ${opts.scenarios?.join(' ') ?? ''}`.trim(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: pgProblem ? null : await postgresVersion() },
    preset,
    runs,
    sizes,
    scenarios: [],
  };
  print(`Worklane benchmarks: ${preset} sizes, ${runs} run(s) per scenario, ${result.machine.cpus} cores, Node ${process.version}, PostgreSQL ${result.machine.postgres ?? 'unreachable'}`);
  for (const name of wanted) {
    const sc = SCENARIOS.find((s) => s.name === name)!;
    const started = performance.now();
    const values: Record<string, number>[] = [];
    const notes = new Set<string>();
    const load = loadavg()[0]!;
    if (sc.run && load > 1.5) notes.add(`load average was ${load.toFixed(1)} on ${result.machine.cpus} cores when this scenario started: other work shared the machine, figures are lower than on an idle one`);
    let skipped: string | undefined;
    let error: string | undefined;
    if (!sc.run) {
      /* rows say "not built yet" */
    } else if (sc.needsPostgres && pgProblem) {
      skipped = `PostgreSQL unreachable (${pgProblem})`;
      print(`\n${sc.name}: SKIPPED, ${skipped}`);
    } else {
      for (let run = 1; run <= runs; run++) {
        const loadAtStart = loadavg()[0]!;
        print(`\n${sc.name}: run ${run}/${runs} (load average ${loadAtStart.toFixed(1)})`);
        try {
          const out = await sc.run({
            sizes,
            run,
            postgres: !pgProblem,
            cpuProfDir: opts.cpuProf ? join(RESULTS_DIR, 'profiles', `${stamp}-${sc.name}-${run}`) : undefined,
            log: (l) => print(`  ${l}`),
          });
          values.push({ ...out.values, load: loadAtStart });
          for (const n of out.notes ?? []) notes.add(n);
        } catch (err) {
          error = (err as Error).stack ?? String(err);
          print(`  FAILED: ${error}`);
          break;
        }
      }
    }
    const sr = {
      name: sc.name,
      at: new Date().toISOString(),
      command: result.command,
      load: loadavg()[0]!,
      title: sc.title,
      setup: sc.setup(sizes),
      rows: summarize(sc.run ? [...sc.rows, { key: 'load', label: 'machine load average (1 min) at start', unit: '' }] : sc.rows, values),
      notes: [...notes, ...(skipped ? [`skipped: ${skipped}`] : []), ...(error ? [`failed: ${error.split('\n')[0]}`] : [])],
      seconds: Math.round((performance.now() - started) / 1000),
      ...(skipped ? { skipped } : {}),
      ...(error ? { error } : {}),
    };
    result.scenarios.push(sr);
    print('\n' + table(sr));
  }
  print(`\n### Summary (${preset} sizes, median of ${runs} run(s))\n\n${summaryTable(result.scenarios)}`);
  if (opts.resultsDir !== null) {
    const dir = opts.resultsDir ?? RESULTS_DIR;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${stamp}.json`), JSON.stringify(result, null, 2) + '\n');
    // latest.json keeps the newest result of every scenario: a run of some scenarios replaces only theirs.
    let latest = result;
    const file = join(dir, result.preset === 'full' ? 'latest-full.json' : 'latest.json');
    if (existsSync(file)) {
      try {
        const before = JSON.parse(readFileSync(file, 'utf8')) as SuiteResult;
        if (before.preset === result.preset) {
          const names = new Set(result.scenarios.map((s) => s.name));
          const merged = [...before.scenarios.filter((s) => !names.has(s.name)), ...result.scenarios];
          latest = { ...result, scenarios: SCENARIOS.map((sc) => merged.find((s) => s.name === sc.name)).filter((s) => s !== undefined) };
        }
      } catch {
        /* unreadable: replace it */
      }
    }
    if (result.preset !== 'smoke') writeFileSync(file, JSON.stringify(latest, null, 2) + '\n'); // smoke figures are no measurement
    print(`\nwritten: ${join(dir, `${stamp}.json`)}${result.preset === 'smoke' ? '' : ` and ${file}`}`);
  }
  return result;
}
