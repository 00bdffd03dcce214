import { createServer, type Server } from 'node:http';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Received {
  path: string;
  auth: string | undefined;
  body: Json;
}

/**
 * A provider on loopback that takes JSON requests (an SMS carrier, a social platform's API; a GET's body is {}): the next
 * `failures` requests get 503 (not recorded), the others are recorded and answered `answer(path, n)`.
 */
export class Receiver {
  readonly received: Received[] = [];
  failures = 0;
  url = '';
  private server: Server | undefined;

  constructor(private readonly answer: (path: string, n: number) => unknown = (_path, n) => ({ id: `r-${n}` })) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (this.failures > 0) {
          this.failures--;
          res.statusCode = 503;
          return res.end(JSON.stringify({ error: { message: 'try later' } }));
        }
        const path = req.url ?? '';
        this.received.push({ path, auth: req.headers.authorization, body: b ? JSON.parse(b) : {} });
        res.end(JSON.stringify(this.answer(path, this.received.length)));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** The first request that matches, waiting up to about 6 s for it. */
  async waitFor(pred: (r: Received) => boolean): Promise<Received> {
    for (let i = 0; i < 300; i++) {
      const r = this.received.find(pred);
      if (r) return r;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no such request; received: ${JSON.stringify(this.received)}`);
  }

  close(): void {
    this.server?.close();
  }
}
