import '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { Problem, forbidden, unauthorized } from '../http/problems.js';
import { sha256 } from './crypto.js';
import { TickLoader } from '../db/tick-loader.js';
import { CredentialCache, credentialCache } from './credential-cache.js';
import { assertSameOrigin } from '../security/csrf.js';
import { allows, type Principal, type Role, type RouteAuth, type Scope } from './principal.js';

export const SESSION_COOKIE = 'wl_session';
export const SESSION_TTL_MS = 12 * 3_600_000;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  auth: RouteAuth;
}

type KeyRow = { id: string; name: string; scopes: string[] };
type SessionRow = { sid: string; expires_at: Date; id: string; email: string; name: string; roles: string[]; disabled: boolean };

interface Lookups {
  keys: CredentialCache<KeyRow>;
  /** Concurrent look-ups of one key share a query. */
  keysInFlight: Map<string, Promise<KeyRow | undefined>>;
  sessions: CredentialCache<SessionRow>;
  /** Session look-ups of one tick share one query (see TickLoader). */
  sessionLoader: TickLoader<string, SessionRow>;
}
const lookups = new WeakMap<Kysely<DB>, Lookups>();

function lookupsOf(db: Kysely<DB>): Lookups {
  let l = lookups.get(db);
  if (!l)
    lookups.set(db, (l = {
      keys: credentialCache(db),
      keysInFlight: new Map(),
      sessions: credentialCache(db),
      sessionLoader: new TickLoader(async (ids) => {
        const rows = await db
          .selectFrom('sessions')
          .innerJoin('users', 'users.id', 'sessions.user_id')
          .select(['sessions.id as sid', 'sessions.expires_at', 'users.id', 'users.email', 'users.name', 'users.roles', 'users.disabled'])
          .where('sessions.id', 'in', ids)
          .execute();
        return new Map(rows.map((r) => [r.sid, r as SessionRow]));
      }),
    }));
  return l;
}

function lookUpApiKey(db: Kysely<DB>, keyHash: string): Promise<KeyRow | undefined> {
  const l = lookupsOf(db);
  return l.keys.through(keyHash, () => {
    let found = l.keysInFlight.get(keyHash);
    if (!found) {
      found = db
        .selectFrom('api_keys')
        .select(['id', 'name', 'scopes'])
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
        .finally(() => l.keysInFlight.delete(keyHash));
      l.keysInFlight.set(keyHash, found);
    }
    return found;
  });
}

/** Resolves the caller from a Bearer API key or the session cookie; throws 401 on a bad one. */
export async function resolvePrincipal(db: Kysely<DB>, request: FastifyRequest): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthorized('Authorization header must be "Bearer <api key>"');
    const key = await lookUpApiKey(db, sha256(m[1]!));
    if (!key) throw unauthorized('Invalid or revoked API key');
    return { kind: 'api-key', id: key.id, name: key.name, scopes: key.scopes as Scope[] };
  }
  const token = request.cookies?.[SESSION_COOKIE];
  if (!token) return undefined;
  const l = lookupsOf(db);
  const sid = sha256(token);
  const row = await l.sessions.through(sid, () => l.sessionLoader.load(sid));
  if (!row || row.disabled) throw unauthorized('Your session is not valid; sign in again');
  if (row.expires_at.getTime() <= Date.now()) {
    l.sessions.delete(sid);
    await db.deleteFrom('sessions').where('id', '=', row.sid).execute();
    throw unauthorized('Your session has expired; sign in again');
  }
  // Sliding expiry, written at most once a minute per session (decided from the row just read).
  const renewed = Date.now() + SESSION_TTL_MS;
  if (row.expires_at.getTime() < renewed - 60_000) {
    await db.updateTable('sessions').set({ expires_at: new Date(renewed) }).where('id', '=', row.sid).execute();
    row.expires_at = new Date(renewed); // the cached row too, so the next request does not write again
  }
  return { kind: 'user', id: row.id, email: row.email, name: row.name, roles: row.roles as Role[], sessionId: row.sid };
}

/**
 * Installs the guard: refuses to register an /api route that does not declare `config.auth`
 * (so nothing is open by accident) and checks every request against its route's declaration.
 */
export function installAuthGuard(app: FastifyInstance, db: Kysely<DB>, registry: RegisteredRoute[]): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const auth = (route.config as { auth?: RouteAuth } | undefined)?.auth;
    if (!auth) throw new Error(`route ${String(route.method)} ${route.url} declares no auth`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') registry.push({ method, url: route.url, auth });
  });
  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth;
    if (!auth) return; // non-API routes (static files) and 404s
    try {
      request.principal = await resolvePrincipal(db, request);
    } catch (err) {
      if ('public' in auth && err instanceof Problem && err.status === 401) return; // public routes ignore stale credentials
      throw err;
    }
    if (request.principal?.kind === 'user') assertSameOrigin(request);
    if ('public' in auth) return;
    if (!request.principal) throw unauthorized();
    if (!allows(auth, request.principal)) {
      throw forbidden(
        request.principal.kind === 'api-key'
          ? `This API key lacks the scope for this call (needs one of: ${'scopes' in auth && auth.scopes ? auth.scopes.join(', ') : 'people only'})`
          : `Your roles do not allow this call`,
      );
    }
  });
}

export function requireUser(request: FastifyRequest) {
  const p = request.principal;
  if (!p || p.kind !== 'user') throw forbidden('Only a signed-in person can do this');
  return p;
}

/** The caller of a non-public route (the guard has already authenticated it). */
export function requirePrincipal(request: FastifyRequest) {
  const p = request.principal;
  if (!p) throw unauthorized();
  return p;
}
