import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { newToken, sha256 } from './crypto.js';
import { SESSION_COOKIE, SESSION_TTL_MS } from './guard.js';
import { appendEvents } from '../events/append.js';

/** Signs a browser in (password or single sign-on): a session row, the `auth.login` event, the cookie. */
export async function openSession(s: Services, request: FastifyRequest, reply: FastifyReply, userId: string, method: 'password' | 'sso', idToken: string | null = null): Promise<void> {
  const token = newToken();
  await s.db.insertInto('sessions').values({ id: sha256(token), user_id: userId, expires_at: new Date(Date.now() + SESSION_TTL_MS), id_token: idToken }).execute();
  await appendEvents(s.db, [{ type: 'auth.login', actor: `user:${userId}`, userId, data: { ip: request.ip, ...(method === 'sso' ? { method } : {}) } }]);
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: request.protocol === 'https',
    maxAge: SESSION_TTL_MS / 1000,
  });
}
