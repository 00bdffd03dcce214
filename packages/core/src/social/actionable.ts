import { containsPhrase, wordsOf } from '../text.js';
import type { SocialPost } from './inbound.js';

export interface SocialFilter {
  /** Words or phrases that make a public post worth an answer; none: every public post is. */
  keywords: readonly string[];
  /** The account's @handle: a public post naming it is always worth an answer. */
  handle?: string | null;
}

export interface Actionability {
  take: boolean;
  /** What made it worth an answer (the keywords found, the handle), for the agent and reports. */
  matched: string[];
  /** Why it was left, when it was. */
  reason: string | null;
}

/**
 * Whether a post becomes work (seed CE19: "filters the message using keywords to determine
 * actionability"). A private message always does: someone wrote to us. A public post does when the
 * account has no keywords, names the account's handle, or holds one of the keywords as words.
 */
export function actionable(post: Pick<SocialPost, 'kind' | 'text'>, f: SocialFilter): Actionability {
  if (post.kind === 'private') return { take: true, matched: [], reason: null };
  const words = wordsOf(post.text);
  const matched = f.keywords.filter((k) => containsPhrase(words, k));
  const handle = f.handle?.replace(/^@/, '').toLowerCase();
  if (handle && new RegExp(`(^|[^\\w])@${handle.replace(/[^\w]/g, '')}\\b`, 'i').test(post.text)) matched.unshift(`@${handle}`);
  if (f.keywords.length === 0) return { take: true, matched, reason: null };
  return matched.length > 0 ? { take: true, matched, reason: null } : { take: false, matched, reason: 'no keyword and no mention of the account' };
}
