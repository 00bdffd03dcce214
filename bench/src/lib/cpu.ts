import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (ms) spent so far by the Worklane server, by every PostgreSQL process on this machine
 * (backends and background writers: all of what a commit costs) and by the load generator (this
 * process). Read from /proc, so Linux only; elsewhere the figures are NaN. Per task these say what
 * a change saved even when the machine's speed moves between runs, which throughput alone hides.
 */
export interface CpuSample {
  server: number;
  postgres: number;
  load: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procCpu(pid: number | string): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS; // utime, stime
  } catch {
    return 0; // gone meanwhile
  }
}

function postgresCpu(): number {
  let sum = 0;
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return Number.NaN;
  }
  for (const d of dirs) {
    if (d.charCodeAt(0) > 57) continue; // not a pid
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres')) sum += procCpu(d);
    } catch {
      // exited
    }
  }
  return sum;
}

export function cpuNow(serverPid: number): CpuSample {
  const u = process.cpuUsage();
  return { server: procCpu(serverPid), postgres: postgresCpu(), load: (u.user + u.system) / 1000 };
}

/** µs of CPU per unit of work (a task, an assignment) between two samples. */
export function cpuPer(from: CpuSample, to: CpuSample, units: number): CpuSample {
  const per = (k: keyof CpuSample) => (units > 0 ? ((to[k] - from[k]) * 1000) / units : Number.NaN);
  return { server: per('server'), postgres: per('postgres'), load: per('load') };
}

/** The rows a scenario's table gets for `cpuValues`: CPU per unit of work by process. */
export const CPU_ROWS = (unit: string) => [
  { key: 'cpuServer', label: `CPU per ${unit}: Worklane server`, unit: 'µs' },
  { key: 'cpuPostgres', label: `CPU per ${unit}: PostgreSQL (every process)`, unit: 'µs' },
  { key: 'cpuLoad', label: `CPU per ${unit}: load generator`, unit: 'µs' },
];

export const cpuValues = (c: CpuSample) => ({ cpuServer: c.server, cpuPostgres: c.postgres, cpuLoad: c.load });
