import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import pg from 'pg';
import WebSocket from 'ws';
import { freshPglite } from './pglite-template.js';
import { buildApp, migrateToLatest, openStore, seedDemoIfEmpty, type App, type AppOptions, type Store, type StoreOptions } from '../../src/index.js';

export const DEMO_KEY = 'wl_demo_4f8c2a9e7b1d6053c1e2';
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// The evaluation planner samples in the background on its own time: a test that counts events around
// a refused request would see its scorecards come and go. Tests of quality management set it (or call
// `services.quality.catchUp()`).
process.env.WORKLANE_QUALITY_POLL_MS ??= '3600000';
process.env.WORKLANE_ANALYTICS_POLL_MS ??= '3600000';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const pgProblem = await probePostgres();
if (pgProblem) {
  if (process.env.REQUIRE_POSTGRES) throw new Error(`REQUIRE_POSTGRES is set but PostgreSQL at ${TEST_DATABASE_URL} is unreachable: ${pgProblem}`);
  console.warn(`\n!!!!!!!!\n!!! PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${pgProblem}).\n!!! The PostgreSQL integration suite is SKIPPED. Set TEST_DATABASE_URL or start PostgreSQL.\n!!!!!!!!\n`);
}

export type Backend = 'pglite' | 'postgres';
export const BACKENDS: { backend: Backend; skip: boolean }[] = [
  { backend: 'pglite', skip: false },
  { backend: 'postgres', skip: pgProblem !== null },
];

export interface TestDb {
  store: Store;
  /** Re-open the same database (a restart). */
  reopen(): Promise<Store>;
  drop(): Promise<void>;
}

/** A fresh database per call: a temp PGlite folder, or a new PostgreSQL database dropped afterwards. */
export async function freshDatabase(backend: Backend): Promise<TestDb> {
  let options: StoreOptions;
  let remove: () => Promise<void>;
  if (backend === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'worklane-test-'));
    await freshPglite(dir);
    options = { dataDir: dir, holder: 'test' };
    remove = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `worklane_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`create database ${name}`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    options = { databaseUrl: url.toString() };
    remove = () => adminQuery(`drop database if exists ${name} with (force)`);
  }
  let store = await openStore(options);
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await openStore(options);
      return store;
    },
    async drop() {
      await store.close();
      await remove();
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

export interface Harness {
  db: TestDb;
  app: App;
  base: string;
  close(): Promise<void>;
  /** Stops the server, runs `whileDown` against the database, starts a new server on it. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

/** A migrated, demo-seeded database and a real listening server on a random loopback port. */
export async function startHarness(backend: Backend, options: Omit<Partial<AppOptions>, 'db'> = {}): Promise<Harness> {
  const db = await freshDatabase(backend);
  await migrateToLatest(db.store.db as never);
  await seedDemoIfEmpty(db.store.db);
  const h: Harness = {
    db,
    app: await buildApp({ db: db.store.db, embedded: backend === 'pglite', ...options }),
    base: '',
    async close() {
      await h.app.app.close();
      await db.drop();
    },
    async restart(whileDown) {
      await h.app.app.close();
      await whileDown?.();
      const store = await db.reopen();
      h.app = await buildApp({ db: store.db, embedded: backend === 'pglite', ...options });
      await h.app.app.listen({ port: Number(new URL(h.base).port), host: '127.0.0.1' }); // same address, like a real restart
      h.base = addressOf(h.app);
    },
  };
  await h.app.app.listen({ port: 0, host: '127.0.0.1' });
  h.base = addressOf(h.app);
  return h;
}

function addressOf(app: App): string {
  const a = app.app.server.address();
  if (!a || typeof a === 'string') throw new Error('not listening');
  return `http://127.0.0.1:${a.port}`;
}

/** A tiny HTTP client that keeps a session cookie, like a browser. */
export class Client {
  cookie = '';
  constructor(
    readonly base: string,
    private readonly apiKey?: string,
  ) {}

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.apiKey) h.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined && typeof body !== 'string') h['content-type'] = 'application/json';
    if (typeof body === 'string') h['content-type'] ??= 'application/json';
    const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    let json: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  }

  static async login(base: string, email: string, password: string): Promise<Client> {
    const c = new Client(base);
    const r = await c.req('POST', '/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.json)}`);
    return c;
  }

  /** Opens the live stream with this client's cookie and collects its messages. */
  async stream(): Promise<Stream> {
    const ws = new WebSocket(this.base.replace('http', 'ws') + '/api/v1/stream', { headers: { cookie: this.cookie } });
    const s = new Stream(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`stream refused: ${res.statusCode}`)));
    });
    await s.next((m) => m.type === 'hello');
    return s;
  }
}

export class Stream {
  readonly messages: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  private waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  next(pred: (m: any) => boolean, timeoutMs = 5000): Promise<any> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no such stream message within ' + timeoutMs + ' ms')), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }
  close() {
    this.ws.close();
  }
}

/** Counts that must not move when a request is rejected. */
export async function counts(store: Store) {
  const one = async (t: 'tasks' | 'events' | 'offers' | 'api_keys' | 'sessions') =>
    Number((await store.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { tasks: await one('tasks'), events: await one('events'), offers: await one('offers'), apiKeys: await one('api_keys') };
}

/** Signs the demo admin in and applies `config` as a configuration import (asserted accepted): the admin's client. */
export async function applyConfig(h: Harness, config: object): Promise<Client> {
  const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
  const imported = await admin.req('POST', '/api/v1/config/import?apply=true', config);
  expect(imported.status, JSON.stringify(imported.json)).toBe(200);
  return admin;
}
