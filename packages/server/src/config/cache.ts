import type { Kysely } from 'kysely';
import type { ActionMap, Calendar, ClassificationRule, Outcome, RuleActions, Segment, StandardResponse, TextCategory } from '@worklane/core';
import { listActionMaps, listOutcomes, listSegments } from '../engagement/config.js';
import { listTextCategories } from '../analytics/config.js';
import type { DB, QueueSettings, RoutingSettings, WorktypeSettings } from '../db/schema.js';
import { readRouting } from './routing.js';
import type { CaseType, CaseTypeSettings } from '../cases/settings.js';
import { calendarOf } from '../calendars/item.js';

export interface Worktype extends WorktypeSettings {
  id: string;
  name: string;
}
export interface Queue extends QueueSettings {
  id: string;
  name: string;
  /** Agent ids, direct and through teams. */
  members: Set<string>;
  /** Teams named as members (who supervises the queue: see core `supervisionOf`). */
  teams: Set<string>;
}

export interface ConfigSnapshot {
  worktypes: Map<string, Worktype>;
  queues: Map<string, Queue>;
  rules: ClassificationRule[];
  wrapUpCodes: Map<string, string>;
  presenceReasons: Map<string, string>;
  /** Global routing settings (blending); `{ blending: [] }` until set. */
  routing: RoutingSettings;
  /** Case types by id. */
  caseTypes: Map<string, CaseType>;
  /** Business calendars by id (for SLA/OLA clocks and business-hours checks). */
  calendars: Map<string, Calendar>;
  /** Team id -> its members' user ids. */
  teams: Map<string, Set<string>>;
  /** The standard-response library (chat/), by name. */
  responses: StandardResponse[];
  /** Predictive engagement (engagement/): segments, outcomes, and action maps in the order tried. */
  engagement: { segments: Segment[]; outcomes: Outcome[]; actionMaps: ActionMap[] };
  /** Conversation analytics (analytics/): the categories finished conversations are read for. */
  textCategories: TextCategory[];
}

/** Configuration is read on every capture: keep it in memory, reload after every change. */
export class ConfigCache {
  snapshot: ConfigSnapshot = { worktypes: new Map(), queues: new Map(), rules: [], wrapUpCodes: new Map(), presenceReasons: new Map(), routing: { blending: [] }, caseTypes: new Map(), calendars: new Map(), teams: new Map(), responses: [], engagement: { segments: [], outcomes: [], actionMaps: [] }, textCategories: [] };
  private readonly listeners: (() => void)[] = [];
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(private readonly db: Kysely<DB>) {}

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /**
   * Re-reads the configuration. Loads run one at a time, in order, so a load that read before a
   * change never lands after one that saw it; callers waiting while one is queued share it.
   */
  reload(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.tail.then(() => {
      this.queued = undefined;
      return this.load();
    });
    this.queued = next;
    this.tail = next.catch(() => {});
    return next;
  }

  private async load(): Promise<void> {
    const [worktypes, queues, members, teamMembers, rules, codes, reasons, routing, caseTypes, calendars, teamRows, responses, segments, outcomes, actionMaps, textCategories] = await Promise.all([
      this.db.selectFrom('worktypes').selectAll().execute(),
      this.db.selectFrom('queues').selectAll().execute(),
      this.db.selectFrom('queue_members').selectAll().execute(),
      this.db.selectFrom('team_members').selectAll().execute(),
      this.db.selectFrom('rules').selectAll().orderBy('position').orderBy('id').execute(),
      this.db.selectFrom('wrap_up_codes').selectAll().orderBy('code').execute(),
      this.db.selectFrom('presence_reasons').selectAll().orderBy('code').execute(),
      readRouting(this.db),
      this.db.selectFrom('case_types').select(['id', 'name', 'settings']).execute(),
      this.db.selectFrom('calendars').select(['id', 'name', 'settings']).execute(),
      this.db.selectFrom('teams').select('id').execute(),
      this.db.selectFrom('responses').selectAll().orderBy('name').execute(),
      listSegments(this.db),
      listOutcomes(this.db),
      listActionMaps(this.db),
      listTextCategories(this.db),
    ]);
    const teams = new Map<string, string[]>();
    for (const tm of teamMembers) teams.set(tm.team_id, [...(teams.get(tm.team_id) ?? []), tm.user_id]);
    const queueMap = new Map<string, Queue>();
    for (const q of queues) queueMap.set(q.id, { id: q.id, name: q.name, ...q.settings, members: new Set(), teams: new Set() });
    for (const m of members) {
      const q = queueMap.get(m.queue_id);
      if (!q) continue;
      if (m.member_type !== 'user') q.teams.add(m.member_id);
      for (const id of m.member_type === 'user' ? [m.member_id] : (teams.get(m.member_id) ?? [])) q.members.add(id);
    }
    this.snapshot = {
      worktypes: new Map(worktypes.map((w) => [w.id, { id: w.id, name: w.name, ...w.settings }])),
      queues: queueMap,
      rules: rules.map((r) => ({ id: r.id, name: r.name, position: r.position, when: r.when_expr, set: r.actions as RuleActions, enabled: r.enabled })),
      wrapUpCodes: new Map(codes.map((c) => [c.code, c.label])),
      presenceReasons: new Map(reasons.map((c) => [c.code, c.label])),
      routing,
      caseTypes: new Map(caseTypes.map((c) => [c.id, { id: c.id, name: c.name, ...(c.settings as CaseTypeSettings) }])),
      calendars: new Map(calendars.map((c) => [c.id, calendarOf(c)])),
      teams: new Map(teamRows.map((t) => [t.id, new Set(teams.get(t.id) ?? [])])),
      responses: responses.map((r) => ({ id: r.id, name: r.name, text: r.text, queues: r.queues })),
      engagement: { segments, outcomes, actionMaps },
      textCategories,
    };
    for (const fn of this.listeners) fn();
  }
}
