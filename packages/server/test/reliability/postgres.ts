// A private PostgreSQL instance for tests that stop and restart the database server itself (the
// shared server on 5432 belongs to everyone's tests and is never touched). initdb into a temp
// folder owned by `postgres` (initdb refuses to run as root), listen on a free loopback port, and
// restart it on demand with `pg_ctl restart -m fast|immediate`.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const execFileAsync = promisify(execFile);

export const PG_BIN = process.env.WORKLANE_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export interface PrivatePostgres {
  url: string;
  port: number;
  dir: string;
  /** `fast`: clients are told and disconnected; `immediate`: like a crash (recovery on start). */
  restart(mode: 'fast' | 'immediate', downMs?: number): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  log(): string;
  destroy(): void;
}

/** Why a private instance cannot be set up here, or null when it can. */
export function privatePostgresProblem(): string | null {
  if (!existsSync(join(PG_BIN, 'initdb')) || !existsSync(join(PG_BIN, 'pg_ctl'))) return `no PostgreSQL binaries in ${PG_BIN} (set WORKLANE_PG_BIN)`;
  const me = userInfo();
  if (me.uid === 0) {
    const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0) return 'running as root and there is no "postgres" user to run initdb as';
    if (spawnSync('runuser', ['--help']).error) return 'running as root without runuser';
  }
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Instances left by a test process that died without cleaning up (killed, or a worker torn down): stop and remove them. */
function sweepStale(asPg: (cmd: string, args: string[]) => readonly [string, readonly string[]]): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('worklane-pg-'))) {
    const dir = join(tmpdir(), name);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // not ours, or still being created
    }
    if (!owner || alive(owner)) continue;
    const [c, a] = asPg(join(PG_BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    spawnSync(c, [...a], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const problem = privatePostgresProblem();
  if (problem) throw new Error(problem);
  const root = userInfo().uid === 0;
  const asPg = (cmd: string, args: string[]) => (root ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const));
  sweepStale(asPg);
  const dir = mkdtempSync(join(tmpdir(), 'worklane-pg-'));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  // Asynchronous: the load generator in this process keeps running while PostgreSQL stops and starts.
  const run = async (cmd: string, args: string[]) => {
    const [c, a] = asPg(cmd, args);
    return (await execFileAsync(c, [...a], { encoding: 'utf8' })).stdout;
  };
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  await run(join(PG_BIN, 'initdb'), ['-D', data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50 -c fsync=on -c synchronous_commit=on`;
  const ctl = (...args: string[]) => run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', logFile, '-w', '-t', '60', ...args]);
  const pg: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async start() {
      await ctl('-o', opts, 'start');
    },
    async stop(mode = 'fast') {
      await ctl('-m', mode, 'stop');
    },
    async restart(mode, downMs = 0) {
      // Stop, stay down for a while (requests meanwhile must fail cleanly), start again.
      await ctl('-m', mode, 'stop');
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await ctl('-o', opts, 'start');
    },
    log() {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    destroy() {
      // Synchronous, so it also works from an exit handler.
      const [c, a] = asPg(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      spawnSync(c, [...a], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}
