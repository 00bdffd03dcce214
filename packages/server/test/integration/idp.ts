import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/** A person the identity provider knows. */
export interface IdpAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface Idp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the provider next (the provider's own login screen, answered for the test). */
  signInAs: IdpAccount;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider, certified) on loopback, with one confidential client for
 * `redirectUri`. Its login step signs in `signInAs` without a form; consent is pre-granted, as a
 * company's own provider does for its own applications.
 */
export async function startIdp(redirectUri: string): Promise<Idp> {
  const handlers: { handle?: RequestListener } = {};
  const server: Server = createServer((req, res) => handlers.handle!(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'worklane';
  const clientSecret = randomBytes(24).toString('hex');
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const idp: Idp = {
    issuer,
    clientId,
    clientSecret,
    signInAs: { sub: 'nobody' },
    close: () => new Promise((r) => server.close(() => r())),
  };
  const accounts = new Map<string, IdpAccount>();
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], post_logout_redirect_uris: [new URL('/login', redirectUri).href], grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [{ ...key, kid: 'test', alg: 'RS256', use: 'sig' } as never] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, id) => {
      const a = accounts.get(id);
      return a ? { accountId: id, claims: () => ({ ...a }) } : undefined;
    },
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  const oidcHandler = provider.callback();
  handlers.handle = (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return oidcHandler(req, res);
    void (async () => {
      await provider.interactionDetails(req, res);
      const a = idp.signInAs;
      accounts.set(a.sub, a);
      await provider.interactionFinished(req, res, { login: { accountId: a.sub } }, { mergeWithLastSubmission: false });
    })().catch((err: Error) => {
      res.statusCode = 500;
      res.end(err.message);
    });
  };
  return idp;
}

/** Cookies per origin, as a browser keeps them (name=value only: enough for these flows). */
export class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();

  header(url: string): string {
    return [...(this.jars.get(new URL(url).origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  take(url: string, res: Response): void {
    const jar = this.jars.get(new URL(url).origin) ?? new Map<string, string>();
    this.jars.set(new URL(url).origin, jar);
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  get(url: string, name: string): string | undefined {
    return this.jars.get(new URL(url).origin)?.get(name);
  }

  set(url: string, name: string, value: string): void {
    const jar = this.jars.get(new URL(url).origin) ?? new Map<string, string>();
    this.jars.set(new URL(url).origin, jar);
    jar.set(name, value);
  }
}

/** Follows redirects like a browser from `url`; `stopAt` ends the walk before fetching a matching URL. */
export async function browse(jar: CookieJar, url: string, stopAt?: (url: URL) => boolean): Promise<{ url: string; status: number }> {
  let at = url;
  for (let hop = 0; hop < 12; hop++) {
    if (stopAt?.(new URL(at))) return { url: at, status: 0 };
    const res = await fetch(at, { redirect: 'manual', headers: { cookie: jar.header(at) } });
    jar.take(at, res);
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { url: at, status: res.status };
    at = new URL(location, at).href;
  }
  throw new Error(`more than 12 redirects from ${url}`);
}
