import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { sendCoalesced } from '../../src/stream/coalesce.js';

// A real WebSocket pair on loopback; the server's socket counts how often it writes to the kernel.
async function pair() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const heard: string[] = [];
  client.on('message', (m) => heard.push(String(m)));
  await once(client, 'open');
  const [ws] = await accepted;
  type Write = (...args: unknown[]) => void;
  const raw = (ws as unknown as { _socket: Record<'_write' | '_writev', Write> })._socket;
  let writes = 0;
  for (const k of ['_write', '_writev'] as const) {
    const orig = raw[k].bind(raw);
    raw[k] = (...args) => (writes++, orig(...args));
  }
  return { server, client, ws, heard, writes: () => writes };
}

const open: { close(): void }[] = [];
afterEach(() => open.splice(0).forEach((x) => x.close()));

describe('messages to one socket in one tick', () => {
  it('go out as one write, in order, as soon as the sending code returns; later sends write again', async () => {
    const { server, client, ws, heard, writes } = await pair();
    open.push(client, server);
    for (let i = 0; i < 5; i++) sendCoalesced(ws, `m${i}`);
    // Written before anything the sender's caller resolves next (an offer before the capture's 201).
    await Promise.resolve();
    expect(writes()).toBe(1);
    sendCoalesced(ws, 'later');
    await new Promise((r) => setImmediate(r));
    expect(writes()).toBe(2);
    await new Promise<void>((r) => { const t = setInterval(() => heard.length === 6 && (clearInterval(t), r()), 5); });
    expect(heard).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'later']);
  });

  it('ws on its own writes each message (what the coalescing saves)', async () => {
    const { server, client, ws, writes } = await pair();
    open.push(client, server);
    for (let i = 0; i < 5; i++) ws.send(`m${i}`);
    await new Promise((r) => setImmediate(r));
    expect(writes()).toBe(5);
  });
});
