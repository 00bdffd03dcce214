import { DEFAULT_API, type SocialAccount } from './accounts.js';

/** How long a webhook waits for a sender's name before it goes on without it. */
const LOOKUP_MS = 3_000;

/**
 * Messenger's webhooks name nobody: a new sender's name from the Graph API's User Profile API (the
 * page's token), asked once per new conversation. Best effort: on any failure (the API away, no
 * permission, a slow answer) the conversation starts as "Messenger user {id}", and the log says why.
 */
export async function messengerName(a: Pick<SocialAccount, 'api_url' | 'access_token'>, psid: string, warn: (err: unknown) => void): Promise<string | null> {
  const api = (a.api_url ?? DEFAULT_API.facebook).replace(/\/+$/, '');
  try {
    const res = await fetch(`${api}/${encodeURIComponent(psid)}?fields=name,first_name,last_name`, { headers: { authorization: `Bearer ${a.access_token}` }, signal: AbortSignal.timeout(LOOKUP_MS) });
    if (!res.ok) throw new Error(`the Graph API answered ${res.status}`);
    const body = (await res.json()) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const raw = text(body.name) || [text(body.first_name), text(body.last_name)].filter(Boolean).join(' ');
    const name = [...raw].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('').trim(); // no control characters into titles
    return name ? name.slice(0, 200) : null;
  } catch (err) {
    warn(err);
    return null;
  }
}
