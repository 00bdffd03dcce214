import { DateTime } from 'luxon';
import { isValidZone } from '../calendar/zone.js';

/** An SLA as the case type states it (Case_SLA, Case_SLA_Format, Case_SLA_Type). */
export interface SlaPolicyView {
  duration: number;
  unit: 'minutes' | 'hours' | 'days';
  /** `business`: counted on the calendar's open hours (open-office time); `calendar`: around the clock. */
  mode: 'business' | 'calendar';
}

export interface CustomerView {
  id: string;
  name?: string | null;
  firstName?: string | null;
  email?: string | null;
  phone?: string | null;
  segment?: string | null;
  externalId?: string | null;
  /** Admin-defined custom profile fields. */
  fields?: Record<string, unknown> | null;
}

/** What a notification needs to know about a case; the server maps its rows to this. */
export interface CaseView {
  id: string;
  /** Human case number, shown as Case_Id when there is one. */
  number?: string | number | null;
  caseType: { id: string; name: string };
  description?: string | null;
  status: string;
  fields: Record<string, unknown>;
  createdAt: Date | string;
  sla?: { dueAt: Date | string | null; policy: SlaPolicyView | null } | null;
  /** Name of the queue or team the case is with. */
  target?: string | null;
  customer?: CustomerView | null;
  assignee?: { id: string; name: string; email?: string | null } | null;
  resolution?: string | null;
}

export interface VariableOptions {
  /** Zone of the dates (the case type's calendar; default UTC). */
  timeZone?: string;
  /** The customer's link to the portal (signed, expiring), when there is one. */
  portalLink?: string | null;
  /** Staff's link to the case in the app (Case_Link). */
  caseLink?: string | null;
  event?: { type: string; data?: Record<string, unknown> } | null;
}

const UNIT_LABEL = { minutes: 'Minutes', hours: 'Hours', days: 'Days' } as const;
const MODE_LABEL = { business: 'Open office time', calendar: 'Calendar time' } as const;

/** `in-progress` / `waiting_for_customer` -> `In progress` / `Waiting for customer`. */
export function statusLabel(status: string): string {
  const words = status.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A field name as a variable name suffix: letters, digits and underscores. */
export const variableName = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');

/** A form value as text in a flat variable: lists joined, files by name, other objects as JSON. */
function flat(v: unknown): string | number | boolean {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => String(flat(x))).join(', ');
  if (typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string') return (v as { name: string }).name;
  return JSON.stringify(v);
}

function when(v: Date | string | null | undefined, zone: string): DateTime | null {
  if (v === null || v === undefined) return null;
  const d = typeof v === 'string' ? DateTime.fromISO(v) : DateTime.fromJSDate(v);
  return d.isValid ? d.setZone(zone) : null;
}

const datePart = (d: DateTime | null) => (d ? d.toFormat('yyyy-MM-dd') : '');
const timePart = (d: DateTime | null) => (d ? d.toFormat('HH:mm') : '');
const iso = (d: DateTime | null) => (d ? d.toISO({ suppressMilliseconds: true })! : '');

/**
 * The variables a notification template sees for a case: the source's names (Case_Type,
 * Case_Id, Case_SLA...), every form field as `fields.<name>` and `Field_<name>`, the customer
 * as `Customer_<Field>` and `customer.*`, and Portal_Link. Dates are in `timeZone`; raw
 * instants (`Case_Created_At`) are ISO strings for the `date` filter.
 */
export function buildVariables(c: CaseView, opts: VariableOptions = {}): Record<string, unknown> {
  const zone = opts.timeZone && isValidZone(opts.timeZone) ? opts.timeZone : 'UTC';
  const created = when(c.createdAt, zone);
  const due = when(c.sla?.dueAt, zone);
  const policy = c.sla?.policy ?? null;
  const cust = c.customer ?? null;
  const fields: Record<string, unknown> = { ...c.fields };
  const vars: Record<string, unknown> = {
    Case_Type: c.caseType.name,
    Case_Type_Id: c.caseType.id,
    Case_Description: c.description ?? flat(c.fields.description),
    Case_Id: String(c.number ?? c.id),
    Case_Uid: c.id,
    Case_SLA: policy ? policy.duration : '',
    Case_SLA_Format: policy ? UNIT_LABEL[policy.unit] : '',
    Case_SLA_Type: policy ? MODE_LABEL[policy.mode] : '',
    Case_SLA_Due_Date: datePart(due),
    Case_SLA_Due_Time: timePart(due),
    Case_SLA_Due_At: iso(due),
    Case_Target: c.target ?? '',
    Case_Creation_Date: datePart(created),
    Case_Creation_Time: timePart(created),
    Case_Created_At: iso(created),
    Case_Status: statusLabel(c.status),
    Case_Status_Code: c.status,
    Case_Resolution: c.resolution ?? '',
    Assignee_Name: c.assignee?.name ?? '',
    Customer_Id: cust ? (cust.externalId ?? cust.id) : '',
    Customer_Name: cust?.name ?? '',
    Customer_Firstname: cust?.firstName ?? '',
    Customer_Email: cust?.email ?? '',
    Customer_Phone: cust?.phone ?? '',
    Customer_Segment: cust?.segment ?? '',
    Portal_Link: opts.portalLink ?? '',
    Case_Link: opts.caseLink ?? '',
    Event_Type: opts.event?.type ?? '',
    Event_Reason: flat(opts.event?.data?.reason ?? opts.event?.data?.resolution ?? ''),
    Time_Zone: zone,
    fields,
    customer: cust ? customerObject(cust) : {},
  };
  // Flat names never shadow the fixed ones above.
  for (const [k, v] of Object.entries(c.fields)) vars[`Field_${variableName(k)}`] ??= flat(v);
  for (const [k, v] of Object.entries(cust?.fields ?? {})) vars[`Customer_${variableName(k)}`] ??= flat(v);
  return vars;
}

/** The customer as one object: custom fields, then the profile (which wins on a clash). */
function customerObject(c: CustomerView): Record<string, unknown> {
  const { fields, ...profile } = c;
  return { ...fields, ...profile };
}

/** A made-up case for previews and for a trial render when a template is saved. */
export const SAMPLE_CASE: CaseView = {
  id: '00000000-0000-4000-8000-000000000000',
  number: 'C-1001',
  caseType: { id: 'technical', name: 'Technical' },
  description: 'Router keeps dropping the connection',
  status: 'open',
  fields: { order_number: 'A-1001', description: 'Router keeps dropping the connection', product: 'Router X2', accessories: ['cable', 'adapter'] },
  createdAt: '2025-03-14T09:30:00Z',
  sla: { dueAt: '2025-03-17T11:30:00Z', policy: { duration: 16, unit: 'hours', mode: 'business' } },
  target: 'Technical advisors',
  customer: { id: 'sample-customer', name: 'Janssens', firstName: 'An', email: 'an.janssens@example.com', phone: '+32470000000', segment: 'Gold', externalId: 'CRM-42', fields: { membership: 'M-7' } },
  assignee: { id: 'sample-agent', name: 'Alice Agent', email: 'alice@example.com' },
  resolution: null,
};
