import type { Kysely, Transaction } from 'kysely';
import type { ActionMap, Outcome, Segment } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import type { FieldError } from '../http/problems.js';
import type { ActionMapItem, OutcomeItem, SegmentItem } from './items.js';

type Trx = Transaction<DB>;

/** What an action map may refer to; sets left out (a document without them) are not checked. */
export interface EngagementKnown {
  segments?: ReadonlySet<string>;
  outcomes?: ReadonlySet<string>;
  /** Chat topics: worktypes with chat settings. */
  chatTopics?: ReadonlySet<string>;
}

export function checkSegment(s: SegmentItem, at = ''): FieldError[] {
  const conditions = ['devices', 'returning', 'identified', 'campaigns', 'referrers', 'pages', 'searches', 'events', 'minPages'] as const;
  return conditions.some((c) => s[c] !== undefined) ? [] : [{ pointer: `${at}/pages`, message: 'a segment needs at least one condition (devices, returning, pages, searches, ...)' }];
}

export function checkOutcome(o: OutcomeItem, at = ''): FieldError[] {
  return o.pages?.length || o.events?.length ? [] : [{ pointer: `${at}/pages`, message: 'an outcome is reached on a page or an event: give one' }];
}

export function checkActionMap(m: ActionMapItem, k: EngagementKnown, at = ''): FieldError[] {
  const out: FieldError[] = [];
  if (k.segments) m.segments?.forEach((s, j) => !k.segments!.has(s) && out.push({ pointer: `${at}/segments/${j}`, message: `unknown segment "${s}"` }));
  const o = m.trigger.outcome;
  if (o) {
    if (k.outcomes && !k.outcomes.has(o.id)) out.push({ pointer: `${at}/trigger/outcome/id`, message: `unknown outcome "${o.id}"` });
    if (o.below === undefined && o.atLeast === undefined) out.push({ pointer: `${at}/trigger/outcome`, message: 'give below or atLeast (a score in percent)' });
  }
  if (Object.keys(m.trigger).length === 0 && !m.segments?.length) out.push({ pointer: `${at}/trigger`, message: 'a map with no segment needs a trigger (it would engage every visitor)' });
  if (m.action.kind === 'chat' && k.chatTopics && !k.chatTopics.has(m.action.topic)) out.push({ pointer: `${at}/action/topic`, message: `there is no chat topic "${m.action.topic}"` });
  if (m.maxWaitSeconds !== undefined && m.action.kind !== 'chat') out.push({ pointer: `${at}/maxWaitSeconds`, message: 'only a chat has a wait' });
  return out;
}

/** The three collections are alike: an id, a name and the rest as settings. */
type Simple = 'segments' | 'outcomes';
async function upsert(trx: Trx, table: Simple, item: { id: string; name: string }): Promise<void> {
  const { id, name, ...settings } = item;
  const values = { name, settings: json(settings) };
  await trx.insertInto(table).values({ id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}
export const writeSegment = (trx: Trx, s: SegmentItem) => upsert(trx, 'segments', s);
export const writeOutcome = (trx: Trx, o: OutcomeItem) => upsert(trx, 'outcomes', o);
export async function writeActionMap(trx: Trx, m: ActionMapItem): Promise<void> {
  const { id, name, position, ...settings } = m;
  const values = { name, position: position ?? 0, settings: json(settings) };
  await trx.insertInto('action_maps').values({ id, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

export const listSegments = async (db: Kysely<DB>): Promise<Segment[]> => (await db.selectFrom('segments').selectAll().orderBy('id').execute()).map((r) => ({ id: r.id, name: r.name, ...r.settings }));
export const listOutcomes = async (db: Kysely<DB>): Promise<Outcome[]> => (await db.selectFrom('outcomes').selectAll().orderBy('id').execute()).map((r) => ({ id: r.id, name: r.name, ...r.settings }));
/** Maps in the order they are tried. */
export const listActionMaps = async (db: Kysely<DB>): Promise<ActionMap[]> =>
  (await db.selectFrom('action_maps').selectAll().orderBy('position').orderBy('id').execute()).map((r) => ({ id: r.id, name: r.name, position: r.position, ...r.settings }) as ActionMap);
