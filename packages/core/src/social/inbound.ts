/**
 * Social media routing (seed CE19): what the platforms' webhooks post, read into one shape. Facebook
 * pages (Graph API page webhooks: `feed` changes for posts and comments, `messaging` for Messenger)
 * and Twitter/X accounts (Account Activity API: `tweet_create_events`, `direct_message_events`).
 * The account's own posts and echoes of its own messages are left out (they are our answers).
 */
export const SOCIAL_PLATFORMS = ['facebook', 'twitter'] as const;
export type SocialPlatform = (typeof SOCIAL_PLATFORMS)[number];
/** public: a post, comment or tweet everyone sees; private: Messenger or a direct message. */
export type SocialKind = 'public' | 'private';

export interface SocialAuthor {
  id: string;
  name: string;
  /** The @handle (Twitter), when the platform says it. */
  handle: string | null;
}

export interface SocialPost {
  kind: SocialKind;
  /** The platform's id of this message: a webhook retried is taken once by it. */
  id: string;
  author: SocialAuthor;
  text: string;
  at: number;
  /** What an answer goes to: public, the comment, post or tweet answered; private, the author. */
  replyTo: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
/** Seconds or milliseconds since 1970 (the platforms use both), else now. */
function timeOf(v: unknown, now: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(n)) return now;
  return n < 1e12 ? n * 1000 : n;
}
const ATTACHMENT = '(an attachment)';
/** What was written; nothing to read (a photo, a sticker) says so. NUL never reaches the database. */
const textOf = (v: unknown): string => str(v)?.replace(/\0/g, '').trim().slice(0, 20_000) || ATTACHMENT;

/** A Facebook page webhook's posts and messages for `pageId` (entries of other pages are not ours). */
export function parseFacebook(payload: unknown, pageId: string, now = Date.now()): SocialPost[] {
  const out: SocialPost[] = [];
  for (const e of arr(obj(payload)?.entry)) {
    const entry = obj(e);
    if (!entry || str(entry.id) !== pageId) continue;
    for (const c of arr(entry.changes)) {
      const change = obj(c);
      const v = obj(change?.value);
      if (change?.field !== 'feed' || !v || v.verb !== 'add') continue;
      const from = obj(v.from);
      const authorId = str(from?.id);
      if (!authorId || authorId === pageId) continue;
      const item = str(v.item);
      const id = item === 'comment' ? str(v.comment_id) : item === 'post' || item === 'status' || item === 'photo' ? str(v.post_id) : undefined;
      if (!id) continue;
      out.push({ kind: 'public', id, author: { id: authorId, name: str(from?.name) ?? `Facebook user ${authorId}`, handle: null }, text: textOf(v.message), at: timeOf(v.created_time, now), replyTo: id });
    }
    for (const m of arr(entry.messaging)) {
      const ev = obj(m);
      const message = obj(ev?.message);
      const sender = str(obj(ev?.sender)?.id);
      const mid = str(message?.mid);
      if (!message || !sender || !mid || message.is_echo === true || sender === pageId) continue;
      out.push({ kind: 'private', id: mid, author: { id: sender, name: `Messenger user ${sender}`, handle: null }, text: textOf(message.text), at: timeOf(ev?.timestamp, now), replyTo: sender });
    }
  }
  return out;
}

/** A Twitter Account Activity webhook's tweets and direct messages for `userId` (the account's own left out). */
export function parseTwitter(payload: unknown, userId: string, now = Date.now()): SocialPost[] {
  const p = obj(payload);
  if (!p || str(p.for_user_id) !== userId) return [];
  const users = obj(p.users) ?? {};
  const out: SocialPost[] = [];
  for (const t of arr(p.tweet_create_events)) {
    const tweet = obj(t);
    const user = obj(tweet?.user);
    const id = str(tweet?.id_str);
    const authorId = str(user?.id_str);
    // Retweets say nothing new to answer.
    if (!tweet || !id || !authorId || authorId === userId || tweet.retweeted_status) continue;
    const text = textOf(str(obj(tweet.extended_tweet)?.full_text) ?? tweet.text);
    const handle = str(user?.screen_name) ?? null;
    out.push({ kind: 'public', id, author: { id: authorId, name: str(user?.name) ?? handle ?? authorId, handle }, text, at: timeOf(tweet.timestamp_ms ?? tweet.created_at, now), replyTo: id });
  }
  for (const d of arr(p.direct_message_events)) {
    const dm = obj(d);
    const mc = obj(dm?.message_create);
    const id = str(dm?.id);
    const sender = str(mc?.sender_id);
    if (!dm || dm.type !== 'message_create' || !mc || !id || !sender || sender === userId) continue;
    const user = obj(users[sender]);
    const handle = str(user?.screen_name) ?? null;
    out.push({ kind: 'private', id, author: { id: sender, name: str(user?.name) ?? handle ?? sender, handle }, text: textOf(obj(mc.message_data)?.text), at: timeOf(dm.created_timestamp, now), replyTo: sender });
  }
  return out;
}

export const parseSocial = (platform: SocialPlatform, payload: unknown, accountId: string, now = Date.now()): SocialPost[] =>
  platform === 'facebook' ? parseFacebook(payload, accountId, now) : parseTwitter(payload, accountId, now);
