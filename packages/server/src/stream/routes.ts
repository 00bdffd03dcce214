import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { requireUser } from '../auth/guard.js';
import { LeaveWatch, leaveGraceMs } from '../presence/change.js';

/** The browser's live stream. Authenticated on upgrade by the same guard as every route. */
export async function streamRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const leaves = new LeaveWatch(s, leaveGraceMs(), (err) => app.log.error({ err }, 'could not set a person who left offline'));
  app.addHook('onClose', async () => leaves.stop());
  app.get('/api/v1/stream', { websocket: true, config: { auth: { roles: 'any' } }, schema: { tags: ['stream'], hide: true } }, (socket, request) => {
    const u = requireUser(request);
    const forget = s.hub.add(socket, u.id, u.roles);
    let gone = false;
    const remove = () => {
      if (gone) return;
      gone = true;
      forget();
      leaves.closed(u.id);
    };
    socket.on('close', remove);
    socket.on('error', remove);
    // Clients only listen; pings keep proxies from closing idle connections.
    const ping = setInterval(() => socket.readyState === 1 && socket.ping(), 25_000);
    ping.unref();
    socket.on('close', () => clearInterval(ping));
    socket.send(JSON.stringify({ type: 'hello', user: { id: u.id, name: u.name, roles: u.roles } }));
  });
}
