import type { Kysely, Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import { validateRuleExpression } from '@worklane/core';
import { json, type DB, type QueueSettings, type WorktypeSettings } from '../db/schema.js';
import { apiKeyPrefix, hashPassword, sha256 } from '../auth/crypto.js';
import { appendEvents } from '../events/append.js';
import type { FieldError } from '../http/problems.js';
import { schemaError, validateAgainst } from './ajv.js';
import { ConfigDocument } from './document.js';
import { exportConfig } from './export.js';

export interface ConfigChange {
  kind: string;
  id: string;
  change: 'create' | 'update' | 'unchanged';
}
export interface ImportResult {
  applied: boolean;
  errors: FieldError[];
  changes: ConfigChange[];
}

const DEFAULT_STEPS = [{ name: 'primary', afterSeconds: 0, minLevel: 0 }];

/** Shape and cross-reference checks; every problem is reported at once with its pointer. */
export function checkDocument(doc: unknown): FieldError[] {
  const errors = validateAgainst(ConfigDocument, doc);
  if (errors.length) return errors;
  const d = doc as ConfigDocument;
  const out: FieldError[] = [];
  const skills = new Set((d.skills ?? []).map((s) => s.id));
  const teams = new Set((d.teams ?? []).map((t) => t.id));
  const users = new Set((d.users ?? []).map((u) => u.email.toLowerCase()));
  const queues = new Set((d.queues ?? []).map((q) => q.id));
  const codes = new Set((d.wrapUpCodes ?? []).map((c) => c.code));
  d.users?.forEach((u, i) => {
    for (const s of Object.keys(u.skills ?? {})) if (!skills.has(s)) out.push({ pointer: `/users/${i}/skills/${s}`, message: `unknown skill "${s}"` });
    u.teams?.forEach((t, j) => !teams.has(t) && out.push({ pointer: `/users/${i}/teams/${j}`, message: `unknown team "${t}"` }));
  });
  d.queues?.forEach((q, i) => {
    q.members?.teams?.forEach((t, j) => !teams.has(t) && out.push({ pointer: `/queues/${i}/members/teams/${j}`, message: `unknown team "${t}"` }));
    q.members?.users?.forEach((u, j) => !users.has(u.toLowerCase()) && out.push({ pointer: `/queues/${i}/members/users/${j}`, message: `unknown user "${u}"` }));
  });
  d.worktypes?.forEach((w, i) => {
    if (!queues.has(w.defaultQueue)) out.push({ pointer: `/worktypes/${i}/defaultQueue`, message: `unknown queue "${w.defaultQueue}"` });
    w.wrapUpCodes?.forEach((c, j) => !codes.has(c) && out.push({ pointer: `/worktypes/${i}/wrapUpCodes/${j}`, message: `unknown wrap-up code "${c}"` }));
    w.skills?.forEach((s, j) => !skills.has(s.skill) && out.push({ pointer: `/worktypes/${i}/skills/${j}/skill`, message: `unknown skill "${s.skill}"` }));
    const bad = w.attributeSchema ? schemaError(w.attributeSchema) : null;
    if (bad) out.push({ pointer: `/worktypes/${i}/attributeSchema`, message: bad });
  });
  d.rules?.forEach((r, i) => {
    const bad = validateRuleExpression(r.when);
    if (bad) out.push({ pointer: `/rules/${i}/when`, message: bad });
    if (r.set.queue && !queues.has(r.set.queue)) out.push({ pointer: `/rules/${i}/set/queue`, message: `unknown queue "${r.set.queue}"` });
    r.set.skills?.forEach((s, j) => !skills.has(s.skill) && out.push({ pointer: `/rules/${i}/set/skills/${j}/skill`, message: `unknown skill "${s.skill}"` }));
  });
  return out;
}

function diff(current: ConfigDocument, next: ConfigDocument): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const sections: [keyof ConfigDocument, string][] = [
    ['skills', 'id'], ['teams', 'id'], ['presenceReasons', 'code'], ['wrapUpCodes', 'code'],
    ['users', 'email'], ['queues', 'id'], ['worktypes', 'id'], ['rules', 'id'], ['apiKeys', 'name'],
  ];
  for (const [section, key] of sections) {
    const have = new Map(((current[section] ?? []) as Record<string, unknown>[]).map((x) => [String(x[key]), x]));
    for (const item of (next[section] ?? []) as Record<string, unknown>[]) {
      const id = String(item[key]);
      const old = have.get(id);
      const { password: _p, key: _k, ...comparable } = item;
      changes.push({
        kind: section,
        id,
        change: !old ? 'create' : JSON.stringify(sortKeys(old)) === JSON.stringify(sortKeys(comparable)) ? 'unchanged' : 'update',
      });
    }
  }
  return changes;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

/** Validates, diffs, and (when `apply`) writes the whole document in one transaction. */
export async function importConfig(db: Kysely<DB>, doc: unknown, opts: { apply: boolean; actor?: string | null }): Promise<ImportResult> {
  const errors = checkDocument(doc);
  if (errors.length) return { applied: false, errors, changes: [] };
  const d = doc as ConfigDocument;
  const changes = diff(await exportConfig(db), d);
  if (!opts.apply) return { applied: false, errors: [], changes };
  // Hash outside the transaction: argon2 is slow on purpose.
  const hashes = new Map<string, string>();
  for (const u of d.users ?? []) if (u.password) hashes.set(u.email.toLowerCase(), await hashPassword(u.password));
  await db.transaction().execute(async (trx) => {
    await write(trx, d, hashes);
    await appendEvents(trx, [{ type: 'config.imported', actor: opts.actor ?? null, data: { changes: changes.filter((c) => c.change !== 'unchanged') } }]);
  });
  return { applied: true, errors: [], changes };
}

async function write(trx: Transaction<DB>, d: ConfigDocument, hashes: Map<string, string>): Promise<void> {
  for (const s of d.skills ?? []) await trx.insertInto('skills').values(s).onConflict((oc) => oc.column('id').doUpdateSet({ name: s.name })).execute();
  for (const t of d.teams ?? []) await trx.insertInto('teams').values(t).onConflict((oc) => oc.column('id').doUpdateSet({ name: t.name })).execute();
  for (const c of d.presenceReasons ?? [])
    await trx.insertInto('presence_reasons').values(c).onConflict((oc) => oc.column('code').doUpdateSet({ label: c.label })).execute();
  for (const c of d.wrapUpCodes ?? [])
    await trx.insertInto('wrap_up_codes').values(c).onConflict((oc) => oc.column('code').doUpdateSet({ label: c.label })).execute();
  const userIds = new Map<string, string>();
  for (const u of d.users ?? []) {
    const email = u.email.toLowerCase();
    const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    const id = existing?.id ?? randomUUID();
    userIds.set(email, id);
    const hash = hashes.get(email);
    const values = { name: u.name, roles: u.roles, capacity: json(u.capacity ?? { workitem: 1 }) };
    if (existing) await trx.updateTable('users').set({ ...values, ...(hash ? { password_hash: hash } : {}) }).where('id', '=', id).execute();
    else await trx.insertInto('users').values({ id, email, ...values, password_hash: hash ?? null }).execute();
    if (u.skills) {
      await trx.deleteFrom('user_skills').where('user_id', '=', id).execute();
      const rows = Object.entries(u.skills).map(([skill_id, level]) => ({ user_id: id, skill_id, level }));
      if (rows.length) await trx.insertInto('user_skills').values(rows).execute();
    }
    if (u.teams) {
      await trx.deleteFrom('team_members').where('user_id', '=', id).execute();
      if (u.teams.length) await trx.insertInto('team_members').values(u.teams.map((team_id) => ({ team_id, user_id: id }))).execute();
    }
  }
  for (const q of d.queues ?? []) {
    const settings: QueueSettings = {
      targetSteps: q.targetSteps ?? DEFAULT_STEPS,
      offerTimeoutSeconds: q.offerTimeoutSeconds ?? 30,
      autoAnswer: q.autoAnswer ?? false,
      distribution: q.distribution ?? 'push',
      agentChoice: q.agentChoice ?? ['proficiency', 'idle', 'load'],
    };
    await trx.insertInto('queues').values({ id: q.id, name: q.name, settings: json(settings) })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: q.name, settings: json(settings) })).execute();
    if (q.members) {
      await trx.deleteFrom('queue_members').where('queue_id', '=', q.id).execute();
      const rows = [
        ...(q.members.teams ?? []).map((id) => ({ queue_id: q.id, member_type: 'team' as const, member_id: id })),
        ...(q.members.users ?? []).map((email) => ({ queue_id: q.id, member_type: 'user' as const, member_id: userIds.get(email.toLowerCase())! })),
      ];
      if (rows.length) await trx.insertInto('queue_members').values(rows).execute();
    }
  }
  for (const w of d.worktypes ?? []) {
    const settings: WorktypeSettings = {
      mediaType: w.mediaType ?? 'workitem',
      defaultQueue: w.defaultQueue,
      priority: w.priority ?? 0,
      wrapUpCodes: w.wrapUpCodes ?? [],
      requireWrapUp: w.requireWrapUp ?? false,
      urlTemplate: w.urlTemplate ?? null,
      attributeSchema: w.attributeSchema ?? null,
      skills: w.skills ?? [],
    };
    await trx.insertInto('worktypes').values({ id: w.id, name: w.name, settings: json(settings) })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: w.name, settings: json(settings) })).execute();
  }
  for (const [i, r] of (d.rules ?? []).entries()) {
    const values = { name: r.name, position: r.position ?? (i + 1) * 10, when_expr: r.when, actions: json(r.set), enabled: r.enabled ?? true };
    await trx.insertInto('rules').values({ id: r.id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
  }
  for (const k of d.apiKeys ?? []) {
    const existing = await trx.selectFrom('api_keys').select('id').where('name', '=', k.name).executeTakeFirst();
    if (existing) await trx.updateTable('api_keys').set({ scopes: k.scopes }).where('id', '=', existing.id).execute();
    else if (k.key)
      await trx.insertInto('api_keys').values({ id: randomUUID(), name: k.name, prefix: apiKeyPrefix(k.key), key_hash: sha256(k.key), scopes: k.scopes }).execute();
  }
}
