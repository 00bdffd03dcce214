import { describe, expect, it } from 'vitest';
import { parseRoleMap, ssoOptionsFromEnv } from '../../src/auth/sso/options.js';
import { safeReturnTo } from '../../src/auth/sso/routes.js';

describe('single sign-on settings from the environment', () => {
  it('is off without an issuer, and names the variable that is wrong', () => {
    expect(ssoOptionsFromEnv({})).toBeNull();
    expect(() => ssoOptionsFromEnv({ WORKLANE_OIDC_ISSUER: 'not a url' })).toThrow(/WORKLANE_OIDC_ISSUER/);
    expect(() => ssoOptionsFromEnv({ WORKLANE_OIDC_ISSUER: 'https://id.example.com' })).toThrow(/WORKLANE_OIDC_CLIENT_ID/);
    expect(() => ssoOptionsFromEnv({ WORKLANE_OIDC_ISSUER: 'https://id.example.com', WORKLANE_OIDC_CLIENT_ID: 'w', WORKLANE_OIDC_NEW_USER_ROLE: 'boss' })).toThrow(/WORKLANE_OIDC_NEW_USER_ROLE: "boss" is not a role/);
    expect(() => ssoOptionsFromEnv({ WORKLANE_OIDC_ISSUER: 'https://id.example.com', WORKLANE_OIDC_CLIENT_ID: 'w', WORKLANE_OIDC_ROLES_CLAIM: 'groups' })).toThrow(/WORKLANE_OIDC_ROLE_MAP is required/);
  });

  it('defaults the callback to the public URL, and reads the role map', () => {
    const o = ssoOptionsFromEnv({ WORKLANE_OIDC_ISSUER: 'https://id.example.com/realms/acme', WORKLANE_OIDC_CLIENT_ID: 'w', WORKLANE_PUBLIC_URL: 'https://work.acme.example/', WORKLANE_OIDC_ROLES_CLAIM: 'groups', WORKLANE_OIDC_ROLE_MAP: 'wl-agents=agent; cn=leads,ou=x=supervisor+agent' })!;
    expect(o.redirectUri).toBe('https://work.acme.example/api/v1/auth/sso/callback');
    expect(o.clientSecret).toBeNull();
    expect(o.policy).toEqual({ rolesClaim: 'groups', roleMap: { 'wl-agents': ['agent'], 'cn=leads,ou=x': ['supervisor', 'agent'] }, newcomerRole: null });
    expect(parseRoleMap('a=agent,b=analyst')).toEqual({ a: ['agent'], b: ['analyst'] });
    expect(() => parseRoleMap('wl-agents')).toThrow(/claim-value=role/);
  });

  it('sends a browser back only to a path of this site', () => {
    expect(safeReturnTo('/cases?view=mine')).toBe('/cases?view=mine');
    for (const bad of [undefined, '', 'https://evil.example', '//evil.example', '/\\evil.example', '/login', '/x\ny']) expect(safeReturnTo(bad)).toBe('/');
  });
});
