import type { Kysely } from 'kysely';
import { mapContractUsers, storedWorkforceSettings } from '../workforce/settings.js';
import type { DB } from '../db/schema.js';
import type { MediaType } from '@worklane/core';
import type { Role, Scope } from '../auth/principal.js';
import type { ConfigDocument } from './document.js';
import { readRouting } from './routing.js';
import { readTargets } from '../kpi/targets.js';
import { listCalendars } from '../calendars/store.js';
import { caseTypeItem, type CaseTypeSettings } from '../cases/settings.js';
import { exportNotifications } from '../notifications/config.js';
import { responseItem } from './write.js';
import { listPlans, listQuestionnaires } from '../quality/config.js';
import { listActionMaps, listOutcomes, listSegments } from '../engagement/config.js';
import { listTextCategories } from '../analytics/config.js';

/** The configuration as a document. Never includes passwords or API key secrets. */
export async function exportConfig(db: Kysely<DB>): Promise<ConfigDocument> {
  const [skills, teams, reasons, codes, users, userSkills, teamMembers, queues, queueMembers, worktypes, rules, routing, keys, caseTypes] = await Promise.all([
    db.selectFrom('skills').selectAll().orderBy('id').execute(),
    db.selectFrom('teams').selectAll().orderBy('id').execute(),
    db.selectFrom('presence_reasons').selectAll().orderBy('code').execute(),
    db.selectFrom('wrap_up_codes').selectAll().orderBy('code').execute(),
    db.selectFrom('users').select(['id', 'email', 'name', 'roles', 'capacity', 'disabled']).orderBy('email').execute(),
    db.selectFrom('user_skills').selectAll().orderBy('skill_id').execute(),
    db.selectFrom('team_members').selectAll().orderBy('team_id').execute(),
    db.selectFrom('queues').selectAll().orderBy('id').execute(),
    db.selectFrom('queue_members').selectAll().orderBy('member_id').execute(),
    db.selectFrom('worktypes').selectAll().orderBy('id').execute(),
    db.selectFrom('rules').selectAll().orderBy('position').orderBy('id').execute(),
    readRouting(db),
    db.selectFrom('api_keys').select(['name', 'scopes']).where('revoked_at', 'is', null).orderBy('name').execute(),
    db.selectFrom('case_types').select(['id', 'name', 'settings']).orderBy('id').execute(),
  ]);
  const responses = await db.selectFrom('responses').selectAll().orderBy('id').execute();
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  return {
    version: 1,
    skills,
    teams,
    presenceReasons: reasons,
    wrapUpCodes: codes,
    users: users.map((u) => ({
      email: u.email,
      name: u.name,
      roles: u.roles as Role[],
      skills: Object.fromEntries(userSkills.filter((s) => s.user_id === u.id).map((s) => [s.skill_id, s.level])),
      teams: teamMembers.filter((t) => t.user_id === u.id).map((t) => t.team_id),
      capacity: u.capacity,
      ...(u.disabled ? { disabled: true } : {}),
    })),
    queues: queues.map((q) => ({
      id: q.id,
      name: q.name,
      members: {
        users: queueMembers.filter((m) => m.queue_id === q.id && m.member_type === 'user').map((m) => emailOf.get(m.member_id) ?? m.member_id),
        teams: queueMembers.filter((m) => m.queue_id === q.id && m.member_type === 'team').map((m) => m.member_id),
      },
      ...q.settings,
    })),
    worktypes: worktypes.map((w) => {
      const { urlTemplate, attributeSchema, ...rest } = w.settings;
      return {
        id: w.id,
        name: w.name,
        ...rest,
        mediaType: rest.mediaType as MediaType,
        ...(urlTemplate ? { urlTemplate } : {}),
        ...(attributeSchema ? { attributeSchema } : {}),
      };
    }),
    rules: rules.map((r) => ({ id: r.id, name: r.name, when: r.when_expr, set: r.actions, position: r.position, enabled: r.enabled })),
    responses: responses.map(responseItem),
    calendars: await listCalendars(db),
    routing,
    kpiTargets: await readTargets(db),
    ...(await workforceOf(db, (id) => emailOf.get(id))),
    apiKeys: keys.map((k) => ({ name: k.name, scopes: k.scopes as Scope[] })),
    caseTypes: caseTypes.map((c) => caseTypeItem(c.id, c.name, c.settings as CaseTypeSettings)),
    ...(await exportNotifications(db)),
    questionnaires: await listQuestionnaires(db),
    evaluationPlans: await listPlans(db, (id) => emailOf.get(id) ?? id),
    segments: await listSegments(db),
    outcomes: await listOutcomes(db),
    actionMaps: (await listActionMaps(db)) as ConfigDocument['actionMaps'],
    textCategories: await listTextCategories(db),
  };
}

/** The planning settings, people by e-mail; nothing when they were never set. */
async function workforceOf(db: Kysely<DB>, emailOf: (id: string) => string | undefined): Promise<{ workforce?: ConfigDocument['workforce'] }> {
  const w = await storedWorkforceSettings(db);
  return w ? { workforce: mapContractUsers(w, emailOf) } : {};
}
