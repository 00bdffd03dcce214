import type { ActionMap, Outcome, Segment } from '@worklane/core';
import type { Collection } from '../admin/crud.js';
import type { DbKnown } from '../admin/known.js';
import { checkActionMap, checkOutcome, checkSegment, listActionMaps, listOutcomes, listSegments, writeActionMap, writeOutcome, writeSegment } from './config.js';
import { ActionMapItem, OutcomeItem, SegmentItem } from './items.js';

// Who is engaged how is for those who run the website's service and report on it.
const READ = { roles: ['supervisor' as const, 'analyst' as const], scopes: ['config:read' as const] };
const byId = <T extends { id: string }>(list: () => Promise<T[]>) => async (id: string) => (await list()).find((x) => x.id === id);

const usedByMaps = (field: (m: ActionMap) => readonly string[]) => async (trx: Parameters<NonNullable<Collection<unknown, unknown>['usedBy']>>[0], id: string) =>
  (await listActionMaps(trx)).filter((m) => field(m).includes(id)).map((m) => `action map "${m.id}"`);

/** GET/POST /segments, GET/PATCH/DELETE /segments/{id} (audit `config.segment.*`). */
export const segments: Collection<SegmentItem, Segment> = {
  kind: 'segment',
  path: '/api/v1/segments',
  key: 'id',
  schema: SegmentItem,
  read: READ,
  list: listSegments,
  get: (db, id) => byId(() => listSegments(db))(id),
  check: (item) => checkSegment(item),
  save: async (trx, item) => (await writeSegment(trx, item), item.id),
  usedBy: usedByMaps((m) => m.segments ?? []),
  remove: async (trx, id) => void (await trx.deleteFrom('segments').where('id', '=', id).execute()),
};

/** GET/POST /outcomes, GET/PATCH/DELETE /outcomes/{id} (audit `config.outcome.*`). */
export const outcomes: Collection<OutcomeItem, Outcome> = {
  kind: 'outcome',
  path: '/api/v1/outcomes',
  key: 'id',
  schema: OutcomeItem,
  read: READ,
  list: listOutcomes,
  get: (db, id) => byId(() => listOutcomes(db))(id),
  check: (item) => checkOutcome(item),
  save: async (trx, item) => (await writeOutcome(trx, item), item.id),
  usedBy: usedByMaps((m) => (m.trigger.outcome ? [m.trigger.outcome.id] : [])),
  remove: async (trx, id) => void (await trx.deleteFrom('outcomes').where('id', '=', id).execute()),
};

/** GET/POST /action-maps, GET/PATCH/DELETE /action-maps/{id} (audit `config.action-map.*`). */
export const actionMaps: Collection<ActionMapItem, ActionMap> = {
  kind: 'action-map',
  path: '/api/v1/action-maps',
  key: 'id',
  schema: ActionMapItem,
  read: READ,
  list: listActionMaps,
  get: (db, id) => byId(() => listActionMaps(db))(id),
  check: (item, known: DbKnown) => checkActionMap(item, known),
  save: async (trx, item) => (await writeActionMap(trx, item), item.id),
  remove: async (trx, id) => void (await trx.deleteFrom('action_maps').where('id', '=', id).execute()),
};
