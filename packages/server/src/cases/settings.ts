import { Type, type Static } from 'typebox';
import {
  CASE_STATUSES,
  CUSTOMER_FIELDS,
  FIELD_TYPES,
  MESSAGE_KEYS,
  TEXT_FORMATS,
  clockPolicyErrors,
  validateFormDefinition,
  validateProcedure,
  type CaseStatus,
  type ClockPolicy,
  type FormDefinition,
  type Procedure,
} from '@worklane/core';
import type { FieldError } from '../http/problems.js';

// Self-contained (no import from config/): config/document.ts embeds CaseTypeItem in the document.
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'lower-case identifier' });
const FieldName = Type.String({ minLength: 1, maxLength: 63 });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const strict = { additionalProperties: false } as const;
const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

export const ClockPolicyT = Type.Object(
  {
    duration: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }),
    unit: oneOf(['minutes', 'hours', 'days'] as const),
    mode: oneOf(['calendar', 'business'] as const),
    calendar: Type.Optional(Id),
    warnAtPercent: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100 })),
  },
  { ...strict, description: 'business: open-office time on the calendar; calendar: around the clock' },
);

export const FormFieldT = Type.Object(
  {
    name: FieldName,
    label: Text(200),
    type: oneOf(FIELD_TYPES),
    required: Type.Optional(Type.Boolean()),
    help: Type.Optional(Type.String({ maxLength: 1000 })),
    placeholder: Type.Optional(Type.String({ maxLength: 200 })),
    multiline: Type.Optional(Type.Boolean()),
    pattern: Type.Optional(Type.String({ maxLength: 500 })),
    format: Type.Optional(oneOf(TEXT_FORMATS)),
    minLength: Type.Optional(Type.Integer({ minimum: 0 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 0 })),
    min: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 10 })])),
    max: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 10 })])),
    integer: Type.Optional(Type.Boolean()),
    options: Type.Optional(Type.Array(Type.Object({ value: Text(200), label: Text(200) }, strict), { maxItems: 500 })),
    accept: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
    maxSize: Type.Optional(Type.Integer({ minimum: 1 })),
    maxFiles: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    messages: Type.Optional(Type.Record(oneOf(MESSAGE_KEYS), Text(500))),
    customer: Type.Optional(oneOf(CUSTOMER_FIELDS)),
  },
  strict,
);

/** Exactly one of to / close / escalate / sendBack (checked by validateProcedure, which says so plainly). */
const TransitionT = Type.Object(
  {
    to: Type.Optional(Id),
    close: Type.Optional(Type.Literal(true)),
    resolution: Type.Optional(Text(500)),
    status: Type.Optional(oneOf(['resolved', 'closed'] as const)),
    escalate: Type.Optional(Type.Literal(true)),
    sendBack: Type.Optional(Type.Literal(true)),
  },
  strict,
);

export const ProcedureT = Type.Object(
  {
    start: Id,
    steps: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Type.Optional(Text(200)),
          queue: Id,
          worktype: Id,
          ola: Type.Optional(ClockPolicyT),
          transitions: Type.Record(Type.String({ minLength: 1, maxLength: 100 }), TransitionT, { description: 'wrap-up code -> next' }),
        },
        strict,
      ),
      { minItems: 1, maxItems: 50 },
    ),
    escalation: Type.Optional(Type.Array(Id, { maxItems: 10, description: 'the escalation ladder: step ids, level 1 first' })),
  },
  strict,
);

const PAUSABLE = CASE_STATUSES.filter((x) => x !== 'resolved' && x !== 'closed');

export const CaseTypeItem = Type.Object(
  {
    id: Id,
    name: Text(200),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    form: Type.Object({ fields: Type.Array(FormFieldT, { maxItems: 100 }) }, strict),
    procedure: Type.Optional(ProcedureT),
    sla: Type.Optional(ClockPolicyT),
    pauseStatuses: Type.Optional(Type.Array(oneOf(PAUSABLE), { uniqueItems: true, description: 'the SLA (and the current OLA) stand still in these statuses' })),
    escalation: Type.Optional(
      Type.Object(
        {
          automatic: Type.Optional(oneOf(['breach', 'warning', 'off'] as const)),
          raisePriority: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
        },
        { ...strict, description: 'automatic escalation on the OLA breach (default) or warning' },
      ),
    ),
    titleField: Type.Optional(FieldName),
    descriptionField: Type.Optional(FieldName),
    publicForm: Type.Optional(Type.Boolean({ description: 'anyone may submit it at /public/forms/{id}' })),
    portalFields: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { maxItems: 50 })),
    attachments: Type.Optional(
      Type.Object(
        { maxSize: Type.Optional(Type.Integer({ minimum: 1 })), accept: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 50 })) },
        strict,
      ),
    ),
    notifications: Type.Optional(Type.Unknown({ description: 'notification rules (see notifications)' })),
  },
  strict,
);
export type CaseTypeItem = Static<typeof CaseTypeItem>;

/** Built-in case facts a portal may show next to form fields. */
export const PORTAL_BUILTINS = ['number', 'status', 'caseType', 'title', 'createdAt', 'sla', 'resolution'] as const;

export const DEFAULT_ATTACHMENT_TYPES = [
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/heic', 'application/pdf', 'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.text',
];
export const DEFAULT_ATTACHMENT_MAX = 10 * 1024 * 1024;

/** What a case type stores (all defaults filled in). */
export interface CaseTypeSettings {
  description: string | null;
  form: FormDefinition;
  procedure: Procedure | null;
  sla: ClockPolicy | null;
  pauseStatuses: CaseStatus[];
  escalation: { automatic: 'breach' | 'warning' | 'off'; raisePriority: number };
  titleField: string | null;
  descriptionField: string | null;
  publicForm: boolean;
  portalFields: string[];
  attachments: { maxSize: number; accept: string[] };
  notifications: unknown;
}

export interface CaseType extends CaseTypeSettings {
  id: string;
  name: string;
}

export function caseTypeSettings(c: CaseTypeItem): CaseTypeSettings {
  return {
    description: c.description ?? null,
    form: c.form as FormDefinition,
    procedure: (c.procedure as Procedure | undefined) ?? null,
    sla: c.sla ?? null,
    pauseStatuses: c.pauseStatuses ?? ['waiting-for-customer'],
    escalation: { automatic: c.escalation?.automatic ?? 'breach', raisePriority: c.escalation?.raisePriority ?? 0 },
    titleField: c.titleField ?? null,
    descriptionField: c.descriptionField ?? null,
    publicForm: c.publicForm ?? false,
    portalFields: c.portalFields ?? ['number', 'status', 'caseType', 'createdAt'],
    attachments: { maxSize: c.attachments?.maxSize ?? DEFAULT_ATTACHMENT_MAX, accept: c.attachments?.accept ?? DEFAULT_ATTACHMENT_TYPES },
    notifications: c.notifications ?? null,
  };
}

/** The item again (for export and the API): defaults stay explicit so a file shows what applies. */
export function caseTypeItem(id: string, name: string, s: CaseTypeSettings): CaseTypeItem {
  return {
    id,
    name,
    ...(s.description !== null ? { description: s.description } : {}),
    form: s.form as CaseTypeItem['form'],
    ...(s.procedure ? { procedure: s.procedure as CaseTypeItem['procedure'] } : {}),
    ...(s.sla ? { sla: s.sla } : {}),
    pauseStatuses: s.pauseStatuses,
    escalation: s.escalation,
    ...(s.titleField !== null ? { titleField: s.titleField } : {}),
    ...(s.descriptionField !== null ? { descriptionField: s.descriptionField } : {}),
    publicForm: s.publicForm,
    portalFields: s.portalFields,
    attachments: s.attachments,
    ...(s.notifications !== null && s.notifications !== undefined ? { notifications: s.notifications } : {}),
  } as CaseTypeItem;
}

/** What a case type may refer to. */
export interface CaseTypeKnown {
  queues: ReadonlySet<string>;
  /** Worktype id -> its wrap-up codes. */
  worktypes: ReadonlyMap<string, readonly string[]>;
  wrapUpCodes: ReadonlySet<string>;
  /** Known calendars; absent: not checked. */
  calendars?: ReadonlySet<string>;
}

/** Checks beyond the shape: the form, the procedure's references, the SLA, the fields named elsewhere. */
export function checkCaseType(c: CaseTypeItem, k: CaseTypeKnown, at = ''): FieldError[] {
  const out: FieldError[] = [];
  const under = (prefix: string, errors: { pointer: string; message: string }[]) => errors.forEach((e) => out.push({ pointer: `${at}${prefix}${e.pointer}`, message: e.message }));
  under('/form', validateFormDefinition(c.form));
  if (c.procedure) under('/procedure', validateProcedure(c.procedure as Procedure, k));
  if (c.sla) under('', clockPolicyErrors(c.sla, '/sla', k.calendars));
  const fields = new Map(c.form.fields.map((f) => [f.name, f]));
  for (const key of ['titleField', 'descriptionField'] as const) {
    const name = c[key];
    if (name === undefined) continue;
    const f = fields.get(name);
    if (!f) out.push({ pointer: `${at}/${key}`, message: `the form has no field "${name}"` });
    else if (f.type !== 'text') out.push({ pointer: `${at}/${key}`, message: `"${name}" must be a text field` });
  }
  c.portalFields?.forEach((name, j) => {
    if (!fields.has(name) && !(PORTAL_BUILTINS as readonly string[]).includes(name))
      out.push({ pointer: `${at}/portalFields/${j}`, message: `"${name}" is neither a form field nor one of ${PORTAL_BUILTINS.join(', ')}` });
  });
  return out;
}
