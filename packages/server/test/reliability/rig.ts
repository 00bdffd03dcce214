// The pieces a reliability run is built from: a real `worklane start` process that can be killed
// and restarted on the same port, an HTTP client that classifies every answer, a webhook / SMS /
// push receiver and an SMTP server that remember what arrived, and databases on the shared server.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';

export const ROOT = resolve(import.meta.dirname, '../../../..');
export const DEMO_KEY = 'wl_demo_4f8c2a9e7b1d6053c1e2';
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether PostgreSQL at `url` answers; the reason when it does not. */
export async function probe(url: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await c.end().catch(() => {});
  }
}

export async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** A fresh database `<prefix>_<pid>_<random>` on the server at `serverUrl`; `drop()` removes it. */
export async function freshDatabase(serverUrl: string, prefix: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), name, drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}

/** Runs `fn` with a fresh connection (the database may have restarted since the last one). */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on('error', () => {}); // the database restarting under a check: the query fails, the test goes on
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

// ——— the server process ———

export interface ServerOptions {
  port: number;
  databaseUrl: string;
  env?: Record<string, string>;
}

/** `worklane start` in its own process, killed with SIGKILL and started again on the same port. */
export class ServerProcess {
  proc: ChildProcess | undefined;
  readonly base: string;
  private out = '';
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'worklane-crash-'));
  /** Exits nobody asked for (a crash of the server itself). */
  unexpectedExits: { code: number | null; signal: string | null; output: string }[] = [];
  private expectingExit = false;
  starts = 0;
  readyAt = 0;

  constructor(private readonly o: ServerOptions) {
    this.base = `http://127.0.0.1:${o.port}`;
  }

  output(): string {
    return this.out;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(timeoutMs = 90_000): Promise<number> {
    const t0 = Date.now();
    this.expectingExit = false;
    const proc = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/worklane.mjs'), 'start'], {
      env: {
        ...process.env,
        PORT: String(this.o.port),
        HOST: '127.0.0.1',
        DATABASE_URL: this.o.databaseUrl,
        WORKLANE_DATA_DIR: this.dataDir,
        WORKLANE_WEB_DIR: join(this.dataDir, 'no-web'),
        WORKLANE_PUBLIC_URL: this.base,
        LOG_LEVEL: process.env.WORKLANE_CRASH_LOG_LEVEL ?? 'warn',
        // The demo without its made-up history: the invariants count what this run did (history RONAs have no offer).
        WORKLANE_DEMO_HISTORY: '0',
        ...this.o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.starts++;
    // Best effort: no server outlives the test process.
    const orphan = () => proc.kill('SIGKILL');
    process.once('exit', orphan);
    proc.once('exit', () => process.off('exit', orphan));
    const keep = (d: Buffer) => {
      this.out += d.toString();
      if (this.out.length > 400_000) this.out = this.out.slice(-200_000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    proc.once('exit', (code, signal) => {
      if (!this.expectingExit) this.unexpectedExits.push({ code, signal, output: this.out.slice(-4000) });
    });
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`server exited while starting (${proc.exitCode ?? proc.signalCode}):\n${this.out.slice(-4000)}`);
      const ok = await fetch(this.base + '/readyz', { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() - t0 > timeoutMs) throw new Error(`server not ready in ${timeoutMs / 1000} s:\n${this.out.slice(-4000)}`);
      await sleep(100);
    }
    this.readyAt = Date.now();
    return Date.now() - t0;
  }

  /** kill -9: no shutdown hook runs, in-flight requests and transactions are cut. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    this.expectingExit = true;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;
  }

  /** A clean stop (SIGTERM) at the end of a run. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      this.expectingExit = true;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

// ——— HTTP client ———

export type Outcome = 'ok' | 'client-error' | 'unavailable' | 'server-error' | 'down';

export interface Answer {
  status: number;
  outcome: Outcome;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  retryAfter: string | null;
  problem: boolean;
}

/** Every answer the load saw, by kind; anything 5xx other than a clean 503 is kept for the report. */
export class Tally {
  readonly counts = new Map<string, number>();
  sent = 0;
  readonly badAnswers: string[] = [];
  /** 5xx answers that were not a 503 problem with Retry-After. */
  dirty = 0;
  unavailable = 0;
  /** 503 answers by detail (digits masked). */
  readonly unavailableWhy = new Map<string, number>();
  down = 0;
  ok = 0;

  record(what: string, a: Answer, method: string, path: string): void {
    this.sent++;
    const key = `${what} ${a.outcome === 'ok' ? a.status : a.outcome === 'client-error' ? a.status : a.outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (a.outcome === 'ok') this.ok++;
    if (a.outcome === 'down') this.down++;
    if (a.outcome === 'unavailable') {
      this.unavailable++;
      const why = String(a.json?.detail ?? '').replace(/[0-9]+/g, 'N');
      this.unavailableWhy.set(why, (this.unavailableWhy.get(why) ?? 0) + 1);
    }
    if (a.outcome === 'server-error' || (a.outcome === 'unavailable' && (!a.retryAfter || !a.problem))) {
      this.dirty++;
      if (this.badAnswers.length < 20) this.badAnswers.push(`${method} ${path} -> ${a.status} retry-after=${a.retryAfter} ${JSON.stringify(a.json)?.slice(0, 300)}`);
    }
  }
}

export class ApiClient {
  cookie = '';
  constructor(
    readonly base: () => string,
    readonly tally: Tally,
    private readonly apiKey?: string,
  ) {}

  async req(what: string, method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<Answer> {
    const h: Record<string, string> = {};
    if (this.cookie) h.cookie = this.cookie;
    if (this.apiKey) h.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) h['content-type'] = 'application/json';
    let a: Answer;
    try {
      const res = await fetch(this.base() + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
      const set = res.headers.get('set-cookie');
      if (set && set.startsWith('wl_session=')) this.cookie = set.split(';')[0]!;
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      const problem = (res.headers.get('content-type') ?? '').startsWith('application/problem+json');
      const outcome: Outcome = res.status < 400 ? 'ok' : res.status < 500 ? 'client-error' : res.status === 503 ? 'unavailable' : 'server-error';
      a = { status: res.status, outcome, json, retryAfter: res.headers.get('retry-after'), problem };
    } catch (err) {
      a = { status: 0, outcome: 'down', json: String((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message), retryAfter: null, problem: false };
    }
    this.tally.record(what, a, method, path);
    return a;
  }

  async login(email: string, password: string): Promise<boolean> {
    const a = await this.req('login', 'POST', '/api/v1/auth/login', { email, password });
    return a.status === 200;
  }
}

// ——— receivers ———

/** Webhook receiver and SMS/push provider on loopback; remembers the ids it was given. */
export class HttpSink {
  private server!: Server;
  base = '';
  /** webhook-id → times received. */
  readonly webhooks = new Map<string, number>();
  /** Idempotency-Key of SMS/push → times received. */
  readonly messages = new Map<string, number>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.on('error', () => {}); // a sender killed mid-request
      req.resume();
      req.on('end', () => {
        const url = req.url ?? '/';
        if (url.startsWith('/webhook')) {
          const id = String(req.headers['webhook-id'] ?? '');
          this.webhooks.set(id, (this.webhooks.get(id) ?? 0) + 1);
          res.writeHead(204).end();
        } else {
          const key = String(req.headers['idempotency-key'] ?? '');
          this.messages.set(key, (this.messages.get(key) ?? 0) + 1);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: key }));
        }
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** SMTP server that remembers the Message-ID of every accepted mail. */
export class MailSink {
  private server!: SMTPServer;
  port = 0;
  readonly mails = new Map<string, number>();

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, cb) => {
        let head = '';
        stream.on('data', (d: Buffer) => {
          if (head.length < 20_000) head += d.toString('utf8');
        });
        stream.on('end', () => {
          const m = /^message-id:\s*(<[^>]+>)/im.exec(head);
          const id = m?.[1] ?? '';
          this.mails.set(id, (this.mails.get(id) ?? 0) + 1);
          cb();
        });
      },
    });
    // A server killed mid-session resets its SMTP connection: an error event, not a crash of the test.
    this.server.on('error', () => {});
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
