import * as oidc from 'openid-client';
import type { SsoClaims } from '@worklane/core';
import type { SsoOptions } from './options.js';

/** One sign-in under way: what the callback must present again. */
export interface SsoFlow {
  state: string;
  nonce: string;
  verifier: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The relying party (openid-client): reads the provider's discovery document on first use (again
 * after a failure, so a provider that was down is picked up once it is back), builds the
 * authorization redirect with state, nonce and PKCE, and redeems the code for a verified ID token.
 */
export class SsoClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(readonly options: SsoOptions) {}

  private discover(): Promise<oidc.Configuration> {
    const o = this.options;
    // Plain http only for a provider on this machine (development, tests); anything else must be https.
    const execute = o.issuer.protocol === 'http:' && LOOPBACK.has(o.issuer.hostname) ? [oidc.allowInsecureRequests] : [];
    // client_secret_basic: the method every provider must support (RFC 6749 2.3.1).
    const auth = o.clientSecret ? oidc.ClientSecretBasic(o.clientSecret) : oidc.None();
    const found = oidc.discovery(o.issuer, o.clientId, undefined, auth, { execute, timeout: 10 });
    this.configuration = found;
    found.catch(() => {
      if (this.configuration === found) this.configuration = undefined;
    });
    return found;
  }

  /** The provider's authorization URL for a new flow, and the flow to keep until the callback. */
  async begin(): Promise<{ url: URL; flow: SsoFlow }> {
    const config = await (this.configuration ?? this.discover());
    const flow = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scopes,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
    return { url, flow };
  }

  /**
   * Redeems the callback's code; the ID token's signature, issuer, audience, nonce and expiry are
   * checked. The ID token is kept with the session: signing out names it to the provider.
   */
  async finish(query: string, flow: SsoFlow): Promise<{ claims: SsoClaims; idToken: string | null }> {
    const config = await (this.configuration ?? this.discover());
    const current = new URL(this.options.redirectUri);
    current.search = query;
    const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    const claims = tokens.claims();
    if (!claims) throw new Error('the identity provider returned no ID token');
    let merged: SsoClaims = { ...claims };
    // Many providers put e-mail and groups only in the UserInfo answer, not in the ID token.
    const wanted = ['email', 'name', ...(this.options.policy.rolesClaim ? [this.options.policy.rolesClaim] : [])];
    if (wanted.some((k) => merged[k] === undefined) && config.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      merged = { ...info, ...merged };
    }
    return { claims: merged, idToken: tokens.id_token ?? null };
  }

  /**
   * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): where to send the browser so the
   * provider ends its own session too, then sends it back to our sign-in page. Null when the
   * provider has no `end_session_endpoint` (signing out here is all there is).
   */
  async endSessionUrl(idToken: string): Promise<string | null> {
    const config = await (this.configuration ?? this.discover());
    if (!config.serverMetadata().end_session_endpoint) return null;
    const back = this.options.postLogoutRedirectUri ?? new URL('/login', this.options.redirectUri).href;
    return oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: back }).href;
  }

  get issuer(): string {
    return this.options.issuer.href.replace(/\/$/, '');
  }
}
