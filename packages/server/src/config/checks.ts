import { checkTargets, validateNumberExpression, validateRuleExpression } from '@worklane/core';
import { checkWorkforceSettings, type WorkforceSettings } from '../workforce/settings.js';
import type { Static } from 'typebox';
import type { FieldError } from '../http/problems.js';
import { schemaError, validateAgainst } from './ajv.js';
import { checkCalendar } from '../calendars/check.js';
import { checkCaseType } from '../cases/settings.js';
import { checkNotificationSections } from '../notifications/config.js';
import { checkPlan, checkQuestionnaireItem } from '../quality/config.js';
import { checkActionMap, checkOutcome, checkSegment, type EngagementKnown } from '../engagement/config.js';
import { checkTextCategory } from '../analytics/config.js';
import { ConfigDocument, type QueueItem, type ResponseItem, type RoutingSettingsT, type RuleItem, type UserItem, type WorktypeItem } from './document.js';

// Checks beyond the schema: cross references and rules the schema cannot say. One function per kind
// of item, used both for a whole document (import) and for one item (the configuration API), with
// `at` the JSON pointer of the item.

/** What an item may refer to. */
export interface Known extends EngagementKnown {
  skills: ReadonlySet<string>;
  teams: ReadonlySet<string>;
  queues: ReadonlySet<string>;
  wrapUpCodes: ReadonlySet<string>;
  /** A user reference (an e-mail in files; an id or an e-mail in the API) names a user. */
  hasUser(ref: string): boolean;
  /** Calendar ids, when known (a document without calendars leaves references unchecked here). */
  calendars?: ReadonlySet<string>;
  /** Questionnaire and worktype ids, when known (as calendars). */
  questionnaires?: ReadonlySet<string>;
  worktypes?: ReadonlySet<string>;
}

export function checkUser(u: UserItem, k: Known, at = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const s of Object.keys(u.skills ?? {})) if (!k.skills.has(s)) out.push({ pointer: `${at}/skills/${s}`, message: `unknown skill "${s}"` });
  u.teams?.forEach((t, j) => !k.teams.has(t) && out.push({ pointer: `${at}/teams/${j}`, message: `unknown team "${t}"` }));
  return out;
}

export function checkTeamMembers(members: readonly string[] | undefined, k: Known, at = ''): FieldError[] {
  const out: FieldError[] = [];
  members?.forEach((u, j) => !k.hasUser(u) && out.push({ pointer: `${at}/members/${j}`, message: `unknown user "${u}"` }));
  return out;
}

export function checkQueue(q: QueueItem, k: Known, at = ''): FieldError[] {
  const out: FieldError[] = [];
  q.members?.teams?.forEach((t, j) => !k.teams.has(t) && out.push({ pointer: `${at}/members/teams/${j}`, message: `unknown team "${t}"` }));
  q.members?.users?.forEach((u, j) => !k.hasUser(u) && out.push({ pointer: `${at}/members/users/${j}`, message: `unknown user "${u}"` }));
  const ids = new Set<string>();
  q.exceptions?.forEach((e, j) => {
    const p = `${at}/exceptions/${j}`;
    if (ids.has(e.id)) out.push({ pointer: `${p}/id`, message: `duplicate exception id "${e.id}" in this queue` });
    ids.add(e.id);
    if (e.waitedSeconds === undefined && e.dueUsedPercent === undefined && !e.noEligibleAgent)
      out.push({ pointer: p, message: 'needs a condition: waitedSeconds, dueUsedPercent or noEligibleAgent' });
    if (e.raisePriority === undefined && !e.moveToQueue && !e.moveToTeamBin && !e.alertSupervisors)
      out.push({ pointer: p, message: 'needs an action: raisePriority, moveToQueue, moveToTeamBin or alertSupervisors' });
    if (e.moveToQueue && e.moveToTeamBin) out.push({ pointer: `${p}/moveToTeamBin`, message: 'choose moveToQueue or moveToTeamBin, not both' });
    if (e.moveToQueue === q.id) out.push({ pointer: `${p}/moveToQueue`, message: 'is this queue' });
    else if (e.moveToQueue && !k.queues.has(e.moveToQueue)) out.push({ pointer: `${p}/moveToQueue`, message: `unknown queue "${e.moveToQueue}"` });
    if (e.moveToTeamBin && !k.teams.has(e.moveToTeamBin)) out.push({ pointer: `${p}/moveToTeamBin`, message: `unknown team "${e.moveToTeamBin}"` });
  });
  return out;
}

export function checkWorktype(w: WorktypeItem, k: Known, at = ''): FieldError[] {
  const out: FieldError[] = [];
  if (!k.queues.has(w.defaultQueue)) out.push({ pointer: `${at}/defaultQueue`, message: `unknown queue "${w.defaultQueue}"` });
  w.wrapUpCodes?.forEach((c, j) => !k.wrapUpCodes.has(c) && out.push({ pointer: `${at}/wrapUpCodes/${j}`, message: `unknown wrap-up code "${c}"` }));
  w.skills?.forEach((s, j) => !k.skills.has(s.skill) && out.push({ pointer: `${at}/skills/${j}/skill`, message: `unknown skill "${s.skill}"` }));
  const bad = w.attributeSchema ? schemaError(w.attributeSchema) : null;
  if (bad) out.push({ pointer: `${at}/attributeSchema`, message: bad });
  const esc = w.escalation?.queue;
  if (esc && !k.queues.has(esc)) out.push({ pointer: `${at}/escalation/queue`, message: `unknown queue "${esc}"` });
  if (w.chat) {
    // A chat is talked in while held: its capacity and blending are the chat media type's.
    if ((w.mediaType ?? 'workitem') !== 'chat') out.push({ pointer: `${at}/mediaType`, message: 'a chat topic must have mediaType "chat"' });
    const faqs = w.chat.bot?.faqs ?? [];
    faqs.forEach((f, j) => faqs.findIndex((o) => o.id === f.id) < j && out.push({ pointer: `${at}/chat/bot/faqs/${j}/id`, message: `question "${f.id}" appears twice` }));
    const cal = w.chat.calendar;
    if (cal !== undefined && k.calendars && !k.calendars.has(cal)) out.push({ pointer: `${at}/chat/calendar`, message: `unknown calendar "${cal}"` });
  }
  if (w.callback) {
    if ((w.mediaType ?? 'workitem') !== 'callback') out.push({ pointer: `${at}/mediaType`, message: 'a callback topic must have mediaType "callback"' });
    const cal = w.callback.calendar;
    if (cal !== undefined && k.calendars && !k.calendars.has(cal)) out.push({ pointer: `${at}/callback/calendar`, message: `unknown calendar "${cal}"` });
  }
  if (w.sms && (w.mediaType ?? 'workitem') !== 'sms') out.push({ pointer: `${at}/mediaType`, message: 'an SMS number takes work of mediaType "sms"' });
  if (w.chat && w.callback) out.push({ pointer: `${at}/callback`, message: 'a worktype is a chat topic or a callback topic, not both' });
  return out;
}

export function checkResponse(r: ResponseItem, k: Known, at = ''): FieldError[] {
  return (r.queues ?? []).flatMap((q, j) => (k.queues.has(q) ? [] : [{ pointer: `${at}/queues/${j}`, message: `unknown queue "${q}"` }]));
}

export function checkRule(r: RuleItem, k: Known, at = ''): FieldError[] {
  const out: FieldError[] = [];
  const bad = validateRuleExpression(r.when);
  if (bad) out.push({ pointer: `${at}/when`, message: bad });
  const badFrom = r.set.priorityFrom !== undefined ? validateNumberExpression(r.set.priorityFrom) : null;
  if (badFrom) out.push({ pointer: `${at}/set/priorityFrom`, message: badFrom });
  if (r.set.queue && !k.queues.has(r.set.queue)) out.push({ pointer: `${at}/set/queue`, message: `unknown queue "${r.set.queue}"` });
  r.set.skills?.forEach((s, j) => !k.skills.has(s.skill) && out.push({ pointer: `${at}/set/skills/${j}/skill`, message: `unknown skill "${s.skill}"` }));
  if (r.set.dueCalendar !== undefined && k.calendars && !k.calendars.has(r.set.dueCalendar))
    out.push({ pointer: `${at}/set/dueCalendar`, message: `unknown calendar "${r.set.dueCalendar}"` });
  if (r.set.dueCalendar !== undefined && r.set.dueInMinutes === undefined) out.push({ pointer: `${at}/set/dueCalendar`, message: 'needs dueInMinutes' });
  return out;
}

export function checkRouting(r: Static<typeof RoutingSettingsT>, at = ''): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  r.blending.forEach((b, j) => {
    if (seen.has(b.media)) out.push({ pointer: `${at}/blending/${j}/media`, message: `"${b.media}" has a blending rule already` });
    seen.add(b.media);
  });
  return out;
}

/** Items of a section that repeat an id. */
function duplicates(items: readonly Record<string, unknown>[] | undefined, key: string, at: string): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  items?.forEach((x, i) => {
    const id = String(x[key]).toLowerCase();
    if (seen.has(id)) out.push({ pointer: `${at}/${i}/${key}`, message: `duplicate ${key} "${String(x[key])}"` });
    seen.add(id);
  });
  return out;
}

/** Shape and cross-reference checks of a whole document; every problem is reported at once with its pointer. */
export function checkDocument(doc: unknown): FieldError[] {
  const errors = validateAgainst(ConfigDocument, doc);
  if (errors.length) return errors;
  const d = doc as ConfigDocument;
  const ids = (xs: { id: string }[] | undefined) => new Set((xs ?? []).map((x) => x.id));
  const emails = new Set((d.users ?? []).map((u) => u.email.toLowerCase()));
  const k: Known = {
    skills: ids(d.skills),
    teams: ids(d.teams),
    queues: ids(d.queues),
    wrapUpCodes: new Set((d.wrapUpCodes ?? []).map((c) => c.code)),
    hasUser: (ref) => emails.has(ref.toLowerCase()),
    ...(d.calendars ? { calendars: ids(d.calendars) } : {}),
    ...(d.questionnaires ? { questionnaires: ids(d.questionnaires) } : {}),
    ...(d.worktypes ? { worktypes: ids(d.worktypes), chatTopics: ids(d.worktypes.filter((w) => w.chat)) } : {}),
    ...(d.segments ? { segments: ids(d.segments) } : {}),
    ...(d.outcomes ? { outcomes: ids(d.outcomes) } : {}),
  };
  return [
    ...duplicates(d.skills, 'id', '/skills'),
    ...duplicates(d.teams, 'id', '/teams'),
    ...duplicates(d.presenceReasons, 'code', '/presenceReasons'),
    ...duplicates(d.wrapUpCodes, 'code', '/wrapUpCodes'),
    ...duplicates(d.users, 'email', '/users'),
    ...duplicates(d.queues, 'id', '/queues'),
    ...duplicates(d.worktypes, 'id', '/worktypes'),
    // One worktype per mailbox: otherwise which one a message becomes would be arbitrary.
    ...(d.worktypes ?? []).flatMap((w, i, all) =>
      w.mailbox && all.findIndex((o) => o.mailbox?.toLowerCase() === w.mailbox!.toLowerCase()) < i ? [{ pointer: `/worktypes/${i}/mailbox`, message: `duplicate mailbox "${w.mailbox}"` }] : []),
    // One worktype per SMS number, as per mailbox.
    ...(d.worktypes ?? []).flatMap((w, i, all) =>
      w.sms && all.findIndex((o) => o.sms?.number === w.sms!.number) < i ? [{ pointer: `/worktypes/${i}/sms/number`, message: `duplicate SMS number "${w.sms.number}"` }] : []),
    ...duplicates(d.rules, 'id', '/rules'),
    ...duplicates(d.apiKeys, 'name', '/apiKeys'),
    ...duplicates(d.calendars, 'id', '/calendars'),
    ...duplicates(d.caseTypes, 'id', '/caseTypes'),
    ...duplicates(d.notificationTemplates, 'id', '/notificationTemplates'),
    ...(d.users ?? []).flatMap((u, i) => checkUser(u, k, `/users/${i}`)),
    ...(d.queues ?? []).flatMap((q, i) => checkQueue(q, k, `/queues/${i}`)),
    ...(d.worktypes ?? []).flatMap((w, i) => checkWorktype(w, k, `/worktypes/${i}`)),
    ...(d.rules ?? []).flatMap((r, i) => checkRule(r, k, `/rules/${i}`)),
    ...duplicates(d.responses, 'id', '/responses'),
    ...(d.responses ?? []).flatMap((r, i) => checkResponse(r, k, `/responses/${i}`)),
    ...duplicates(d.questionnaires, 'id', '/questionnaires'),
    ...(d.questionnaires ?? []).flatMap((q, i) => checkQuestionnaireItem(q, `/questionnaires/${i}`)),
    ...duplicates(d.evaluationPlans, 'id', '/evaluationPlans'),
    ...(d.evaluationPlans ?? []).flatMap((p, i) => checkPlan(p, k, `/evaluationPlans/${i}`)),
    ...duplicates(d.segments, 'id', '/segments'),
    ...(d.segments ?? []).flatMap((x, i) => checkSegment(x, `/segments/${i}`)),
    ...duplicates(d.outcomes, 'id', '/outcomes'),
    ...(d.outcomes ?? []).flatMap((x, i) => checkOutcome(x, `/outcomes/${i}`)),
    ...duplicates(d.actionMaps, 'id', '/actionMaps'),
    ...(d.actionMaps ?? []).flatMap((x, i) => checkActionMap(x, k, `/actionMaps/${i}`)),
    ...duplicates(d.textCategories, 'id', '/textCategories'),
    ...(d.textCategories ?? []).flatMap((x, i) => checkTextCategory(x, k, `/textCategories/${i}`)),
    ...(d.routing ? checkRouting(d.routing, '/routing') : []),
    ...(d.workforce ? checkWorkforceSettings(d.workforce as WorkforceSettings, k, '/workforce') : []),
    ...checkTargets(d.kpiTargets ?? [], '/kpiTargets', { ...(d.queues ? { queues: k.queues } : {}), ...(d.teams ? { teams: k.teams } : {}) }),
    ...(d.calendars ?? []).flatMap((c, i) => checkCalendar(c, `/calendars/${i}`)),
    ...(d.caseTypes ?? []).flatMap((c, i) => checkCaseType(c, caseTypeKnown(d, k), `/caseTypes/${i}`)),
    ...checkNotificationSections(d),
  ];
}

/** What case types in a document may refer to: its queues, worktypes (with their codes), codes and calendars. */
function caseTypeKnown(d: ConfigDocument, k: Known) {
  const cals = d.calendars;
  return {
    queues: k.queues,
    wrapUpCodes: k.wrapUpCodes,
    worktypes: new Map((d.worktypes ?? []).map((w) => [w.id, w.wrapUpCodes ?? []])),
    ...(cals ? { calendars: new Set(cals.map((c) => c.id)) } : {}),
  };
}
