export const ROLES = ['admin', 'supervisor', 'agent', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['admin', 'tasks:read', 'tasks:write', 'cases:read', 'cases:write', 'reports:read', 'config:read', 'config:write', 'metrics:read'] as const;
export type Scope = (typeof SCOPES)[number];

export interface UserPrincipal {
  kind: 'user';
  id: string;
  email: string;
  name: string;
  roles: Role[];
  sessionId: string;
}
export interface ApiKeyPrincipal {
  kind: 'api-key';
  id: string;
  name: string;
  scopes: Scope[];
}
export type Principal = UserPrincipal | ApiKeyPrincipal;

/**
 * Every route declares who may call it. `public` routes take anyone; otherwise a user needs one of
 * `roles` ('any' = any signed-in user; admins pass everywhere) and an API key one of `scopes`
 * (an `admin` key passes everywhere; no `scopes` = people only).
 */
export type RouteAuth = { public: true } | { roles: Role[] | 'any'; scopes?: Scope[] };

export function allows(auth: RouteAuth, p: Principal): boolean {
  if ('public' in auth) return true;
  if (p.kind === 'user') return auth.roles === 'any' || p.roles.includes('admin') || p.roles.some((r) => auth.roles.includes(r));
  if (!auth.scopes) return false;
  return p.scopes.includes('admin') || p.scopes.some((s) => auth.scopes!.includes(s));
}

/** Actor string recorded on events. */
export const actorOf = (p: Principal | undefined): string | null =>
  p ? (p.kind === 'user' ? `user:${p.id}` : `api-key:${p.name}`) : null;
