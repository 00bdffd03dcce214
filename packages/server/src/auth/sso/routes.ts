import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ssoSignIn, ssoSubjectOf, type SsoClaims, type SsoOutcome } from '@worklane/core';
import type { Services } from '../../services.js';
import { newToken, sha256 } from '../crypto.js';
import { openSession } from '../session.js';
import { forgetCredentials } from '../credential-cache.js';
import { appendEvents } from '../../events/append.js';
import { notFound } from '../../http/problems.js';
import { writeUser } from '../../config/write.js';
import type { SsoClient } from './client.js';
import { SSO_CALLBACK_PATH, type SsoOptions } from './options.js';

const SSO_COOKIE = 'wl_sso';
const SSO_PATH = '/api/v1/auth/sso';
const FLOW_TTL_MS = 10 * 60_000;

/** Failures the sign-in page explains (web `auth/ssoErrors.ts`); details stay in the log and events. */
type Failure = 'unavailable' | 'expired' | 'refused' | 'invalid' | Extract<SsoOutcome, { kind: 'refuse' }>['code'];

const hasControl = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** Only a path of this site: never another origin (`//evil`, `/\evil`), never back to the sign-in page. */
export function safeReturnTo(raw: string | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || raw.startsWith('/login') || hasControl(raw)) return '/';
  return raw;
}

/**
 * Single sign-on (API.md "SSO through OIDC when configured"): `GET /auth/sso` sends the browser to
 * the provider; the provider sends it back to the callback, which signs it in as core `ssoSignIn`
 * decides. The flow is bound to the browser by an HttpOnly cookie, so a code or state from another
 * browser (login CSRF) signs nobody in. Failures go back to the sign-in page with a code.
 */
export async function ssoRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const client = s.sso;
  const options = client?.options ?? null;

  r.get('/api/v1/auth/providers', { config: { auth: { public: true } }, schema: { tags: ['auth'] } }, async () => ({
    password: true,
    sso: options ? { label: options.label, start: SSO_PATH } : null,
  }));

  r.get(SSO_PATH, {
    config: { auth: { public: true } },
    schema: { tags: ['auth'], querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    if (!client) throw notFound('Single sign-on (set WORKLANE_OIDC_ISSUER)');
    let begun: Awaited<ReturnType<SsoClient['begin']>>;
    try {
      begun = await client.begin();
    } catch (err) {
      request.log.warn({ err, issuer: client.issuer }, 'single sign-on: the identity provider could not be reached');
      return fail(reply, 'unavailable');
    }
    const token = newToken();
    await s.db.deleteFrom('sso_logins').where('expires_at', '<', new Date()).execute();
    await s.db.insertInto('sso_logins').values({ id: sha256(token), ...begun.flow, return_to: safeReturnTo(request.query.returnTo), expires_at: new Date(Date.now() + FLOW_TTL_MS) }).execute();
    // Lax: the provider's redirect back is a top-level GET from its site, which Lax lets through.
    reply.setCookie(SSO_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: SSO_PATH, secure: request.protocol === 'https', maxAge: FLOW_TTL_MS / 1000 });
    return reply.redirect(begun.url.href, 303);
  });

  r.get(SSO_CALLBACK_PATH, {
    config: { auth: { public: true } },
    schema: {
      tags: ['auth'],
      // Providers add their own parameters (iss, session_state, scope): take them along.
      querystring: Type.Object({ state: Type.Optional(Type.String({ maxLength: 4000 })), error: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: true }),
    },
  }, async (request, reply) => {
    if (!client) throw notFound('Single sign-on (set WORKLANE_OIDC_ISSUER)');
    const token = request.cookies[SSO_COOKIE];
    reply.clearCookie(SSO_COOKIE, { path: SSO_PATH });
    // Used once: taken out whatever happens next.
    const flow = token ? await s.db.deleteFrom('sso_logins').where('id', '=', sha256(token)).returningAll().executeTakeFirst() : undefined;
    if (!flow || flow.expires_at.getTime() < Date.now()) return fail(reply, 'expired');
    if (request.query.error) {
      await refused(s, request, { reason: `the identity provider answered ${request.query.error}` });
      return fail(reply, 'refused');
    }
    let claims: SsoClaims;
    let idToken: string | null;
    try {
      const q = request.url.indexOf('?');
      ({ claims, idToken } = await client.finish(q >= 0 ? request.url.slice(q) : '', flow));
    } catch (err) {
      request.log.warn({ err }, 'single sign-on: the answer could not be verified');
      await refused(s, request, { reason: `the answer could not be verified: ${(err as Error).message}` });
      return fail(reply, 'invalid');
    }
    const userId = await signInAs(s, request, client.issuer, claims, options!);
    if (typeof userId !== 'string') return fail(reply, userId.code);
    await openSession(s, request, reply, userId, 'sso', idToken);
    return reply.redirect(flow.return_to, 303);
  });
}

function fail(reply: FastifyReply, code: Failure): FastifyReply {
  return reply.redirect(`/login?sso_error=${code}`, 303);
}

async function refused(s: Services, request: FastifyRequest, data: { reason: string; email?: string }): Promise<void> {
  await appendEvents(s.db, [{ type: 'auth.login-failed', data: { ...data, method: 'sso', ip: request.ip } }]);
}

/** Applies core `ssoSignIn`: links, creates or updates roles in one transaction; the user id, or the refusal. */
async function signInAs(s: Services, request: FastifyRequest, issuer: string, claims: SsoClaims, options: SsoOptions): Promise<string | { code: Failure }> {
  const subject = ssoSubjectOf(issuer, claims.sub);
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  const account = (where: 'sso_subject' | 'email', value: string) =>
    s.db.selectFrom('users').select(['id', 'email', 'disabled', 'sso_subject as ssoSubject', 'roles']).where(where, '=', value).executeTakeFirst();
  const [bySubject, byEmail] = await Promise.all([account('sso_subject', subject), email ? account('email', email) : undefined]);
  const outcome = ssoSignIn(claims, bySubject, byEmail, options.policy);
  if (outcome.kind === 'refuse') {
    request.log.info({ subject, reason: outcome.reason }, 'single sign-on refused');
    await refused(s, request, { reason: outcome.reason, ...(email ? { email } : {}) });
    return { code: outcome.code };
  }
  const actor = 'system:sso';
  let rolesChanged = false;
  const userId = await s.db.transaction().execute(async (trx) => {
    if (outcome.kind === 'create') {
      const id = await writeUser(trx, { email: outcome.email, name: outcome.name, roles: outcome.roles as never }, undefined, undefined);
      await trx.updateTable('users').set({ sso_subject: subject }).where('id', '=', id).execute();
      await appendEvents(trx, [{ type: 'user.created', actor, userId: id, data: { email: outcome.email, roles: outcome.roles, via: 'sso' } }]);
      return id;
    }
    const before = outcome.link ? byEmail : bySubject;
    if (outcome.link) {
      await trx.updateTable('users').set({ sso_subject: subject }).where('id', '=', outcome.userId).execute();
      await appendEvents(trx, [{ type: 'auth.sso-linked', actor, userId: outcome.userId, data: { issuer } }]);
    }
    if (outcome.roles && before && [...before.roles].sort().join() !== outcome.roles.join()) {
      await trx.updateTable('users').set({ roles: outcome.roles }).where('id', '=', outcome.userId).execute();
      rolesChanged = true;
      await appendEvents(trx, [{ type: 'user.roles-changed', actor, userId: outcome.userId, data: { from: before.roles, to: outcome.roles, via: 'sso' } }]);
    }
    return outcome.userId;
  });
  if (rolesChanged) forgetCredentials(s.db); // cached sessions carry roles: they re-read them
  return userId;
}
