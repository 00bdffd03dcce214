import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchDatabase } from './pg.js';
import { sleep } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '../../..');
const CLI = resolve(REPO, 'packages/cli/bin/worklane.mjs');

/** A free loopback port (bound and released at once). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

const children = new Set<ChildProcess>();
let reaping = false;
/** Servers still running (the CLI kills them when interrupted; 'exit' kills them whatever happens). */
export function killServers(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

/**
 * A child process of the bench: node with the orphan guard preloaded, killed if the bench exits,
 * stopped with SIGTERM (SIGKILL after `graceMs`).
 */
function spawnChild(nodeArgs: string[], env: NodeJS.ProcessEnv, graceMs: number) {
  const child: ChildProcess = spawn(process.execPath, ['--import', pathToFileURL(resolve(here, 'orphan-guard.mjs')).href, ...nodeArgs], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!reaping) {
    reaping = true;
    process.once('exit', killServers);
  }
  let exited: number | null | undefined;
  const exit = new Promise<void>((res) => child.once('exit', (code) => ((exited = code), res())));
  return {
    child,
    /** The exit code once it exited (null: killed by a signal), undefined while it runs. */
    exited: () => exited,
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

export interface ServerProcess {
  pid: number;
  base: string;
  /** ms from spawn until /readyz answered 200. */
  readyMs: number;
  /** Resident memory of the server process in MiB (from /proc). */
  rssMiB(): number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  db: BenchDatabase;
  port?: number;
  /** Write a V8 CPU profile of the server to this folder when it stops. */
  cpuProfDir?: string;
  readyTimeoutMs?: number;
  env?: Record<string, string>;
}

/**
 * Starts `worklane start` (the real CLI) as its own process on a loopback port, with the demo off
 * and request logging off, and waits until /readyz answers (after migrations, the configuration
 * and the dispatcher's rebuild from the database).
 */
export async function startWorklane(opts: ServerOptions): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = { ...process.env, WORKLANE_DEMO: '0', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', WORKLANE_WEB_DIR: resolve(REPO, '.no-web'), ...opts.env };
  delete env.DATABASE_URL;
  delete env.WORKLANE_DATA_DIR;
  delete env.NODE_OPTIONS; // vitest's loaders must not leak into the server
  if (opts.db.url) env.DATABASE_URL = opts.db.url;
  else env.WORKLANE_DATA_DIR = opts.db.dataDir;
  const args: string[] = [];
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  }
  // Extra V8/Node flags for the server only, for investigations (e.g. BENCH_SERVER_FLAGS=--trace-gc).
  if (process.env.BENCH_SERVER_FLAGS) args.push(...process.env.BENCH_SERVER_FLAGS.split(/\s+/).filter(Boolean));
  const started = performance.now();
  const proc = spawnChild([...args, CLI, 'start'], env, 15_000);
  const { child } = proc;
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on("data", keep);
  if (process.env.BENCH_SERVER_STDERR) {
    child.stderr!.pipe(process.stderr);
    child.stdout!.pipe(process.stderr);
  }
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (proc.exited() !== undefined) throw new Error(`worklane start exited (${proc.exited()}) before it was ready:\n${output}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`worklane start was not ready within ${opts.readyTimeoutMs ?? 120_000} ms:\n${output}`);
    }
    await sleep(25);
  }
  const readyMs = performance.now() - started;
  const pid = child.pid!;
  return {
    pid,
    base,
    readyMs,
    rssMiB() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : Number.NaN;
      } catch {
        return Number.NaN;
      }
    },
    stop: proc.stop,
  };
}

/**
 * Starts the bench's bare server (bare-server.mjs) in its own process: plain node:http, answering
 * at once (`http`) or after a one-row-per-request group-commit insert (`insert`, into `url`).
 */
export async function startBare(mode: 'http' | 'insert', url?: string): Promise<{ base: string; stop(): Promise<void> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, BARE_MODE: mode, DATABASE_URL: url ?? '' };
  delete env.NODE_OPTIONS;
  const proc = spawnChild([resolve(here, 'bare-server.mjs')], env, 10_000);
  const { child } = proc;
  let output = '';
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`bare server (${mode}) did not start:\n${output}`)), 20_000);
    const look = (b: Buffer) => {
      output += b.toString();
      const m = /listening (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`bare server (${mode}) exited (${code}):\n${output}`));
    });
  });
  return { base: `http://127.0.0.1:${port}`, stop: proc.stop };
}
