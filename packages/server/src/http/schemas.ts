import type { Ajv, SchemaValidateFunction } from 'ajv';
import { Type } from 'typebox';

// Shared request pieces; every route's schema also documents it in /api/openapi.json.
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * URLs a browser will open for someone (a task's screen-pop link, a worktype's template for it):
 * absolute http(s) only. `javascript:`, `data:`, `file:` and the like would run or read something
 * in the agent's browser; the web app refuses them too, but the API is the boundary.
 */
export const HTTP_URL_PATTERN = '^[Hh][Tt][Tt][Pp][Ss]?://';
export const HTTP_URL_MESSAGE = 'must be an absolute http:// or https:// URL';

/**
 * Ajv keyword: the JSON text of a free-form value (task attributes, case fields) is at most this
 * many characters. `maxProperties` alone lets one property hold a 400,000-item array: stored, it is
 * read back by every event, list, report and routing decision that touches the task.
 */
const MAX_JSON_LENGTH = 'maxJsonLength';

const maxJsonLength: SchemaValidateFunction = (max: number, data: unknown): boolean => {
  let length: number;
  try {
    length = JSON.stringify(data)?.length ?? 0;
  } catch {
    return true; // nested deep enough to overflow the stack: the text guard, after validation, refuses it and names the place
  }
  if (length <= max) return true;
  maxJsonLength.errors = [{ keyword: MAX_JSON_LENGTH, message: `must be at most ${max} characters as JSON (is ${length})`, params: { limit: max } }];
  return false;
};

/** Adds `maxJsonLength` to an Ajv (the request validator's and the server's own). */
export function addJsonLengthKeyword(ajv: Ajv): Ajv {
  ajv.addKeyword({ keyword: MAX_JSON_LENGTH, type: ['object', 'array'], schemaType: 'number', errors: true, validate: maxJsonLength });
  return ajv;
}

/** A free-form object: names up to 100 characters, at most `maxProperties` of them and `maxJson` characters of JSON in all. */
export const FreeForm = (maxProperties: number, maxJson: number, extra: { description?: string; nameLength?: number } = {}) =>
  Type.Record(Type.String({ maxLength: extra.nameLength ?? 100 }), Type.Unknown(), { maxProperties, [MAX_JSON_LENGTH]: maxJson, ...(extra.description ? { description: extra.description } : {}) });

/** Task attributes: up to 200 names and 64 KiB of JSON. */
const ATTRIBUTES_MAX_JSON = 64 * 1024;
export const Attributes = FreeForm(200, ATTRIBUTES_MAX_JSON, { description: 'routing and context data: up to 200 names and 64 KiB of JSON' });
