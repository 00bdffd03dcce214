import type { Kysely, Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DB } from '../db/schema.js';
import { targetKey } from '@worklane/core';
import { apiKeyPrefix, hashPassword, sha256 } from '../auth/crypto.js';
import { appendEvents, type EventInput } from '../events/append.js';
import type { FieldError } from '../http/problems.js';
import { checkDocument } from './checks.js';
import type { ConfigDocument } from './document.js';
import { exportConfig } from './export.js';
import { writeCode, writeNamed, writeQueue, writeResponse, writeRouting, writeRule, writeUser, writeWorktype } from './write.js';
import { lockConfig } from './lock.js';
import { writePlan, writeQuestionnaire } from '../quality/config.js';
import { writeActionMap, writeOutcome, writeSegment } from '../engagement/config.js';
import { writeTextCategory } from '../analytics/config.js';
import { KPI_TARGETS_KEY, writeTargets } from '../kpi/targets.js';
import { mapContractUsers, WORKFORCE_KEY, writeWorkforceSettings, type WorkforceSettings } from '../workforce/settings.js';
import { writeCalendar } from '../calendars/store.js';
import { writeCaseType } from '../cases/write.js';
import { importNotifications } from '../notifications/config.js';
import { forgetCredentials } from '../auth/credential-cache.js';

export { checkDocument };

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

type Section = Exclude<keyof ConfigDocument, 'version' | 'routing' | 'kpiTargets' | 'workforce'>;
/** Document sections, their key, and the kind named in audit events (`config.<kind>.<created|updated>`). */
const SECTIONS: [Section, string, string][] = [
  ['calendars', 'id', 'calendar'],
  ['skills', 'id', 'skill'], ['teams', 'id', 'team'], ['presenceReasons', 'code', 'presence-reason'], ['wrapUpCodes', 'code', 'wrap-up-code'],
  ['users', 'email', 'user'], ['queues', 'id', 'queue'], ['worktypes', 'id', 'worktype'], ['rules', 'id', 'rule'], ['responses', 'id', 'response'], ['apiKeys', 'name', 'api-key'], ['caseTypes', 'id', 'case-type'],
  ['notificationTemplates', 'id', 'notification-template'], ['notificationRules', 'caseType', 'notification-rules'],
  ['questionnaires', 'id', 'questionnaire'], ['evaluationPlans', 'id', 'evaluation-plan'],
  ['segments', 'id', 'segment'], ['outcomes', 'id', 'outcome'], ['actionMaps', 'id', 'action-map'], ['textCategories', 'id', 'text-category'],
];

interface Diffed extends ConfigChange {
  event: string;
  before: unknown;
  after: unknown;
}

/** Secrets never go into a diff or an event. */
function publicPart(item: Record<string, unknown>): Record<string, unknown> {
  const { password: _p, key: _k, ...rest } = item;
  return rest;
}

function diff(current: ConfigDocument, next: ConfigDocument): Diffed[] {
  const out: Diffed[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
  for (const [section, key, event] of SECTIONS) {
    const norm = (id: unknown) => (section === 'users' ? String(id).toLowerCase() : String(id));
    const have = new Map(((current[section] ?? []) as Record<string, unknown>[]).map((x) => [norm(x[key]), x]));
    for (const item of (next[section] ?? []) as Record<string, unknown>[]) {
      const id = norm(item[key]);
      const before = have.get(id) ?? null;
      const after = publicPart(item);
      out.push({ kind: section, id, change: !before ? 'create' : same(before, after) ? 'unchanged' : 'update', event, before, after });
    }
  }
  if (next.routing) {
    const change = same(current.routing, next.routing) ? 'unchanged' : 'update';
    out.push({ kind: 'routing', id: 'routing', change, event: 'routing-settings', before: current.routing ?? null, after: next.routing });
  }
  if (next.kpiTargets) {
    const order = (ts: NonNullable<ConfigDocument['kpiTargets']>) => [...ts].sort((a, b) => targetKey(a).localeCompare(targetKey(b)));
    const change = same(order(current.kpiTargets ?? []), order(next.kpiTargets)) ? 'unchanged' : current.kpiTargets?.length ? 'update' : 'create';
    out.push({ kind: 'kpiTargets', id: KPI_TARGETS_KEY, change, event: 'kpi-targets', before: { items: current.kpiTargets ?? [] }, after: { items: next.kpiTargets } });
  }
  if (next.workforce) {
    const change = same(current.workforce, next.workforce) ? 'unchanged' : current.workforce ? 'update' : 'create';
    out.push({ kind: 'workforce', id: WORKFORCE_KEY, change, event: 'workforce', before: current.workforce ?? null, after: next.workforce });
  }
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

/** Validates, diffs, and (when `apply`) writes the whole document in one transaction, with its audit events. */
export async function importConfig(db: Kysely<DB>, doc: unknown, opts: { apply: boolean; actor?: string | null }): Promise<ImportResult> {
  const errors = checkDocument(doc);
  if (errors.length) return { applied: false, errors, changes: [] };
  const d = doc as ConfigDocument;
  const summary = (ds: Diffed[]): ConfigChange[] => ds.map(({ kind, id, change }) => ({ kind, id, change }));
  if (!opts.apply) return { applied: false, errors: [], changes: summary(diff(await exportConfig(db), d)) };
  // Hash outside the transaction: argon2 is slow on purpose.
  const hashes = new Map<string, string>();
  for (const u of d.users ?? []) if (u.password) hashes.set(u.email.toLowerCase(), await hashPassword(u.password));
  const changes = await db.transaction().execute(async (trx) => {
    await lockConfig(trx);
    const diffed = diff(await exportConfig(trx), d); // inside the lock: the diff is what this import changes
    await write(trx, d, hashes);
    const changed = diffed.filter((c) => c.change !== 'unchanged');
    const actor = opts.actor ?? null;
    await appendEvents(trx, [
      ...changed.map((c): EventInput => ({
        type: `config.${c.event}.${c.change === 'create' ? 'created' : 'updated'}`,
        actor,
        data: { id: c.id, before: c.before, after: c.after, via: 'import' },
      })),
      { type: 'config.imported', actor, data: { changes: summary(changed) } },
    ]);
    return summary(diffed);
  });
  forgetCredentials(db); // users and API keys may have changed
  return { applied: true, errors: [], changes };
}

async function write(trx: Transaction<DB>, d: ConfigDocument, hashes: Map<string, string>): Promise<void> {
  for (const s of d.skills ?? []) await writeNamed(trx, 'skills', s);
  for (const t of d.teams ?? []) await writeNamed(trx, 'teams', t);
  for (const c of d.presenceReasons ?? []) await writeCode(trx, 'presence_reasons', c);
  for (const c of d.wrapUpCodes ?? []) await writeCode(trx, 'wrap_up_codes', c);
  const userIds = new Map<string, string>();
  for (const u of d.users ?? []) {
    const email = u.email.toLowerCase();
    const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    userIds.set(email, await writeUser(trx, u, existing?.id, hashes.get(email)));
  }
  for (const q of d.queues ?? []) await writeQueue(trx, q, (email) => userIds.get(email.toLowerCase())!);
  for (const w of d.worktypes ?? []) await writeWorktype(trx, w);
  for (const [i, r] of (d.rules ?? []).entries()) await writeRule(trx, r, (i + 1) * 10);
  for (const r of d.responses ?? []) await writeResponse(trx, r);
  if (d.routing) await writeRouting(trx, d.routing);
  if (d.kpiTargets) await writeTargets(trx, d.kpiTargets);
  if (d.workforce) await writeWorkforceSettings(trx, mapContractUsers(d.workforce as WorkforceSettings, (email) => userIds.get(email.toLowerCase())));
  for (const c of d.calendars ?? []) await writeCalendar(trx, c);
  for (const c of d.caseTypes ?? []) await writeCaseType(trx, c);
  await importNotifications(trx, d); // after the case types and calendars its rules name
  for (const q of d.questionnaires ?? []) await writeQuestionnaire(trx, q);
  for (const p of d.evaluationPlans ?? []) await writePlan(trx, p, (email) => userIds.get(email.toLowerCase())!);
  for (const x of d.segments ?? []) await writeSegment(trx, x);
  for (const x of d.outcomes ?? []) await writeOutcome(trx, x);
  for (const x of d.actionMaps ?? []) await writeActionMap(trx, x);
  for (const x of d.textCategories ?? []) await writeTextCategory(trx, x);
  for (const k of d.apiKeys ?? []) {
    const existing = await trx.selectFrom('api_keys').select('id').where('name', '=', k.name).executeTakeFirst();
    if (existing) await trx.updateTable('api_keys').set({ scopes: k.scopes }).where('id', '=', existing.id).execute();
    else if (k.key)
      await trx.insertInto('api_keys').values({ id: randomUUID(), name: k.name, prefix: apiKeyPrefix(k.key), key_hash: sha256(k.key), scopes: k.scopes }).execute();
  }
}
