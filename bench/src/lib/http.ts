import { Pool } from 'undici';
import WebSocket from 'ws';

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/**
 * A keep-alive JSON client for loopback requests (the suite's own client, next to autocannon).
 * undici, not node:http: the load generator shares the two cores with the server and PostgreSQL,
 * and node:http's client took 57–75 µs of CPU a request against undici's 38 (30,000 JSON posts to
 * a bare server, 100 connections), CPU the server under test did not get.
 */
export class HttpClient {
  private readonly pool: Pool;
  constructor(base: string, connections = 50) {
    const url = new URL(base);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`the bench only targets loopback, not ${url.hostname}`);
    this.pool = new Pool(url.origin, { connections, headersTimeout: 60_000, bodyTimeout: 60_000 });
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await this.pool.request({
      method: method as 'GET', path, body: payload,
      headers: payload !== undefined ? { ...headers, 'content-type': 'application/json' } : headers,
    });
    const text = await res.body.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.statusCode, json };
  }

  close(): void {
    void this.pool.destroy();
  }
}

export function must(r: Reply, what: string, ok: number[] = [200, 201]): Reply {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
  return r;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StreamMessage = { type: string; [k: string]: any };

/** An agent's live stream (/api/v1/stream), authenticated by its session cookie. */
export function openStream(base: string, cookie: string, onMessage: (m: StreamMessage, at: number) => void): Promise<WebSocket> {
  const ws = new WebSocket(base.replace('http', 'ws') + '/api/v1/stream', { headers: { cookie } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('stream: no hello within 30 s')), 30_000);
    ws.on('message', (data) => {
      const at = performance.now();
      const m = JSON.parse(String(data)) as StreamMessage;
      if (m.type === 'hello') {
        clearTimeout(timer);
        resolve(ws);
      } else onMessage(m, at);
    });
    ws.once('error', (err) => (clearTimeout(timer), reject(err)));
    ws.once('unexpected-response', (_req, res) => (clearTimeout(timer), reject(new Error(`stream refused: ${res.statusCode}`))));
  });
}
