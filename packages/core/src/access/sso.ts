/**
 * Single sign-on (OIDC): who a verified ID token signs in as.
 *
 * An identity is known by its issuer and subject once linked. The first sign-in links it to the
 * Worklane account with the same e-mail (never an e-mail the provider says is unverified, never an
 * account already linked to another identity). Roles stay Worklane's own, unless a roles claim is
 * configured: then the provider decides them at every sign-in through the role map, and nobody
 * without a mapped role gets in. New people get an account when the provider decides their roles,
 * or when a role for newcomers is configured; otherwise an administrator creates them first.
 */
export interface SsoClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  [claim: string]: unknown;
}

/** A Worklane account as the decision needs it. */
export interface SsoAccount {
  id: string;
  email: string;
  disabled: boolean;
  /** The identity already linked (`issuer#subject`), if any. */
  ssoSubject: string | null;
}

export interface SsoPolicy {
  /** Claim holding the person's groups or roles (e.g. `groups`); null: roles are Worklane's. */
  rolesClaim: string | null;
  /** Claim value -> Worklane roles (used only with `rolesClaim`). */
  roleMap: Readonly<Record<string, readonly string[]>>;
  /** Role of an account created at first sign-in when there is no roles claim; null: none are created. */
  newcomerRole: string | null;
}

export type SsoOutcome =
  /** `link`: record the identity on the account; `roles`: replace the account's roles. */
  | { kind: 'sign-in'; userId: string; link: boolean; roles?: string[] }
  | { kind: 'create'; email: string; name: string; roles: string[] }
  /** `code` is what the sign-in page may tell; `reason` (with names) goes to the log. */
  | { kind: 'refuse'; code: SsoRefusal; reason: string };

export type SsoRefusal = 'disabled' | 'no-email' | 'email-unverified' | 'linked-elsewhere' | 'no-account' | 'no-role';

/** The key an identity is linked by: the same subject at another issuer is another person. */
export const ssoSubjectOf = (issuer: string, sub: string): string => `${issuer}#${sub}`;

/** Worklane roles from the roles claim (a list or one value), sorted and without repeats. */
export function mappedRoles(claims: SsoClaims, policy: SsoPolicy): string[] {
  if (!policy.rolesClaim) return [];
  const raw = claims[policy.rolesClaim];
  const values = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const roles = new Set<string>();
  for (const v of values) if (typeof v === 'string') for (const r of policy.roleMap[v] ?? []) roles.add(r);
  return [...roles].sort();
}

/**
 * Decides the sign-in. `bySubject` is the account linked to this identity; `byEmail` the account
 * with the token's e-mail (either may be missing).
 */
export function ssoSignIn(claims: SsoClaims, bySubject: SsoAccount | undefined, byEmail: SsoAccount | undefined, policy: SsoPolicy): SsoOutcome {
  const roles = policy.rolesClaim ? mappedRoles(claims, policy) : undefined;
  if (roles && roles.length === 0) return { kind: 'refuse', code: 'no-role', reason: `None of your ${policy.rolesClaim} gives a Worklane role; ask an administrator` };
  const withRoles = roles ? { roles } : {};
  if (bySubject) {
    if (bySubject.disabled) return { kind: 'refuse', code: 'disabled', reason: `The account ${bySubject.email} is disabled` };
    return { kind: 'sign-in', userId: bySubject.id, link: false, ...withRoles };
  }
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email) return { kind: 'refuse', code: 'no-email', reason: 'The identity provider sent no e-mail address (ask for the "email" scope)' };
  if (claims.email_verified === false || claims.email_verified === 'false') return { kind: 'refuse', code: 'email-unverified', reason: `The identity provider has not verified ${email}` };
  if (byEmail) {
    if (byEmail.disabled) return { kind: 'refuse', code: 'disabled', reason: `The account ${byEmail.email} is disabled` };
    if (byEmail.ssoSubject) return { kind: 'refuse', code: 'linked-elsewhere', reason: `The account ${byEmail.email} is linked to another sign-in` };
    return { kind: 'sign-in', userId: byEmail.id, link: true, ...withRoles };
  }
  const newRoles = roles ?? (policy.newcomerRole ? [policy.newcomerRole] : []);
  if (!newRoles.length) return { kind: 'refuse', code: 'no-account', reason: `There is no Worklane account for ${email}; ask an administrator` };
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email;
  return { kind: 'create', email, name, roles: newRoles };
}
