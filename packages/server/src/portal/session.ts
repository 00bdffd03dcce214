import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { unauthorized } from '../http/problems.js';
import { PORTAL_SESSION_TTL_MS, serverSecret, signToken, verifyToken } from './token.js';

/**
 * The customer's session cookie. Its own name and path: staff sessions (`wl_session`) and customer
 * sessions never mix, and the browser sends this one to the portal API only.
 */
export const PORTAL_COOKIE = 'wl_portal';
export const PORTAL_COOKIE_PATH = '/api/v1/portal';

export interface PortalCustomer {
  id: string;
  name: string;
  firstName: string | null;
  email: string | null;
}

/** Exchanges a link token for a session: sets the cookie, answers who the customer is. */
export async function openSession(s: Services, request: FastifyRequest, reply: FastifyReply, customerId: string, now = Date.now()) {
  const token = signToken(await serverSecret(s.db), 'session', customerId, PORTAL_SESSION_TTL_MS, now);
  reply.setCookie(PORTAL_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: PORTAL_COOKIE_PATH,
    secure: request.protocol === 'https',
    maxAge: PORTAL_SESSION_TTL_MS / 1000,
  });
  return new Date(now + PORTAL_SESSION_TTL_MS).toISOString();
}

export function closeSession(reply: FastifyReply): void {
  reply.clearCookie(PORTAL_COOKIE, { path: PORTAL_COOKIE_PATH });
}

/** The signed-in customer of a portal request; 401 without a valid, unexpired portal cookie (or when the customer is gone). */
export async function requireCustomer(s: Services, request: FastifyRequest): Promise<PortalCustomer> {
  const token = request.cookies?.[PORTAL_COOKIE];
  if (!token) throw unauthorized('Open the link from your latest message to see your cases');
  const v = verifyToken(await serverSecret(s.db), 'session', token);
  if (!v.ok) throw unauthorized(v.reason === 'expired' ? 'Your portal session has expired; open the link from your latest message again' : 'Your portal session is not valid; open the link from your latest message again');
  const c = await s.db.selectFrom('customers').select(['id', 'name', 'first_name', 'email']).where('id', '=', v.customerId).executeTakeFirst();
  if (!c) throw unauthorized('Your portal session is not valid; open the link from your latest message again');
  return { id: c.id, name: c.name, firstName: c.first_name, email: c.email };
}
