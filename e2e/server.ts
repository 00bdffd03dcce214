import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { freshPglite } from '../packages/server/test/integration/pglite-template.js';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const DEMO_KEY = 'wl_demo_4f8c2a9e7b1d6053c1e2';

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  base: string;
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

export interface ServerOptions {
  /** More environment for the server process (e.g. WORKLANE_SMTP_URL). WORKLANE_PUBLIC_URL defaults to its own address. */
  env?: Record<string, string>;
  /** Listen here (e.g. a port an identity provider already has the callback for); default: a free one. */
  port?: number;
}

/** Starts the real `worklane start` in its own process on a fresh embedded database (the demo without its made-up history: tests count from zero). */
export async function startServerProcess(options: ServerOptions = {}): Promise<ServerProcess> {
  if (!existsSync(join(ROOT, 'packages/web/dist/index.html'))) throw new Error('web app not built: run `npm run build -w @worklane/web` first');
  const dir = mkdtempSync(join(tmpdir(), 'worklane-e2e-'));
  await freshPglite(dir); // an empty cluster copied, not made: the server migrates and seeds it as on a first start
  const port = options.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  let out = '';
  const proc = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/worklane.mjs'), 'start'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', WORKLANE_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'warn', WORKLANE_PUBLIC_URL: base, WORKLANE_DEMO_HISTORY: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}):\n${out}`);
    const ok = await fetch(base + '/readyz').then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server not ready in 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      proc.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
