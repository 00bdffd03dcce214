/** The configuration collections the admin page lists and edits (the API's `GET list, POST, GET/PATCH/DELETE {id}`). */
export interface CollectionInfo {
  value: string;
  label: string;
  /** Fields summarised in the table (empty: the first simple ones). */
  keys: string[];
  /** The path key inside an item (`id`, `code`); users are keyed by a server-made id. */
  key: 'id' | 'code' | null;
  /** Answer fields that are not item fields: never sent back. */
  readOnly: string[];
  /** What a new item starts from in the editor. */
  template: Record<string, unknown>;
}

export const COLLECTIONS: CollectionInfo[] = [
  { value: 'worktypes', label: 'Worktypes', keys: ['mediaType', 'defaultQueue', 'priority', 'wrapUpCodes', 'mailbox', 'chat'], key: 'id', readOnly: [], template: { id: '', name: '', defaultQueue: '', wrapUpCodes: [] } },
  { value: 'queues', label: 'Queues', keys: ['distribution', 'offerTimeoutSeconds'], key: 'id', readOnly: ['allMembers'], template: { id: '', name: '', members: { teams: [] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 0 }] } },
  { value: 'rules', label: 'Rules', keys: ['when', 'enabled'], key: 'id', readOnly: [], template: { id: '', name: '', when: 'task.worktype == ""', set: { priority: 50 } } },
  { value: 'skills', label: 'Skills', keys: [], key: 'id', readOnly: [], template: { id: '', name: '' } },
  { value: 'teams', label: 'Teams', keys: [], key: 'id', readOnly: [], template: { id: '', name: '', members: [] } },
  { value: 'users', label: 'Users', keys: ['email', 'roles', 'teams'], key: null, readOnly: ['id', 'createdAt', 'ssoLinked'], template: { email: '', name: '', roles: ['agent'], password: '', teams: [], skills: {} } },
  { value: 'case-types', label: 'Case types', keys: ['titleField'], key: 'id', readOnly: [], template: { id: '', name: '', titleField: 'subject', form: { fields: [{ name: 'subject', label: 'Subject', type: 'text', required: true }] } } },
  { value: 'calendars', label: 'Calendars', keys: ['timeZone'], key: 'id', readOnly: [], template: { id: '', name: '', timeZone: 'Europe/Brussels', week: { mon: [{ from: '09:00', to: '17:00' }] } } },
  { value: 'responses', label: 'Standard responses', keys: ['text', 'queues'], key: 'id', readOnly: [], template: { id: '', name: '', text: 'Hello {{visitor}}, this is {{agent}}.', queues: [] } },
  { value: 'questionnaires', label: 'Questionnaires', keys: ['passPercent', 'excellentPercent', 'published'], key: 'id', readOnly: [], template: { id: '', name: '', passPercent: 70, excellentPercent: 90, groups: [{ id: 'greeting', name: 'Greeting', questions: [{ id: 'named', text: 'Did the agent give their name?', kind: 'yes-no' }, { id: 'tone', text: 'Tone', kind: 'scale' }] }] } },
  { value: 'evaluation-plans', label: 'Evaluation plans', keys: ['questionnaire', 'percent', 'mediaTypes', 'perAgentPerWeek'], key: 'id', readOnly: [], template: { id: '', name: '', questionnaire: '', evaluators: [], percent: 10, perAgentPerWeek: 5, acknowledge: true } },
  { value: 'segments', label: 'Segments', keys: ['devices', 'pages', 'searches', 'events'], key: 'id', readOnly: [], template: { id: '', name: '', pages: ['/shop/checkout*'] } },
  { value: 'outcomes', label: 'Outcomes', keys: ['pages', 'events'], key: 'id', readOnly: [], template: { id: '', name: '', pages: ['/shop/thanks*'] } },
  { value: 'action-maps', label: 'Action maps', keys: ['segments', 'action', 'enabled'], key: 'id', readOnly: [], template: { id: '', name: '', segments: [], trigger: { pages: ['/shop/checkout*'], secondsOnPage: 30 }, action: { kind: 'chat', topic: '', message: 'Can we help?' }, maxWaitSeconds: 120 } },
  { value: 'text-categories', label: 'Text categories', keys: ['kind', 'phrases'], key: 'id', readOnly: [], template: { id: '', name: '', kind: 'topic', phrases: ['delivery', 'parcel'] } },
  { value: 'wrap-up-codes', label: 'Wrap-up codes', keys: ['label'], key: 'code', readOnly: [], template: { code: '', label: '' } },
  { value: 'presence-reasons', label: 'Not-ready reasons', keys: ['label'], key: 'code', readOnly: [], template: { code: '', label: '' } },
];

/** "worktype", "case type", "wrap-up code": one item of the collection, in a sentence. */
export const itemNoun = (info: CollectionInfo): string => info.label.replace(/s$/, '').toLowerCase();

/**
 * The PATCH that turns `before` into `after` (the API replaces each field given and clears those
 * given as null): changed and new fields, and null for each field that was removed.
 */
export function patchBetween(before: Record<string, unknown>, after: Record<string, unknown>, skip: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) if (!skip.includes(k) && JSON.stringify(v) !== JSON.stringify(before[k])) out[k] = v;
  for (const k of Object.keys(before)) if (!skip.includes(k) && !(k in after) && before[k] !== null && before[k] !== undefined) out[k] = null;
  return out;
}

/** The item as the editor shows it: no read-only fields, no nulls. */
export function editable(row: Record<string, unknown>, info: CollectionInfo): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k, v]) => !info.readOnly.includes(k) && v !== null && v !== undefined));
}
