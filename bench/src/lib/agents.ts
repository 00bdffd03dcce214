import type WebSocket from 'ws';
import { HttpClient, must, openStream, type StreamMessage } from './http.js';
import type { Agent } from './setup.js';
import { pool } from './util.js';

/**
 * Simulated agents in the load generator's process: each has its own live stream (WebSocket) and
 * acts through the API with its session cookie, like the agent workspace does, on a connection of
 * its own as each agent's browser would have (opened when first needed). A pool of 50 shared by
 * 200 agents queued their completions in the load generator, a wait no real floor has: dispatch
 * measured 1,969-1,993 assignments/s through 50 connections against 2,836-2,868 through one per
 * agent, in alternated runs (pg-boss, pool-bound, did the same with 50 or 200 loops).
 */
export class AgentCrowd {
  readonly http: HttpClient;
  private sockets: WebSocket[] = [];
  errors = 0;
  lastError = '';

  constructor(
    readonly base: string,
    readonly agents: Agent[],
  ) {
    this.http = new HttpClient(base, Math.max(1, agents.length));
  }

  async connect(onMessage: (agent: Agent, m: StreamMessage, at: number) => void, which = this.agents): Promise<void> {
    await pool(which, 50, async (a) => {
      this.sockets.push(await openStream(this.base, a.cookie, (m, at) => onMessage(a, m, at)));
    });
  }

  async setPresence(status: 'available' | 'offline', which = this.agents): Promise<void> {
    await pool(which, 50, async (a) => {
      must(await this.http.request('PUT', '/api/v1/me/presence', { status }, { cookie: a.cookie }), `presence of ${a.email}`);
    });
  }

  /** Fire-and-track an agent's action; failures are counted, not thrown (they are reported). */
  act(agent: Agent, method: string, path: string, body: unknown, then?: (at: number) => void): void {
    this.http.request(method, path, body, { cookie: agent.cookie }).then(
      (r) => {
        if (r.status >= 300) {
          this.errors++;
          this.lastError = `${method} ${path}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`;
        } else then?.(performance.now());
      },
      (err: unknown) => {
        this.errors++;
        this.lastError = String(err);
      },
    );
  }

  close(): void {
    for (const s of this.sockets) s.terminate();
    this.sockets = [];
    this.http.close();
  }
}

/** Captures `count` tasks through POST /api/v1/tasks/bulk (500 per call, 4 calls in flight; ids only back). */
export async function bulkLoad(base: string, headers: Record<string, string>, count: number, make: (i: number) => object, bulkSize = 500): Promise<number> {
  const http = new HttpClient(base, 4);
  const started = performance.now();
  try {
    const chunks = Array.from({ length: Math.ceil(count / bulkSize) }, (_, c) => c);
    await pool(chunks, 4, async (c) => {
      const tasks = Array.from({ length: Math.min(bulkSize, count - c * bulkSize) }, (_, k) => make(c * bulkSize + k));
      const r = must(await http.request('POST', '/api/v1/tasks/bulk', { tasks }, { ...headers, prefer: 'return=minimal' }), 'bulk load');
      if (r.json.created !== tasks.length) throw new Error(`bulk load: ${r.json.created} of ${tasks.length} created: ${JSON.stringify(r.json.items.find((i: { status: number }) => i.status >= 300))}`);
    });
    return count / ((performance.now() - started) / 1000);
  } finally {
    http.close();
  }
}
