import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { requireUser } from '../auth/guard.js';

/** The browser's live stream. Authenticated on upgrade by the same guard as every route. */
export async function streamRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/api/v1/stream', { websocket: true, config: { auth: { roles: 'any' } }, schema: { tags: ['stream'], hide: true } }, (socket, request) => {
    const u = requireUser(request);
    const remove = s.hub.add(socket, u.id, u.roles);
    socket.on('close', remove);
    socket.on('error', remove);
    // Clients only listen; pings keep proxies from closing idle connections.
    const ping = setInterval(() => socket.readyState === 1 && socket.ping(), 25_000);
    ping.unref();
    socket.on('close', () => clearInterval(ping));
    socket.send(JSON.stringify({ type: 'hello', user: { id: u.id, name: u.name, roles: u.roles } }));
  });
}
