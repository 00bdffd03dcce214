import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Static } from 'typebox';
import { json, type DB, type QueueSettings, type ResponsesTable, type RoutingSettings, type WorktypeSettings } from '../db/schema.js';
import type { Selectable } from 'kysely';
import type { QueueItem, ResponseItem, RoutingSettingsT, RuleItem, UserItem, WorktypeItem } from './document.js';

// Writes of one configuration item, shared by import (many items, one transaction) and the
// configuration API (one item); defaults are filled in here so both store the same thing.

type Trx = Transaction<DB>;

export const DEFAULT_STEPS = [{ name: 'primary', afterSeconds: 0, minLevel: 0 }];
export const DEFAULT_CAPACITY = { workitem: 1 };

export function queueSettings(q: QueueItem): QueueSettings {
  const { id: _id, name: _name, members: _members, ...rest } = q;
  return { targetSteps: DEFAULT_STEPS, offerTimeoutSeconds: 30, autoAnswer: false, distribution: 'push', agentChoice: ['proficiency', 'idle', 'load'], ...rest };
}

export function worktypeSettings(w: WorktypeItem): WorktypeSettings {
  return {
    mediaType: w.mediaType ?? 'workitem',
    defaultQueue: w.defaultQueue,
    priority: w.priority ?? 0,
    wrapUpCodes: w.wrapUpCodes ?? [],
    requireWrapUp: w.requireWrapUp ?? false,
    urlTemplate: w.urlTemplate ?? null,
    attributeSchema: w.attributeSchema ?? null,
    skills: w.skills ?? [],
    ...(w.escalation ? { escalation: w.escalation } : {}),
    ...(w.screenPop ? { screenPop: w.screenPop } : {}),
    ...(w.mailbox ? { mailbox: w.mailbox.trim().toLowerCase() } : {}),
    ...(w.chat ? { chat: w.chat } : {}),
    ...(w.callback ? { callback: w.callback } : {}),
    ...(w.sms ? { sms: w.sms } : {}),
  };
}

export async function writeNamed(trx: Trx, table: 'skills' | 'teams', item: { id: string; name: string }): Promise<void> {
  await trx.insertInto(table).values(item).onConflict((oc) => oc.column('id').doUpdateSet({ name: item.name })).execute();
}

export async function writeCode(trx: Trx, table: 'wrap_up_codes' | 'presence_reasons', item: { code: string; label: string }): Promise<void> {
  await trx.insertInto(table).values(item).onConflict((oc) => oc.column('code').doUpdateSet({ label: item.label })).execute();
}

/** Inserts or updates a user; skills and teams are replaced when given. `hash` sets the password. */
export async function writeUser(trx: Trx, u: UserItem, id: string | undefined, hash: string | undefined): Promise<string> {
  const values = { email: u.email.toLowerCase(), name: u.name, roles: u.roles, capacity: json(u.capacity ?? DEFAULT_CAPACITY), disabled: u.disabled ?? false };
  if (id) await trx.updateTable('users').set({ ...values, ...(hash ? { password_hash: hash } : {}) }).where('id', '=', id).execute();
  else await trx.insertInto('users').values({ id: (id = randomUUID()), ...values, password_hash: hash ?? null }).execute();
  const userId = id;
  if (u.skills) {
    await trx.deleteFrom('user_skills').where('user_id', '=', userId).execute();
    const rows = Object.entries(u.skills).map(([skill_id, level]) => ({ user_id: userId, skill_id, level }));
    if (rows.length) await trx.insertInto('user_skills').values(rows).execute();
  }
  if (u.teams) {
    await trx.deleteFrom('team_members').where('user_id', '=', userId).execute();
    if (u.teams.length) await trx.insertInto('team_members').values(u.teams.map((team_id) => ({ team_id, user_id: userId }))).execute();
  }
  return userId;
}

export async function writeTeamMembers(trx: Trx, teamId: string, userIds: readonly string[]): Promise<void> {
  await trx.deleteFrom('team_members').where('team_id', '=', teamId).execute();
  if (userIds.length) await trx.insertInto('team_members').values(userIds.map((user_id) => ({ team_id: teamId, user_id }))).execute();
}

/** Upserts a queue; members (when given) are replaced, user references resolved by `userId`. */
export async function writeQueue(trx: Trx, q: QueueItem, userId: (ref: string) => string): Promise<void> {
  const settings = json(queueSettings(q));
  await trx.insertInto('queues').values({ id: q.id, name: q.name, settings }).onConflict((oc) => oc.column('id').doUpdateSet({ name: q.name, settings })).execute();
  if (!q.members) return;
  await trx.deleteFrom('queue_members').where('queue_id', '=', q.id).execute();
  const rows = [
    ...(q.members.teams ?? []).map((id) => ({ queue_id: q.id, member_type: 'team' as const, member_id: id })),
    ...(q.members.users ?? []).map((ref) => ({ queue_id: q.id, member_type: 'user' as const, member_id: userId(ref) })),
  ];
  if (rows.length) await trx.insertInto('queue_members').values(rows).execute();
}

export async function writeWorktype(trx: Trx, w: WorktypeItem): Promise<void> {
  const settings = json(worktypeSettings(w));
  await trx.insertInto('worktypes').values({ id: w.id, name: w.name, settings }).onConflict((oc) => oc.column('id').doUpdateSet({ name: w.name, settings })).execute();
}

export async function writeRule(trx: Trx, r: RuleItem, position: number): Promise<void> {
  const values = { name: r.name, position: r.position ?? position, when_expr: r.when, actions: json(r.set), enabled: r.enabled ?? true };
  await trx.insertInto('rules').values({ id: r.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

export async function writeResponse(trx: Trx, r: ResponseItem): Promise<void> {
  const values = { name: r.name, text: r.text, queues: json(r.queues ?? []) };
  await trx.insertInto('responses').values({ id: r.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

/** A stored standard response as the document and the API show it (no queues: for all). */
export const responseItem = (r: Selectable<ResponsesTable>): ResponseItem => ({ id: r.id, name: r.name, text: r.text, ...(r.queues.length ? { queues: r.queues } : {}) });

export const ROUTING_KEY = 'routing';
export const DEFAULT_ROUTING: RoutingSettings = { blending: [] };

export async function writeRouting(trx: Trx, r: Static<typeof RoutingSettingsT>): Promise<void> {
  const value = json(r);
  await trx.insertInto('settings').values({ key: ROUTING_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}
