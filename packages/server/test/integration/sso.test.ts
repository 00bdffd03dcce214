import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSO_CALLBACK_PATH, type SsoOptions } from '../../src/auth/sso/options.js';
import { BACKENDS, Client, startHarness, type Harness } from './harness.js';
import { CookieJar, browse, startIdp, type Idp } from './idp.js';

describe.each(BACKENDS)('single sign-on (OIDC) on $backend', ({ backend, skip }) => {
  let h: Harness;
  let idp: Idp;
  // The app reads these when a sign-in starts: the provider's address is known once both listen.
  const sso: SsoOptions = {
    issuer: new URL('http://127.0.0.1:9/'), // nothing listens here until the provider is started
    clientId: 'worklane',
    clientSecret: null,
    redirectUri: '',
    label: 'Acme sign-in',
    scopes: 'openid email profile groups',
    policy: { rolesClaim: null, roleMap: {}, newcomerRole: null },
  };
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(backend, { sso });
    sso.redirectUri = h.base + SSO_CALLBACK_PATH;
  });
  afterAll(async () => {
    await idp?.close();
    await h?.close();
  });

  const startUrl = (returnTo = '/cases') => `${h.base}/api/v1/auth/sso?returnTo=${encodeURIComponent(returnTo)}`;
  /** The whole browser round trip; where it ends and the browser's Worklane session, if any. */
  async function signIn(jar = new CookieJar(), returnTo?: string): Promise<{ landed: URL; me: Client | null; jar: CookieJar }> {
    const end = await browse(jar, startUrl(returnTo));
    const landed = new URL(end.url);
    const session = jar.get(h.base, 'wl_session');
    if (!session) return { landed, me: null, jar };
    const me = new Client(h.base);
    me.cookie = `wl_session=${session}`;
    return { landed, me, jar };
  }
  const events = (type: string) => h.app.services.db.selectFrom('events').select(['user_id', 'data']).where('type', '=', type).orderBy('id').execute();

  it.skipIf(skip)('says which sign-ins there are; with the provider down, the browser is sent back to sign in with a reason', async () => {
    const providers = await new Client(h.base).req('GET', '/api/v1/auth/providers');
    expect(providers.json).toEqual({ password: true, sso: { label: 'Acme sign-in', start: '/api/v1/auth/sso' } });
    const down = await signIn();
    expect(down.landed.pathname).toBe('/login');
    expect(down.landed.searchParams.get('sso_error')).toBe('unavailable');
    expect(down.me).toBeNull();
    // The provider comes up: the next attempt reads its discovery document (no restart needed).
    idp = await startIdp(sso.redirectUri);
    sso.issuer = new URL(idp.issuer);
    sso.clientId = idp.clientId;
    sso.clientSecret = idp.clientSecret;
  });

  it.skipIf(skip)('links the first sign-in to the account with that e-mail, and lands where the person was going', async () => {
    idp.signInAs = { sub: 'acme-alice', email: 'Alice@Worklane.local', email_verified: true, name: 'Alice A.' };
    const { landed, me } = await signIn(undefined, '/cases?view=mine');
    expect(landed.pathname + landed.search).toBe('/cases?view=mine');
    const who = await me!.req('GET', '/api/v1/me');
    expect(who.status).toBe(200);
    expect(who.json.user).toMatchObject({ email: 'alice@worklane.local', roles: ['agent'] });
    const row = await h.app.services.db.selectFrom('users').select(['sso_subject']).where('email', '=', 'alice@worklane.local').executeTakeFirstOrThrow();
    expect(row.sso_subject).toBe(`${idp.issuer}#acme-alice`);
    expect((await events('auth.sso-linked')).map((e) => e.user_id)).toEqual([who.json.user.id]);
    expect((await events('auth.login')).at(-1)).toMatchObject({ user_id: who.json.user.id, data: { method: 'sso' } });
    // The administrator sees who is linked, and an edit of the user keeps the link.
    const admin = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    const users = (await admin.req('GET', '/api/v1/users')).json.items as { id: string; email: string; ssoLinked: boolean }[];
    expect(users.filter((u) => u.ssoLinked).map((u) => u.email)).toEqual(['alice@worklane.local']);
    expect((await admin.req('PATCH', `/api/v1/users/${who.json.user.id}`, { name: 'Alice Agent' })).status).toBe(200);
    expect((await admin.req('GET', `/api/v1/users/${who.json.user.id}`)).json.ssoLinked).toBe(true);
    // Later the provider knows her by another e-mail: the linked subject still finds her account.
    idp.signInAs = { ...idp.signInAs, email: 'alice.new@acme.example' };
    const again = await signIn();
    expect((await again.me!.req('GET', '/api/v1/me')).json.user.id).toBe(who.json.user.id);
    // A path to another site is never where a sign-in lands.
    const offsite = await signIn(undefined, '//evil.example/x');
    expect(offsite.landed.href).toBe(h.base + '/');
  });

  it.skipIf(skip)('signing out of a single sign-on session signs the browser out at the provider too, then back to the sign-in page', async () => {
    idp.signInAs = { sub: 'acme-alice', email: 'alice@worklane.local', email_verified: true };
    const { me, jar } = await signIn();
    const out = await me!.req('POST', '/api/v1/auth/logout');
    expect(out.status).toBe(200);
    const end = new URL(out.json.endSession);
    expect(end.origin + end.pathname).toBe(`${idp.issuer}/session/end`);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${h.base}/login`);
    expect(end.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3); // the session's ID token
    expect((await me!.req('GET', '/api/v1/me')).status).toBe(401);
    // At the provider: its confirmation form (answered yes, as the person would), then back to our sign-in page.
    const page = await fetch(end, { headers: { cookie: jar.header(end.href) } });
    const html = await page.text();
    const action = new URL(/action="([^"]+)"/.exec(html)![1]!, end).href;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const confirm = await fetch(action, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(action), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ xsrf, logout: 'yes' }) });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe(`${h.base}/login`);
    // A password session has nothing to end elsewhere: 204 as before.
    const password = await Client.login(h.base, 'admin@worklane.local', 'admin123');
    expect((await password.req('POST', '/api/v1/auth/logout')).status).toBe(204);
  });

  it.skipIf(skip)('refuses people without an account, unverified e-mails, and accounts linked to someone else; creates nobody', async () => {
    const before = await h.app.services.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    idp.signInAs = { sub: 'acme-zed', email: 'zed@acme.example', email_verified: true, name: 'Zed' };
    const unknown = await signIn();
    expect(unknown.landed.pathname).toBe('/login');
    expect(unknown.landed.searchParams.get('sso_error')).toBe('no-account');
    expect(unknown.me).toBeNull();
    idp.signInAs = { sub: 'acme-bob', email: 'bob@worklane.local', email_verified: false };
    expect((await signIn()).landed.searchParams.get('sso_error')).toBe('email-unverified');
    // Another identity claiming Alice's (already linked) e-mail.
    idp.signInAs = { sub: 'acme-mallory', email: 'alice@worklane.local', email_verified: true };
    expect((await signIn()).landed.searchParams.get('sso_error')).toBe('linked-elsewhere');
    const after = await h.app.services.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const failed = (await events('auth.login-failed')).map((e) => e.data as { method?: string; reason: string }).filter((d) => d.method === 'sso');
    expect(failed.map((d) => d.reason)).toEqual([
      expect.stringContaining('no Worklane account for zed@acme.example'),
      expect.stringContaining('not verified bob@worklane.local'),
      expect.stringContaining('linked to another sign-in'),
    ]);
  });

  it.skipIf(skip)("signs in nobody with a code from another browser, a forged state, or a callback replayed", async () => {
    idp.signInAs = { sub: 'acme-carol', email: 'carol@worklane.local', email_verified: true };
    // The victim's browser never started this sign-in: the attacker's callback URL carries no flow cookie.
    const attacker = new CookieJar();
    const stop = await browse(attacker, startUrl(), (u) => u.pathname === SSO_CALLBACK_PATH);
    const victim = new CookieJar();
    const forged = await browse(victim, stop.url);
    expect(new URL(forged.url).searchParams.get('sso_error')).toBe('expired');
    expect(victim.get(h.base, 'wl_session')).toBeUndefined();
    // The right browser with a tampered state: the answer is not verified.
    const own = new CookieJar();
    const mine = await browse(own, startUrl(), (u) => u.pathname === SSO_CALLBACK_PATH);
    const tampered = new URL(mine.url);
    tampered.searchParams.set('state', 'x' + tampered.searchParams.get('state'));
    expect(new URL((await browse(own, tampered.href)).url).searchParams.get('sso_error')).toBe('invalid');
    // A flow is used once: its cookie presented again (with the real callback) signs nobody in.
    const once = new CookieJar();
    const flowStop = await browse(once, startUrl(), (u) => u.pathname === SSO_CALLBACK_PATH);
    const flowCookie = once.get(h.base, 'wl_sso')!;
    expect(new URL((await browse(once, flowStop.url)).url).pathname).toBe('/cases');
    const replay = new CookieJar();
    replay.set(h.base, 'wl_sso', flowCookie);
    expect(new URL((await browse(replay, flowStop.url)).url).searchParams.get('sso_error')).toBe('expired');
    expect(replay.get(h.base, 'wl_session')).toBeUndefined();
  });

  it.skipIf(skip)('with a roles claim the provider decides roles at every sign-in; newcomers with a mapped role get an account', async () => {
    sso.policy = { rolesClaim: 'groups', roleMap: { 'wl-agents': ['agent'], 'wl-leads': ['supervisor', 'agent'] }, newcomerRole: null };
    try {
      idp.signInAs = { sub: 'acme-dave', email: 'dave@worklane.local', email_verified: true, groups: ['wl-leads'] };
      const dave = await signIn();
      expect((await dave.me!.req('GET', '/api/v1/me')).json.user.roles).toEqual(['agent', 'supervisor']);
      // Taken out of every mapped group: no entry, and the provider's word stands.
      idp.signInAs = { ...idp.signInAs, groups: ['cafeteria'] };
      expect((await signIn()).landed.searchParams.get('sso_error')).toBe('no-role');
      idp.signInAs = { sub: 'acme-erin', email: 'erin@acme.example', email_verified: true, name: 'Erin Newcomer', groups: ['wl-agents'] };
      const erin = await signIn();
      expect((await erin.me!.req('GET', '/api/v1/me')).json.user).toMatchObject({ email: 'erin@acme.example', name: 'Erin Newcomer', roles: ['agent'] });
      const created = await events('user.created');
      expect(created.at(-1)).toMatchObject({ data: { email: 'erin@acme.example', roles: ['agent'], via: 'sso' } });
      // Erin has no password: the password sign-in cannot be used to get in as her.
      expect((await new Client(h.base).req('POST', '/api/v1/auth/login', { email: 'erin@acme.example', password: 'x' })).status).toBe(401);
    } finally {
      sso.policy = { rolesClaim: null, roleMap: {}, newcomerRole: null };
    }
  });
});
