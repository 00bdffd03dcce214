import type { Kysely, Selectable } from 'kysely';
import { SOCIAL_PLATFORMS, type SocialPlatform } from '@worklane/core';
import { Type } from 'typebox';
import type { DB, SocialAccountsTable } from '../db/schema.js';
import type { Services } from '../services.js';
import { Problem, notFound, type FieldError } from '../http/problems.js';

export type SocialAccount = Selectable<SocialAccountsTable>;

/** Where each platform's API answers, unless the account says otherwise (a proxy, a sandbox). */
export const DEFAULT_API: Record<SocialPlatform, string> = { facebook: 'https://graph.facebook.com/v19.0', twitter: 'https://api.twitter.com' };

const strict = { additionalProperties: false } as const;
const Keywords = Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }), { maxItems: 100, uniqueItems: true, description: 'public posts holding one of these (as words), or naming the handle, become work; none: every public post' });
const fields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  handle: Type.Union([Type.String({ minLength: 1, maxLength: 100, pattern: '^@?[A-Za-z0-9_.]+$' }), Type.Null()], { description: "the account's @handle: a post naming it is always taken" }),
  publicWorktype: Type.String({ minLength: 1, maxLength: 63, description: 'worktype (media type social) of public posts, comments and tweets' }),
  privateWorktype: Type.String({ minLength: 1, maxLength: 63, description: 'worktype (media type social) of Messenger and direct messages' }),
  keywords: Keywords,
  appSecret: Type.String({ minLength: 8, maxLength: 500, description: "the app's secret (Facebook) or consumer secret (Twitter): webhooks signed otherwise are refused" }),
  accessToken: Type.String({ minLength: 8, maxLength: 2000, description: 'the page access token (Facebook) or user bearer token (Twitter) our answers are sent with' }),
  apiUrl: Type.Union([Type.String({ minLength: 1, maxLength: 500, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' }), Type.Null()], { description: "the platform's API base (default: its public API)" }),
  enabled: Type.Boolean({ description: 'a disabled account takes no webhook (answered 404) and sends nothing new' }),
};
export const CreateAccount = Type.Object({
  name: fields.name,
  platform: Type.Unsafe<SocialPlatform>({ type: 'string', enum: [...SOCIAL_PLATFORMS] }),
  externalId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[0-9A-Za-z_.-]+$', description: "the page id (Facebook) or the account's user id (Twitter), as webhooks name it" }),
  handle: Type.Optional(fields.handle),
  publicWorktype: fields.publicWorktype,
  privateWorktype: fields.privateWorktype,
  keywords: Type.Optional(fields.keywords),
  appSecret: fields.appSecret,
  accessToken: fields.accessToken,
  apiUrl: Type.Optional(fields.apiUrl),
  enabled: Type.Optional(fields.enabled),
}, strict);
export const PatchAccount = Type.Object({
  name: Type.Optional(fields.name),
  handle: Type.Optional(fields.handle),
  publicWorktype: Type.Optional(fields.publicWorktype),
  privateWorktype: Type.Optional(fields.privateWorktype),
  keywords: Type.Optional(fields.keywords),
  appSecret: Type.Optional(fields.appSecret),
  accessToken: Type.Optional(fields.accessToken),
  apiUrl: Type.Optional(fields.apiUrl),
  enabled: Type.Optional(fields.enabled),
}, { ...strict, minProperties: 1 });

/** The account as the administrator reads it: never its secrets (only whether they are set); the verify token, which they copy to Facebook. */
export function accountDto(a: SocialAccount, warnings: string[] = []) {
  return {
    id: a.id,
    name: a.name,
    platform: a.platform,
    externalId: a.external_id,
    handle: a.handle,
    publicWorktype: a.public_worktype,
    privateWorktype: a.private_worktype,
    keywords: a.keywords,
    apiUrl: a.api_url,
    enabled: a.enabled,
    webhookPath: `/api/v1/social/accounts/${a.id}/webhook`,
    verifyToken: a.verify_token,
    received: Number(a.received),
    filtered: Number(a.filtered),
    lastReceivedAt: a.last_received_at?.toISOString() ?? null,
    createdAt: a.created_at.toISOString(),
    updatedAt: a.updated_at.toISOString(),
    /** What stops its posts from becoming work (a worktype removed or changed since): the webhook answers 422 until it is mended. */
    warnings,
  };
}

/** What is wrong with the account's worktypes in the configuration as it is: none, or a message per field. */
function worktypeErrors(s: Services, b: { publicWorktype?: string; privateWorktype?: string }): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['publicWorktype', 'privateWorktype'] as const) {
    const id = b[key];
    if (id === undefined) continue;
    const w = s.config.snapshot.worktypes.get(id);
    if (!w) errors.push({ pointer: `/${key}`, message: `there is no worktype "${id}"`, in: 'body' });
    else if ((w.mediaType ?? 'workitem') !== 'social') errors.push({ pointer: `/${key}`, message: `worktype "${id}" must have mediaType "social"`, in: 'body' });
  }
  return errors;
}

/** What the schema cannot say: both worktypes exist and take social media work. Every bad field at once. */
export function checkAccount(s: Services, b: { publicWorktype?: string; privateWorktype?: string }): void {
  const errors = worktypeErrors(s, b);
  if (errors.length) throw new Problem(422, 'Unprocessable request', errors.map((e) => `${e.pointer}: ${e.message}`).join('; '), errors);
}

/** A saved account whose worktypes the configuration has since removed or changed: said where it is listed. */
export const accountWarnings = (s: Services, a: SocialAccount): string[] =>
  worktypeErrors(s, { publicWorktype: a.public_worktype, privateWorktype: a.private_worktype }).map((e) => `${e.pointer === '/publicWorktype' ? 'public posts' : 'private messages'}: ${e.message}`);

export async function loadAccount(db: Kysely<DB>, id: string): Promise<SocialAccount> {
  const a = await db.selectFrom('social_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a) throw notFound(`Social account ${id}`);
  return a;
}

/** What the agent is told of a social conversation: where it is, and whether everyone sees the answer. */
export async function socialOf(db: Kysely<DB>, chat: { social_account: string | null; social_kind: string | null }): Promise<{ platform: string; kind: string; account: string } | null> {
  if (!chat.social_account) return null;
  const a = await db.selectFrom('social_accounts').select(['name', 'platform']).where('id', '=', chat.social_account).executeTakeFirst();
  return { platform: a?.platform ?? 'unknown', kind: chat.social_kind ?? 'public', account: a?.name ?? '(removed account)' };
}
