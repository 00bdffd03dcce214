import http from 'node:http';
import WebSocket from 'ws';

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** A keep-alive JSON client for loopback requests (the suite's own client, next to autocannon). */
export class HttpClient {
  readonly agent: http.Agent;
  private readonly url: URL;
  constructor(base: string, maxSockets = 50) {
    this.url = new URL(base);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(this.url.hostname)) throw new Error(`the bench only targets loopback, not ${this.url.hostname}`);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname, port: this.url.port, method, path, agent: this.agent,
          headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json: unknown = null;
            try {
              json = text ? JSON.parse(text) : null;
            } catch {
              json = text;
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
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
