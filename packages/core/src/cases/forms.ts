/**
 * Case forms: a JSON-Schema-like list of fields an administrator defines per case type. The same
 * definition drives the public web form, the agent's "create case" form and `POST /cases`, so one
 * validation answers all three, with every field's error at once (pointers `/fields/<name>`).
 */

import { regexHazard } from '../classification/regex-safety.js';

export const FIELD_TYPES = ['text', 'number', 'date', 'email', 'phone', 'select', 'multiselect', 'checkbox', 'file'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Keys of the messages an administrator may replace (`messages: { required: "Tell us your order number" }`). */
export const MESSAGE_KEYS = ['required', 'type', 'format', 'pattern', 'min', 'max', 'minLength', 'maxLength', 'option', 'fileType', 'fileSize', 'files'] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

/** Text formats beyond a pattern. */
export const TEXT_FORMATS = ['url', 'uuid', 'alphanumeric'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

/** Customer profile fields a form field can fill (a case's form can create or link the customer). */
export const CUSTOMER_FIELDS = ['name', 'firstName', 'email', 'phone', 'segment', 'externalId'] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

export interface FieldOption {
  value: string;
  label: string;
}

export interface FormField {
  /** Key in the submitted values and in notification templates. */
  name: string;
  label: string;
  type: FieldType;
  required?: boolean;
  help?: string;
  placeholder?: string;
  /** text: a multi-line box. */
  multiline?: boolean;
  /** text, phone: a regular expression the whole value must match. */
  pattern?: string;
  format?: TextFormat;
  /** text, email, phone: length bounds. */
  minLength?: number;
  maxLength?: number;
  /** number: value bounds; date: ISO dates (YYYY-MM-DD); multiselect: how many choices. */
  min?: number | string;
  max?: number | string;
  /** number: whole numbers only. */
  integer?: boolean;
  /** select, multiselect. */
  options?: FieldOption[];
  /** file: accepted content types (`image/png`, or `image/*`), checked against the file's content. */
  accept?: string[];
  /** file: bytes per file. */
  maxSize?: number;
  /** file: how many files (default 1). */
  maxFiles?: number;
  /** Custom validation messages. */
  messages?: Partial<Record<MessageKey, string>>;
  /** The customer profile field this value fills. */
  customer?: CustomerField;
}

export interface FormDefinition {
  fields: FormField[];
}

/** What the server knows about an uploaded file (type sniffed from its content, not its name). */
export interface FileValue {
  name: string;
  size: number;
  contentType: string;
}

export interface FormError {
  pointer: string;
  message: string;
}

export const MAX_FIELDS = 100;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{4,30}$/;
const FORMATS: Record<TextFormat, RegExp> = {
  url: /^https?:\/\/[^\s/$.?#][^\s]*$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  alphanumeric: /^[A-Za-z0-9]*$/,
};
const MIME = /^[a-z]+\/(\*|[a-z0-9.+-]+)$/;

/** Which properties make sense for which types: anything else is a mistake worth naming. */
const ALLOWED: Record<FieldType, readonly string[]> = {
  text: ['multiline', 'pattern', 'format', 'minLength', 'maxLength', 'placeholder'],
  number: ['min', 'max', 'integer', 'placeholder'],
  date: ['min', 'max'],
  email: ['minLength', 'maxLength', 'placeholder'],
  phone: ['pattern', 'minLength', 'maxLength', 'placeholder'],
  select: ['options', 'placeholder'],
  multiselect: ['options', 'min', 'max'],
  checkbox: [],
  file: ['accept', 'maxSize', 'maxFiles'],
};
const COMMON = ['name', 'label', 'type', 'required', 'help', 'messages', 'customer'];

/** A valid ISO calendar date (rejects 2023-02-29). */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

function compiles(pattern: string): string | null {
  try {
    new RegExp(pattern, 'u');
    return regexHazard(pattern, { anchored: true }); // matched whole (^…$) against what customers type
  } catch (err) {
    return (err as Error).message;
  }
}

const isInt = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;

/** Checks a form definition before it is saved: every mistake with its pointer. */
export function validateFormDefinition(def: unknown): FormError[] {
  const out: FormError[] = [];
  if (!def || typeof def !== 'object' || !Array.isArray((def as FormDefinition).fields)) return [{ pointer: '/fields', message: 'must be a list of fields' }];
  const fields = (def as FormDefinition).fields;
  if (fields.length > MAX_FIELDS) out.push({ pointer: '/fields', message: `at most ${MAX_FIELDS} fields` });
  const names = new Set<string>();
  const customerUse = new Map<string, string>();
  fields.forEach((f, i) => {
    const at = `/fields/${i}`;
    const err = (p: string, message: string) => out.push({ pointer: `${at}${p}`, message });
    if (!f || typeof f !== 'object') return err('', 'must be an object');
    if (typeof f.name !== 'string' || !NAME.test(f.name)) err('/name', 'must start with a letter and use letters, digits and _ (at most 63)');
    else if (names.has(f.name.toLowerCase())) err('/name', `duplicate field name "${f.name}"`);
    else names.add(f.name.toLowerCase());
    if (typeof f.label !== 'string' || !f.label.trim() || f.label.length > 200) err('/label', 'must be a text of 1 to 200 characters');
    if (!(FIELD_TYPES as readonly string[]).includes(f.type)) return err('/type', `must be one of ${FIELD_TYPES.join(', ')}`);
    for (const k of Object.keys(f)) if (!COMMON.includes(k) && !ALLOWED[f.type].includes(k)) err(`/${k}`, `does not apply to a ${f.type} field`);
    if (f.required !== undefined && typeof f.required !== 'boolean') err('/required', 'must be true or false');
    if (f.pattern !== undefined) {
      const bad = typeof f.pattern === 'string' ? compiles(f.pattern) : 'must be a text';
      if (bad) err('/pattern', `is not a valid regular expression: ${bad}`);
    }
    if (f.format !== undefined && !(TEXT_FORMATS as readonly string[]).includes(f.format)) err('/format', `must be one of ${TEXT_FORMATS.join(', ')}`);
    for (const k of ['minLength', 'maxLength', 'maxFiles'] as const) if (f[k] !== undefined && !isInt(f[k])) err(`/${k}`, 'must be a whole number ≥ 0');
    if (isInt(f.minLength) && isInt(f.maxLength) && f.minLength > f.maxLength) err('/minLength', 'is more than maxLength');
    if (f.maxSize !== undefined && !(isInt(f.maxSize) && f.maxSize > 0)) err('/maxSize', 'must be a number of bytes > 0');
    if (f.maxFiles === 0) err('/maxFiles', 'must be at least 1');
    checkBounds(f, err);
    if (f.type === 'select' || f.type === 'multiselect') {
      if (!Array.isArray(f.options) || f.options.length === 0) err('/options', 'needs at least one option');
      else {
        const values = new Set<string>();
        f.options.forEach((o, j) => {
          if (!o || typeof o.value !== 'string' || !o.value || typeof o.label !== 'string' || !o.label) return err(`/options/${j}`, 'needs a value and a label');
          if (values.has(o.value)) err(`/options/${j}/value`, `duplicate option "${o.value}"`);
          values.add(o.value);
        });
      }
    }
    if (f.accept !== undefined) {
      if (!Array.isArray(f.accept) || f.accept.length === 0) err('/accept', 'must list content types');
      else f.accept.forEach((a, j) => (typeof a !== 'string' || !MIME.test(a)) && err(`/accept/${j}`, 'must be a content type like image/png or image/*'));
    }
    if (f.messages !== undefined) {
      if (!f.messages || typeof f.messages !== 'object') err('/messages', 'must be an object of messages');
      else
        for (const [k, v] of Object.entries(f.messages)) {
          if (!(MESSAGE_KEYS as readonly string[]).includes(k)) err(`/messages/${k}`, `unknown message; use ${MESSAGE_KEYS.join(', ')}`);
          else if (typeof v !== 'string' || !v || v.length > 500) err(`/messages/${k}`, 'must be a text of 1 to 500 characters');
        }
    }
    if (f.customer !== undefined) {
      if (!(CUSTOMER_FIELDS as readonly string[]).includes(f.customer)) err('/customer', `must be one of ${CUSTOMER_FIELDS.join(', ')}`);
      else if (customerUse.has(f.customer)) err('/customer', `"${f.customer}" is already filled by field "${customerUse.get(f.customer)}"`);
      else customerUse.set(f.customer, f.name);
      if (f.customer === 'email' && f.type !== 'email') err('/customer', 'the customer e-mail must come from an email field');
    }
  });
  return out;
}

function checkBounds(f: FormField, err: (p: string, m: string) => void): void {
  if (f.min === undefined && f.max === undefined) return;
  if (f.type === 'date') {
    for (const k of ['min', 'max'] as const) if (f[k] !== undefined && !(typeof f[k] === 'string' && isIsoDate(f[k]))) err(`/${k}`, 'must be a date YYYY-MM-DD');
    if (typeof f.min === 'string' && typeof f.max === 'string' && f.min > f.max) err('/min', 'is after max');
    return;
  }
  const num = f.type === 'multiselect' ? isInt : (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  for (const k of ['min', 'max'] as const) if (f[k] !== undefined && !num(f[k])) err(`/${k}`, f.type === 'multiselect' ? 'must be a whole number ≥ 0 (choices)' : 'must be a number');
  if (typeof f.min === 'number' && typeof f.max === 'number' && f.min > f.max) err('/min', 'is more than max');
}

/** An empty value: not given, null, '' (an untouched input), an empty list, or an unchecked box. */
export function isEmptyValue(f: FormField, v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0) || (f.type === 'checkbox' && v === false);
}

const typeMatches = (accept: readonly string[], type: string) =>
  accept.some((a) => (a.endsWith('/*') ? type.startsWith(a.slice(0, -1)) : a === type));

/** The error of one non-empty value, or null. */
function fieldError(f: FormField, v: unknown): string | null {
  const msg = (key: MessageKey, fallback: string) => f.messages?.[key] ?? fallback;
  switch (f.type) {
    case 'text':
    case 'email':
    case 'phone': {
      if (typeof v !== 'string') return msg('type', 'must be a text');
      const s = v.trim();
      if (f.minLength !== undefined && s.length < f.minLength) return msg('minLength', `must be at least ${f.minLength} characters`);
      const max = f.maxLength ?? (f.type === 'text' ? (f.multiline ? 20_000 : 1000) : f.type === 'email' ? 254 : 30);
      if (s.length > max) return msg('maxLength', `must be at most ${max} characters`);
      if (f.type === 'email' && !EMAIL.test(s)) return msg('format', 'must be an e-mail address');
      if (f.type === 'phone' && !(PHONE.test(s) && s.replace(/\D/g, '').length >= 4)) return msg('format', 'must be a phone number');
      if (f.format && !FORMATS[f.format].test(s)) return msg('format', `must be a ${f.format === 'url' ? 'web address (http or https)' : f.format === 'uuid' ? 'UUID' : 'text of letters and digits'}`);
      if (f.pattern !== undefined && !new RegExp(`^(?:${f.pattern})$`, 'u').test(s)) return msg('pattern', 'is not in the expected format');
      return null;
    }
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return msg('type', 'must be a number');
      if (f.integer && !Number.isInteger(v)) return msg('type', 'must be a whole number');
      if (typeof f.min === 'number' && v < f.min) return msg('min', `must be at least ${f.min}`);
      if (typeof f.max === 'number' && v > f.max) return msg('max', `must be at most ${f.max}`);
      return null;
    }
    case 'date': {
      if (typeof v !== 'string' || !isIsoDate(v)) return msg('type', 'must be a date (YYYY-MM-DD)');
      if (typeof f.min === 'string' && v < f.min) return msg('min', `must be on or after ${f.min}`);
      if (typeof f.max === 'string' && v > f.max) return msg('max', `must be on or before ${f.max}`);
      return null;
    }
    case 'select': {
      if (typeof v !== 'string') return msg('type', 'must be one of the options');
      return f.options?.some((o) => o.value === v) ? null : msg('option', `"${v}" is not one of the options`);
    }
    case 'multiselect': {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return msg('type', 'must be a list of options');
      const bad = v.find((x) => !f.options?.some((o) => o.value === x));
      if (bad !== undefined) return msg('option', `"${String(bad)}" is not one of the options`);
      if (new Set(v).size !== v.length) return msg('option', 'lists an option twice');
      if (typeof f.min === 'number' && v.length < f.min) return msg('min', `choose at least ${f.min}`);
      if (typeof f.max === 'number' && v.length > f.max) return msg('max', `choose at most ${f.max}`);
      return null;
    }
    case 'checkbox':
      return typeof v === 'boolean' ? null : msg('type', 'must be true or false');
    case 'file': {
      const files = v as FileValue[];
      if (!Array.isArray(v) || files.some((x) => !x || typeof x.name !== 'string' || typeof x.size !== 'number' || typeof x.contentType !== 'string'))
        return msg('type', 'must be uploaded as files');
      const maxFiles = f.maxFiles ?? 1;
      if (files.length > maxFiles) return msg('files', `at most ${maxFiles} file${maxFiles === 1 ? '' : 's'}`);
      const wrongType = f.accept ? files.find((x) => !typeMatches(f.accept!, x.contentType)) : undefined;
      if (wrongType) return msg('fileType', `"${wrongType.name}" is ${wrongType.contentType}; accepted: ${f.accept!.join(', ')}`);
      const tooBig = f.maxSize !== undefined ? files.find((x) => x.size > f.maxSize!) : undefined;
      if (tooBig) return msg('fileSize', `"${tooBig.name}" is larger than ${f.maxSize} bytes`);
      return null;
    }
  }
}

/**
 * Validates submitted values against a form: every field's problem at once, unknown fields
 * included, in the order of the form. An empty answer means the submission is good.
 */
export function validateSubmission(def: FormDefinition, values: Record<string, unknown>): FormError[] {
  const out: FormError[] = [];
  const known = new Set(def.fields.map((f) => f.name));
  for (const f of def.fields) {
    const v = values[f.name];
    const pointer = `/fields/${f.name}`;
    if (isEmptyValue(f, v)) {
      if (f.required) out.push({ pointer, message: f.messages?.required ?? (f.type === 'checkbox' ? 'must be checked' : 'is required') });
      continue;
    }
    const e = fieldError(f, v);
    if (e) out.push({ pointer, message: e });
  }
  for (const k of Object.keys(values)) if (!known.has(k)) out.push({ pointer: `/fields/${k}`, message: 'is not a field of this form' });
  return out;
}

/**
 * The values to store for a valid submission: strings trimmed, empty optional values dropped,
 * files left out (the server stores them as attachments and records their ids).
 */
export function normalizeSubmission(def: FormDefinition, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of def.fields) {
    const v = values[f.name];
    if (f.type === 'file' || isEmptyValue(f, v)) continue;
    out[f.name] = typeof v === 'string' ? (f.type === 'email' ? v.trim().toLowerCase() : v.trim()) : v;
  }
  return out;
}

/**
 * Values from an HTML form post (every value a string): numbers and check boxes become typed
 * values where they parse; anything that does not stays a string for validation to name.
 */
export function coerceFormValues(def: FormDefinition, raw: Record<string, string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byName = new Map(def.fields.map((f) => [f.name, f]));
  for (const [k, v] of Object.entries(raw)) {
    const f = byName.get(k);
    const one = Array.isArray(v) ? v[v.length - 1] : v;
    if (!f) out[k] = v;
    else if (f.type === 'multiselect') out[k] = (Array.isArray(v) ? v : [v]).filter((x) => x !== '');
    else if (f.type === 'number') out[k] = one !== undefined && one.trim() !== '' && Number.isFinite(Number(one)) ? Number(one) : one;
    else if (f.type === 'checkbox') out[k] = one === 'on' || one === 'true' || one === '1' ? true : one === 'false' || one === '0' || one === '' ? false : one;
    else out[k] = one;
  }
  return out;
}

/** The customer profile fields a submission fills. */
export function customerFromSubmission(def: FormDefinition, values: Record<string, unknown>): Partial<Record<CustomerField, string>> {
  const out: Partial<Record<CustomerField, string>> = {};
  for (const f of def.fields) {
    const v = values[f.name];
    if (f.customer && typeof v === 'string' && v.trim()) out[f.customer] = f.customer === 'email' ? v.trim().toLowerCase() : v.trim();
  }
  return out;
}
