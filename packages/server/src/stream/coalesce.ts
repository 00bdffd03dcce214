import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Sockets corked by the code running now; uncorked together when it returns. */
const corked = new Set<Socket>();

function uncorkAll(): void {
  for (const s of corked) s.uncork();
  corked.clear();
}

/**
 * Sends a message on a WebSocket; the messages one socket gets from one stretch of code go out as
 * one write. `ws` writes every frame on its own (a `writev` each), and on loopback a write also
 * runs the receiver's side of TCP in the writer's call (a tenth of the server's samples on the
 * dispatch benchmark with `perf`; V8's profile showed a quarter, the process waiting for a core
 * counted in). A routing round's commit tells an agent of several assignments at once, and
 * a batch of completions of their tasks: those now cost the socket one write. The messages leave
 * as soon as the code that sent them returns (a microtask queued with the first): before the
 * promises it then resolves run, so an offer made by a capture's commit still leaves before the
 * capture's 201 (at the end of the tick instead, the 201 often went first), and nothing waits on
 * I/O or a timer. Counted on the dispatch benchmark, a tick's end coalesced no more than this.
 */
export function sendCoalesced(ws: WebSocket, data: string): void {
  // `_socket` is ws's own field (no public accessor); without it the message goes out alone.
  const raw = (ws as unknown as { _socket?: Socket })._socket;
  if (raw && !corked.has(raw) && !raw.destroyed) {
    if (!corked.size) queueMicrotask(uncorkAll);
    raw.cork();
    corked.add(raw);
  }
  ws.send(data);
}
