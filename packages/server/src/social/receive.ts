import { actionable, type SocialPost } from '@worklane/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.js';
import type { TaskRow } from '../db/schema.js';
import { newId } from '../db/ids.js';
import { captureTask } from '../tasks/capture.js';
import { SOCIAL_SOURCE } from '../chat/store.js';
import { customerSays, stillGoing, takeOnce, type Going } from '../chat/inbound.js';
import { accountWarnings, type SocialAccount } from './accounts.js';
import { conflict } from '../http/problems.js';
import { messengerName } from './profile.js';
import { customerOfAuthor } from './identities.js';

export interface SocialTaken {
  /** The platform's message id. */
  id: string;
  /** started: a new conversation (and task); joined: the author's open one; duplicate: taken before; filtered: not worth an answer. */
  outcome: 'started' | 'joined' | 'duplicate' | 'filtered';
  chatId: string | null;
  taskId: string | null;
  matched: string[];
}

const ACTOR = 'social:customer';
const PLATFORM = { facebook: 'Facebook', twitter: 'Twitter' } as const;
/** Message ids are unique per platform; the column is shared with SMS carriers'. */
const externalId = (a: SocialAccount, post: SocialPost) => `${a.platform}:${post.id}`;

/**
 * A webhook's posts and messages for one account, one by one, each committed before the webhook
 * is answered (a platform retries what was not answered 200): a public post that is worth an
 * answer (core `actionable`) and every private message joins the author's open conversation of
 * that kind on the account, or starts one as a task of the account's worktype for that kind.
 */
export async function receivePosts(s: Services, a: SocialAccount, posts: readonly SocialPost[], log: Pick<FastifyBaseLogger, 'warn'>): Promise<SocialTaken[]> {
  // Taken nowhere rather than half: the platform delivers again once the configuration is mended.
  const warnings = accountWarnings(s, a);
  if (warnings.length && posts.length) throw conflict(`The account "${a.name}" cannot route: ${warnings.join('; ')}`, { warnings });
  const out: SocialTaken[] = [];
  for (const post of posts) out.push(await receivePost(s, a, post, log));
  const filtered = out.filter((t) => t.outcome === 'filtered').length;
  await s.db
    .updateTable('social_accounts')
    .set((eb) => ({ received: eb('received', '+', posts.length), filtered: eb('filtered', '+', filtered), last_received_at: new Date() }))
    .where('id', '=', a.id)
    .execute();
  return out;
}

async function receivePost(s: Services, a: SocialAccount, post: SocialPost, log: Pick<FastifyBaseLogger, 'warn'>): Promise<SocialTaken> {
  const verdict = actionable(post, { keywords: a.keywords, handle: a.handle });
  if (!verdict.take) return { id: post.id, outcome: 'filtered', chatId: null, taskId: null, matched: [] };
  return takeOnce(s.db, externalId(a, post), (t) => ({ id: post.id, outcome: 'duplicate' as const, ...t, matched: [] }), () => take(s, a, post, verdict.matched, log));
}

async function take(s: Services, a: SocialAccount, post: SocialPost, matched: string[], log: Pick<FastifyBaseLogger, 'warn'>): Promise<SocialTaken> {
  const open = await openConversation(s, a, post);
  if (open) {
    // A public answer goes under the author's latest post.
    await customerSays(s, open, post.text, externalId(a, post), (trx) => trx.updateTable('chats').set({ social_reply_to: post.replyTo }).where('id', '=', open.chat.id).execute());
    return { id: post.id, outcome: 'joined', chatId: open.chat.id, taskId: open.task.id, matched };
  }

  const worktype = post.kind === 'public' ? a.public_worktype : a.private_worktype;
  const id = newId();
  // A new Messenger sender comes without a name: asked of the Graph API once, for the conversation.
  const named = a.platform === 'facebook' && post.kind === 'private' ? await messengerName(a, post.author.id, (err) => log.warn({ err, account: a.id }, 'social: the Messenger sender\'s name could not be read')) : null;
  const author = named ?? post.author.name;
  const customerId = await customerOfAuthor(s.db, a.id, post.author.id); // linked before by an agent
  const name = post.author.handle ? `${author} (@${post.author.handle})` : author;
  await s.db.transaction().execute(async (trx) => {
    await trx.insertInto('chats').values({
      id, worktype, visitor_name: name.slice(0, 300), visitor_email: null, token_hash: '', channel: 'social',
      social_account: a.id, social_kind: post.kind, social_user: post.author.id, social_reply_to: post.replyTo,
    }).execute();
    await trx.insertInto('chat_messages').values({ chat_id: id, sender: 'visitor', user_id: null, body: post.text, external_id: externalId(a, post) }).execute();
  });
  let task: TaskRow;
  try {
    const what = post.kind === 'private' ? (a.platform === 'facebook' ? 'Messenger message' : 'direct message') : a.platform === 'facebook' ? 'post' : 'tweet';
    ({ task } = await captureTask(s.db, s.config, {
      worktype,
      source: SOCIAL_SOURCE,
      externalId: id,
      title: `${PLATFORM[a.platform]} ${what} from ${name}`.slice(0, 500),
      description: post.text.slice(0, 20_000),
      ...(customerId ? { customerId } : {}),
      attributes: {
        platform: a.platform, account: a.id, kind: post.kind, author,
        ...(post.author.handle ? { handle: post.author.handle } : {}),
        ...(matched.length ? { keywords: matched } : {}),
      },
    }, { actor: ACTOR, idempotency: null }));
  } catch (err) {
    await s.db.deleteFrom('chats').where('id', '=', id).execute(); // not acknowledged: the platform retries
    throw err;
  }
  s.dispatcher.track(task);
  s.metrics.tasksCaptured.inc({ created: 'true' });
  return { id: post.id, outcome: 'started', chatId: id, taskId: task.id, matched };
}

/** The author's conversation of this kind on this account that is still going: not ended, its task not finished. */
async function openConversation(s: Services, a: SocialAccount, post: SocialPost): Promise<Going | null> {
  return stillGoing(s.db, await s.db.selectFrom('chats').selectAll()
    .where('channel', '=', 'social').where('social_account', '=', a.id).where('social_kind', '=', post.kind).where('social_user', '=', post.author.id).where('ended_at', 'is', null)
    .orderBy('created_at', 'desc').limit(5).execute());
}
