// Case form values in the browser: what each input holds, the same checks the server makes (so
// every mistake shows at once before sending), and the submission (JSON fields, or multipart
// when files go along). The server validates again; its problem details land on the same fields.
import type { FormField } from '../api/types';

/** text/email/phone/date/select/number: the typed string; multiselect: values; checkbox: boolean; file: File[]. */
export type FormValue = string | string[] | boolean | File[];
export type FormValues = Record<string, FormValue>;

export function emptyValues(fields: readonly FormField[]): FormValues {
  const out: FormValues = {};
  for (const f of fields) out[f.name] = f.type === 'multiselect' ? [] : f.type === 'checkbox' ? false : f.type === 'file' ? [] : '';
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{4,30}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FORMATS: Record<string, RegExp> = {
  url: /^https?:\/\/[^\s/$.?#][^\s]*$/i,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  alphanumeric: /^[A-Za-z0-9]*$/,
};

function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

const typeMatches = (accept: readonly string[], type: string) => accept.some((a) => (a.endsWith('/*') ? type.startsWith(a.slice(0, -1)) : a === type));

export function isEmpty(f: FormField, v: FormValue | undefined): boolean {
  return v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0) || (f.type === 'checkbox' && v === false);
}

/** The problem with one field's value (the server's wording and the form's own messages), or null. */
export function fieldError(f: FormField, v: FormValue | undefined): string | null {
  const msg = (key: string, fallback: string) => f.messages?.[key] ?? fallback;
  if (isEmpty(f, v)) return f.required ? (f.messages?.required ?? (f.type === 'checkbox' ? 'must be checked' : 'is required')) : null;
  switch (f.type) {
    case 'text':
    case 'email':
    case 'phone': {
      const s = String(v).trim();
      if (f.minLength !== undefined && s.length < f.minLength) return msg('minLength', `must be at least ${f.minLength} characters`);
      const max = f.maxLength ?? (f.type === 'text' ? (f.multiline ? 20_000 : 1000) : f.type === 'email' ? 254 : 30);
      if (s.length > max) return msg('maxLength', `must be at most ${max} characters`);
      if (f.type === 'email' && !EMAIL.test(s)) return msg('format', 'must be an e-mail address');
      if (f.type === 'phone' && !(PHONE.test(s) && s.replace(/\D/g, '').length >= 4)) return msg('format', 'must be a phone number');
      if (f.format && FORMATS[f.format] && !FORMATS[f.format]!.test(s))
        return msg('format', `must be a ${f.format === 'url' ? 'web address (http or https)' : f.format === 'uuid' ? 'UUID' : 'text of letters and digits'}`);
      if (f.pattern !== undefined) {
        try {
          if (!new RegExp(`^(?:${f.pattern})$`, 'u').test(s)) return msg('pattern', 'is not in the expected format');
        } catch {
          return null; // the server decides
        }
      }
      return null;
    }
    case 'number': {
      const n = Number(String(v).trim());
      if (!Number.isFinite(n)) return msg('type', 'must be a number');
      if (f.integer && !Number.isInteger(n)) return msg('type', 'must be a whole number');
      if (typeof f.min === 'number' && n < f.min) return msg('min', `must be at least ${f.min}`);
      if (typeof f.max === 'number' && n > f.max) return msg('max', `must be at most ${f.max}`);
      return null;
    }
    case 'date': {
      const s = String(v);
      if (!isIsoDate(s)) return msg('type', 'must be a date (YYYY-MM-DD)');
      if (typeof f.min === 'string' && s < f.min) return msg('min', `must be on or after ${f.min}`);
      if (typeof f.max === 'string' && s > f.max) return msg('max', `must be on or before ${f.max}`);
      return null;
    }
    case 'select':
      return f.options?.some((o) => o.value === v) ? null : msg('option', `"${String(v)}" is not one of the options`);
    case 'multiselect': {
      const list = v as string[];
      if (typeof f.min === 'number' && list.length < f.min) return msg('min', `choose at least ${f.min}`);
      if (typeof f.max === 'number' && list.length > f.max) return msg('max', `choose at most ${f.max}`);
      return null;
    }
    case 'checkbox':
      return null;
    case 'file': {
      const files = v as File[];
      const maxFiles = f.maxFiles ?? 1;
      if (files.length > maxFiles) return msg('files', `at most ${maxFiles} file${maxFiles === 1 ? '' : 's'}`);
      // The browser's type is a hint (the server checks the bytes); an empty one is left to the server.
      const wrongType = f.accept ? files.find((x) => x.type && !typeMatches(f.accept!, x.type)) : undefined;
      if (wrongType) return msg('fileType', `"${wrongType.name}" is ${wrongType.type}; accepted: ${f.accept!.join(', ')}`);
      const tooBig = f.maxSize !== undefined ? files.find((x) => x.size > f.maxSize!) : undefined;
      if (tooBig) return msg('fileSize', `"${tooBig.name}" is larger than ${formatBytes(f.maxSize!)}`);
      return null;
    }
  }
}

/** Every field's problem at once, by field name. */
export function validateValues(fields: readonly FormField[], values: FormValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const e = fieldError(f, values[f.name]);
    if (e) out[f.name] = e;
  }
  return out;
}

/** The JSON `fields` of a submission (files left out; empty optional values dropped). */
export function toFields(fields: readonly FormField[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.type === 'file' || isEmpty(f, v)) continue;
    if (f.type === 'number') out[f.name] = Number(String(v).trim());
    else if (typeof v === 'string') out[f.name] = v.trim();
    else out[f.name] = v;
  }
  return out;
}

/** The files to upload, as [field name, file] pairs. */
export function filesOf(fields: readonly FormField[], values: FormValues): [string, File][] {
  return fields.filter((f) => f.type === 'file').flatMap((f) => ((values[f.name] as File[] | undefined) ?? []).map((file): [string, File] => [f.name, file]));
}

/**
 * Problem details -> messages by field: pointers `/fields/<name>` (and `/<name>` for a file part)
 * go next to their field; the rest is one general message.
 */
export function serverFieldErrors(errors: readonly { pointer: string; message: string }[], fields: readonly FormField[]): { byField: Record<string, string>; rest: string[] } {
  const names = new Set(fields.map((f) => f.name));
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  for (const e of errors) {
    const parts = e.pointer.split('/').slice(1);
    const name = parts[0] === 'fields' ? parts[1] : parts[0];
    if (name && names.has(name)) byField[name] = byField[name] ? `${byField[name]}; ${e.message}` : e.message;
    else rest.push(e.pointer ? `${e.pointer}: ${e.message}` : e.message);
  }
  return { byField, rest };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${Math.round(n / 104_857.6) / 10} MB`;
}
