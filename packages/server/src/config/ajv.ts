import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from '../http/problems.js';
import { fieldErrors } from '../http/problems.js';
import { addJsonLengthKeyword } from '../http/schemas.js';
import { regexHazard } from '@worklane/core';

// One Ajv for documents the server validates itself (config files, worktype attribute schemas).
export const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, removeAdditional: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
addJsonLengthKeyword(ajv);

const cache = new WeakMap<object, ValidateFunction>();

/** Validates `value` against `schema`; returns field errors with pointers under `prefix`. */
export function validateAgainst(schema: object, value: unknown, prefix = ''): FieldError[] {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  if (fn(value)) return [];
  return fieldErrors((fn.errors ?? []) as ErrorObject[]).map((e) => ({
    ...e,
    pointer: prefix + (e.pointer === '/' ? '' : e.pointer) || '/',
  }));
}

/** Checks that a worktype's attribute schema is itself a valid JSON Schema. */
export function schemaError(schema: object): string | null {
  try {
    ajv.compile(schema);
    return patternHazard(schema);
  } catch (err) {
    return (err as Error).message;
  }
}

/** A `pattern` (or `patternProperties` key) that could backtrack for long on what source systems send. */
function patternHazard(schema: unknown, depth = 0): string | null {
  if (!schema || typeof schema !== 'object' || depth > 64) return null;
  for (const [key, value] of Object.entries(schema)) {
    const bad =
      key === 'pattern' && typeof value === 'string' ? regexHazard(value)
      : key === 'patternProperties' && value && typeof value === 'object' ? Object.keys(value).map((k) => regexHazard(k)).find(Boolean) ?? patternHazard(value, depth + 1)
      : patternHazard(value, depth + 1);
    if (bad) return `pattern: ${bad}`;
  }
  return null;
}
