import { describe, expect, it } from 'vitest';
import { mappedRoles, ssoSignIn, ssoSubjectOf, type SsoAccount, type SsoPolicy } from '../../src/index.js';

const plain: SsoPolicy = { rolesClaim: null, roleMap: {}, newcomerRole: null };
const byGroups: SsoPolicy = { rolesClaim: 'groups', roleMap: { 'wl-agents': ['agent'], 'wl-leads': ['supervisor', 'agent'] }, newcomerRole: null };
const carol: SsoAccount = { id: 'u-carol', email: 'carol@example.com', disabled: false, ssoSubject: null };
const claims = (over: Record<string, unknown> = {}) => ({ sub: 'c-1', email: 'Carol@Example.com', name: 'Carol', ...over });

describe('single sign-on: who a verified ID token signs in as', () => {
  it('links the first sign-in to the account with that e-mail, then signs in by subject', () => {
    expect(ssoSignIn(claims(), undefined, carol, plain)).toEqual({ kind: 'sign-in', userId: 'u-carol', link: true });
    const linked = { ...carol, ssoSubject: ssoSubjectOf('https://idp', 'c-1') };
    // Later the e-mail may even change at the provider: the subject still finds the account.
    expect(ssoSignIn(claims({ email: 'c.new@example.com' }), linked, undefined, plain)).toEqual({ kind: 'sign-in', userId: 'u-carol', link: false });
  });

  it('never links an unverified e-mail, an account linked to someone else, or a disabled account', () => {
    expect(ssoSignIn(claims({ email_verified: false }), undefined, carol, plain)).toMatchObject({ kind: 'refuse', code: 'email-unverified', reason: expect.stringContaining('not verified carol@example.com') });
    expect(ssoSignIn(claims(), undefined, { ...carol, ssoSubject: 'https://idp#other' }, plain)).toMatchObject({ kind: 'refuse', code: 'linked-elsewhere', reason: expect.stringContaining('linked to another sign-in') });
    expect(ssoSignIn(claims(), undefined, { ...carol, disabled: true }, plain)).toMatchObject({ kind: 'refuse', reason: expect.stringContaining('disabled') });
    expect(ssoSignIn(claims(), { ...carol, disabled: true }, undefined, plain)).toMatchObject({ kind: 'refuse' });
    expect(ssoSignIn(claims({ email: undefined }), undefined, undefined, plain)).toMatchObject({ kind: 'refuse', reason: expect.stringContaining('no e-mail') });
  });

  it('creates newcomers only when configured to, with the newcomer role', () => {
    expect(ssoSignIn(claims(), undefined, undefined, plain)).toMatchObject({ kind: 'refuse', code: 'no-account', reason: expect.stringContaining('no Worklane account for carol@example.com') });
    expect(ssoSignIn(claims(), undefined, undefined, { ...plain, newcomerRole: 'agent' })).toEqual({ kind: 'create', email: 'carol@example.com', name: 'Carol', roles: ['agent'] });
    expect(ssoSignIn(claims({ name: '  ' }), undefined, undefined, { ...plain, newcomerRole: 'agent' })).toMatchObject({ name: 'carol@example.com' });
  });

  it('with a roles claim, the provider decides the roles at every sign-in, and no mapped role means no entry', () => {
    expect(mappedRoles(claims({ groups: ['wl-leads', 'wl-agents', 'other', 7] }), byGroups)).toEqual(['agent', 'supervisor']);
    expect(mappedRoles(claims({ groups: 'wl-agents' }), byGroups)).toEqual(['agent']);
    const linked = { ...carol, ssoSubject: 'x' };
    expect(ssoSignIn(claims({ groups: ['wl-leads'] }), linked, undefined, byGroups)).toEqual({ kind: 'sign-in', userId: 'u-carol', link: false, roles: ['agent', 'supervisor'] });
    expect(ssoSignIn(claims({ groups: ['other'] }), linked, undefined, byGroups)).toMatchObject({ kind: 'refuse', code: 'no-role', reason: expect.stringContaining('groups') });
    expect(ssoSignIn(claims({ groups: ['wl-agents'] }), undefined, undefined, byGroups)).toEqual({ kind: 'create', email: 'carol@example.com', name: 'Carol', roles: ['agent'] });
  });

  it('keeps issuers apart', () => {
    expect(ssoSubjectOf('https://a', '1')).not.toBe(ssoSubjectOf('https://b', '1'));
  });
});
