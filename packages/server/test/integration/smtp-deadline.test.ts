// An SMTP server that answers every command just before nodemailer's per-phase timeouts would keep
// an e-mail attempt (and a worker slot) for as long as it likes, and one that stalls would keep the
// server from shutting down: the attempt as a whole is bounded by WORKLANE_NOTIFY_TIMEOUT_MS, and
// shutdown interrupts it (not counted as an attempt).
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channels } from '../../src/notifications/channels.js';
import { notificationOptionsFromEnv } from '../../src/notifications/options.js';

/** Speaks just enough SMTP, each answer `delayMs` late; `stall` never greets. */
function trickler(delayMs: number, stall = false): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    if (stall) return;
    const say = (line: string) => setTimeout(() => socket.writable && socket.write(`${line}\r\n`), delayMs);
    say('220 slow.example ESMTP');
    let inData = false;
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            say('250 queued');
          }
          continue;
        }
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') say('250 slow.example');
        else if (cmd === 'DATA') {
          inData = true;
          say('354 go on');
        } else if (cmd === 'QUIT') say('221 bye');
        else say('250 ok');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, sockets })));
}

const mail = { channel: 'email' as const, to: 'slow@example.com', subject: 'Hello', body: 'Slowly', key: 'wl-notification-test' };

describe('e-mail attempts against slow SMTP servers', () => {
  let slow: Awaited<ReturnType<typeof trickler>>;
  let stalled: Awaited<ReturnType<typeof trickler>>;
  beforeAll(async () => {
    [slow, stalled] = await Promise.all([trickler(600), trickler(0, true)]);
  });
  afterAll(async () => {
    for (const t of [slow, stalled]) {
      for (const s of t.sockets) s.destroy();
      await new Promise((r) => t.server.close(r));
    }
  });

  const channels = (port: number, timeoutMs: number) => new Channels({ ...notificationOptionsFromEnv({}), smtpUrl: `smtp://127.0.0.1:${port}`, timeoutMs });

  it('a server that answers each command just in time still ends the attempt at the timeout', async () => {
    // Every phase is within 1 s, the whole conversation (greeting, EHLO, MAIL, RCPT, DATA, data) is not.
    const r = await channels(slow.port, 1000).send(mail, new AbortController().signal);
    expect(r).toMatchObject({ ok: false, permanent: false, interrupted: false, error: 'timed out after 1000 ms' });
    expect(r.durationMs).toBeLessThan(1500);
    // With time enough it is delivered: the bound is on the attempt, not on the server.
    const ok = await channels(slow.port, 8000).send(mail, new AbortController().signal);
    expect(ok).toMatchObject({ ok: true, error: null });
  }, 20_000);

  it('shutdown interrupts an attempt at a stalled server at once, and it does not count as an attempt', async () => {
    const stop = new AbortController();
    const c = channels(stalled.port, 15_000);
    const started = Date.now();
    setTimeout(() => stop.abort(), 200);
    const r = await c.send(mail, stop.signal);
    expect(r).toMatchObject({ ok: false, interrupted: true });
    expect(Date.now() - started).toBeLessThan(1000);
    c.close();
  });
});
