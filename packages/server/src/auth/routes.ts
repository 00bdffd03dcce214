import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { sha256, verifyPassword } from './crypto.js';
import { SESSION_COOKIE, requireUser } from './guard.js';
import { openSession } from './session.js';
import { Problem, unauthorized } from '../http/problems.js';
import { LoginThrottle } from '../security/login-throttle.js';
import { assertSameOrigin } from '../security/csrf.js';
import { readPresence } from '../presence/store.js';
import { signOff } from '../presence/change.js';
import { appendEvents } from '../events/append.js';
import { forgetCredentials } from './credential-cache.js';

// A fixed hash to verify against when the e-mail is unknown, so timing does not reveal accounts.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy';

export async function authRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const throttle = new LoginThrottle();

  r.post('/api/v1/auth/login', {
    config: { auth: { public: true } },
    schema: {
      tags: ['auth'],
      body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    assertSameOrigin(request); // login CSRF: another site must not sign a browser in
    const email = request.body.email.trim().toLowerCase();
    const wait = throttle.retryAfter(email, request.ip);
    if (wait > 0) {
      reply.header('Retry-After', String(wait));
      throw new Problem(429, 'Too many attempts', `Too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minute(s)`);
    }
    const user = await s.db.selectFrom('users').select(['id', 'email', 'name', 'roles', 'password_hash', 'disabled']).where('email', '=', email).executeTakeFirst();
    const ok = await verifyPassword(user?.password_hash ?? DUMMY_HASH, request.body.password);
    if (!user || !ok || user.disabled || !user.password_hash) {
      const locked = throttle.fail(email, request.ip);
      await appendEvents(s.db, [
        { type: 'auth.login-failed', data: { email, ip: request.ip } },
        ...(locked ? [{ type: 'auth.locked-out', data: { email, ip: request.ip } }] : []),
      ]);
      throw unauthorized('Wrong e-mail or password');
    }
    throttle.succeed(email);
    await openSession(s, request, reply, user.id, 'password');
    return { user: { id: user.id, email: user.email, name: user.name, roles: user.roles } };
  });

  r.post('/api/v1/auth/logout', {
    config: { auth: { public: true } },
    schema: { tags: ['auth'], summary: 'Signs this browser out: 204, or 200 with `endSession`, where to send a single sign-on browser so the provider signs it out too' },
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    let endSession: string | null = null;
    if (token) {
      const ended = await s.db.deleteFrom('sessions').where('id', '=', sha256(token)).returning(['user_id', 'id_token']).executeTakeFirst();
      forgetCredentials(s.db);
      // Signed out everywhere: no longer at work (offers stop, time stops counting as available).
      if (ended) {
        const other = await s.db.selectFrom('sessions').select('id').where('user_id', '=', ended.user_id).where('expires_at', '>', new Date()).executeTakeFirst();
        if (!other) await signOff(s, ended.user_id, `user:${ended.user_id}`);
      }
      if (ended?.id_token && s.sso) {
        // The provider away: signed out here all the same (its own session ends when it expires).
        endSession = await s.sso.endSessionUrl(ended.id_token).catch((err: unknown) => (request.log.warn({ err }, 'single sign-on: the provider could not be asked to sign out'), null));
      }
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return endSession ? { endSession } : reply.code(204).send();
  });

  r.get('/api/v1/me', { config: { auth: { roles: 'any' } }, schema: { tags: ['auth'] } }, async (request) => {
    const u = requireUser(request);
    return { user: { id: u.id, email: u.email, name: u.name, roles: u.roles }, presence: await readPresence(s.db, u.id) };
  });
}
