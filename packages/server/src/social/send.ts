import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ChatRow } from '../chat/store.js';
import { fail, postJson, type Outgoing, type Sender } from '../notifications/channels.js';
import { DEFAULT_API, type SocialAccount } from './accounts.js';

/** The outbox's recipient of a social answer: the account, public or private, and what it answers (a post, or the author). */
export const socialRecipient = (account: string, kind: 'public' | 'private', target: string) => `${account}/${kind}/${target}`;

/** An agent's line in a social conversation, as a row of the notifications outbox (sent, retried and logged like the others). */
export function socialOut(chat: ChatRow, body: string, caseId: string | null) {
  const kind = chat.social_kind === 'private' ? 'private' : 'public';
  const target = kind === 'private' ? chat.social_user! : chat.social_reply_to!;
  return {
    event_id: null, event_type: 'chat.social', case_id: caseId, channel: 'social' as const,
    recipient_kind: 'address', recipient: socialRecipient(chat.social_account!, kind, target), recipient_user_id: null,
    template_id: null, subject: null, body, last_error: null, provider_id: null, sent_at: null,
  };
}

/** The platform's API call that posts an answer (Graph API comments and Messenger Send API; Twitter API v2 tweets and DMs). */
export function answerRequest(a: Pick<SocialAccount, 'platform' | 'api_url'>, kind: string, target: string, text: string): { url: string; payload: unknown } {
  const api = (a.api_url ?? DEFAULT_API[a.platform]).replace(/\/+$/, '');
  const id = encodeURIComponent(target);
  if (a.platform === 'facebook')
    return kind === 'private'
      ? { url: `${api}/me/messages`, payload: { recipient: { id: target }, messaging_type: 'RESPONSE', message: { text } } }
      : { url: `${api}/${id}/comments`, payload: { message: text } };
  return kind === 'private'
    ? { url: `${api}/2/dm_conversations/with/${id}/messages`, payload: { text } }
    : { url: `${api}/2/tweets`, payload: { text, reply: { in_reply_to_tweet_id: target } } };
}

/**
 * The outbox's sender for the social channel: the account named by the recipient, its platform's
 * call with its token. A removed account will never send (dead-lettered); a disabled one is retried,
 * so enabling it again delivers what waited.
 */
export function socialSender(db: Kysely<DB>, timeoutMs: number): Sender {
  return async (m: Outgoing, shutdown: AbortSignal) => {
    const [accountId, kind, ...rest] = m.to.split('/');
    const target = rest.join('/');
    const a = accountId ? await db.selectFrom('social_accounts').selectAll().where('id', '=', accountId).executeTakeFirst() : undefined;
    if (!a || !target) return fail(`the social account ${accountId ?? ''} no longer exists`, true);
    if (!a.enabled) return fail(`the social account "${a.name}" is disabled`);
    const { url, payload } = answerRequest(a, kind ?? 'public', target, m.body);
    return postJson(url, { authorization: `Bearer ${a.access_token}` }, payload, timeoutMs, shutdown);
  };
}
