import type { SsoPolicy } from '@worklane/core';
import { ROLES, type Role } from '../principal.js';

export const SSO_CALLBACK_PATH = '/api/v1/auth/sso/callback';

/** Single sign-on through an OpenID Connect provider; every field has an environment variable. */
export interface SsoOptions {
  /** The provider's issuer URL (WORKLANE_OIDC_ISSUER); its discovery document is read from it. */
  issuer: URL;
  /** WORKLANE_OIDC_CLIENT_ID. */
  clientId: string;
  /** WORKLANE_OIDC_CLIENT_SECRET; none: a public client (PKCE only). */
  clientSecret: string | null;
  /** Registered at the provider (WORKLANE_OIDC_REDIRECT_URI); default WORKLANE_PUBLIC_URL + the callback path. */
  redirectUri: string;
  /**
   * Where the provider sends the browser after signing out there (WORKLANE_OIDC_POST_LOGOUT_URI,
   * registered at the provider); default the sign-in page (`/login`) of the site the callback is on.
   */
  postLogoutRedirectUri?: string;
  /** On the sign-in button (WORKLANE_OIDC_LABEL). */
  label: string;
  /** WORKLANE_OIDC_SCOPES. */
  scopes: string;
  /**
   * WORKLANE_OIDC_ROLES_CLAIM (e.g. `groups`) with WORKLANE_OIDC_ROLE_MAP (`wl-agents=agent,wl-leads=supervisor+agent`);
   * WORKLANE_OIDC_NEW_USER_ROLE (e.g. `agent`) when there is no roles claim.
   */
  policy: SsoPolicy;
}

const text = (env: NodeJS.ProcessEnv, name: string): string | undefined => env[name]?.trim() || undefined;

function role(name: string, value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new Error(`${name}: "${value}" is not a role (one of ${ROLES.join(', ')})`);
  return value as Role;
}

/**
 * `group=role+role,group2=role` -> { group: [role, role], group2: [role] }. Pairs are separated by
 * `;` instead when there is one (values with commas, like LDAP DNs); a value ends at the last `=`.
 */
export function parseRoleMap(raw: string | undefined): Record<string, Role[]> {
  const map: Record<string, Role[]> = {};
  const text = raw ?? '';
  for (const pair of text.split(text.includes(';') ? ';' : ',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0) throw new Error(`WORKLANE_OIDC_ROLE_MAP: "${pair}" is not claim-value=role`);
    map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).split('+').map((r) => role('WORKLANE_OIDC_ROLE_MAP', r.trim()));
  }
  return map;
}

/** Null when WORKLANE_OIDC_ISSUER is unset (password sign-in only); throws naming a bad variable. */
export function ssoOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SsoOptions | null {
  const issuer = text(env, 'WORKLANE_OIDC_ISSUER');
  if (!issuer) return null;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`WORKLANE_OIDC_ISSUER: "${issuer}" is not a URL`);
  }
  const clientId = text(env, 'WORKLANE_OIDC_CLIENT_ID');
  if (!clientId) throw new Error('WORKLANE_OIDC_CLIENT_ID is required with WORKLANE_OIDC_ISSUER');
  const publicUrl = (text(env, 'WORKLANE_PUBLIC_URL') ?? `http://localhost:${env.PORT?.trim() || 8080}`).replace(/\/+$/, '');
  const rolesClaim = text(env, 'WORKLANE_OIDC_ROLES_CLAIM') ?? null;
  const roleMap = parseRoleMap(text(env, 'WORKLANE_OIDC_ROLE_MAP'));
  if (rolesClaim && !Object.keys(roleMap).length) throw new Error('WORKLANE_OIDC_ROLE_MAP is required with WORKLANE_OIDC_ROLES_CLAIM (e.g. wl-agents=agent)');
  const newcomer = text(env, 'WORKLANE_OIDC_NEW_USER_ROLE');
  const redirectUri = text(env, 'WORKLANE_OIDC_REDIRECT_URI') ?? publicUrl + SSO_CALLBACK_PATH;
  return {
    issuer: url,
    clientId,
    clientSecret: text(env, 'WORKLANE_OIDC_CLIENT_SECRET') ?? null,
    redirectUri,
    postLogoutRedirectUri: text(env, 'WORKLANE_OIDC_POST_LOGOUT_URI') ?? new URL('/login', redirectUri).href,
    label: text(env, 'WORKLANE_OIDC_LABEL') ?? 'Single sign-on',
    scopes: text(env, 'WORKLANE_OIDC_SCOPES') ?? 'openid email profile',
    policy: { rolesClaim, roleMap, newcomerRole: newcomer ? role('WORKLANE_OIDC_NEW_USER_ROLE', newcomer) : null },
  };
}
