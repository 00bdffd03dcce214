// Shared by the fuzz and authorization tests: principals minted straight into the database (no
// login, so the login throttle never gets in the way), JSON Schema → fast-check arbitraries, and a
// fingerprint of the database that must not move when a request is refused.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { apiKeyPrefix, newApiKey, newToken, sha256 } from '../../src/auth/crypto.js';
import { serverSecret, signToken } from '../../src/portal/token.js';

export interface Principal {
  name: string;
  /** Headers that make a request this principal's (cookie or Authorization). */
  headers: Record<string, string>;
  /** The `actor` its events carry (null: anonymous). */
  actor: string | null;
}

export const ANONYMOUS: Principal = { name: 'anonymous', headers: {}, actor: null };

/** A signed-in person: a session row for the user with this e-mail (like a login, without one). */
export async function sessionFor(db: Kysely<DB>, email: string, name = email.split('@')[0]!): Promise<Principal & { userId: string }> {
  const u = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  const token = newToken();
  await db.insertInto('sessions').values({ id: sha256(token), user_id: u.id, expires_at: new Date(Date.now() + 12 * 3_600_000) }).execute();
  return { name, headers: { cookie: `wl_session=${token}` }, actor: `user:${u.id}`, userId: u.id };
}

/** An API key with these scopes. */
export async function apiKeyWith(db: Kysely<DB>, name: string, scopes: string[]): Promise<Principal & { keyId: string }> {
  const key = newApiKey();
  const id = randomUUID();
  await db.insertInto('api_keys').values({ id, name, prefix: apiKeyPrefix(key), key_hash: sha256(key), scopes }).execute();
  return { name: `key ${name}`, headers: { authorization: `Bearer ${key}` }, actor: `api-key:${name}`, keyId: id };
}

/** A customer signed in to the portal (the cookie a portal link gives). */
export async function portalSessionFor(db: Kysely<DB>, customerId: string, name = 'customer'): Promise<Principal> {
  const token = signToken(await serverSecret(db), 'session', customerId, 12 * 3_600_000);
  return { name, headers: { cookie: `wl_portal=${token}` }, actor: `customer:${customerId}` };
}

// ---------------------------------------------------------------------------------------------
// What must not move on a refused request: row counts of every table a request can write, and a
// digest of the columns requests change (background timers touch other columns: a task's state
// when it wakes, its boost and team bin when an exception fires). Events are compared by id.

const DIGESTS: Record<string, string> = {
  tasks: `concat_ws('|', id, worktype, source, external_id, title, description, attributes::text, priority, due_at, expires_at, url, assignee_id, wrap_up_code, note, customer_id, case_id, skills::text, language, queue_id)`,
  cases: `concat_ws('|', id, case_type, status, customer_id, title, description, fields::text, resolution, escalation_level, sla_policy::text, current_step, version)`,
  customers: 't::text',
  users: 't::text',
  api_keys: 't::text',
  queues: 't::text',
  worktypes: 't::text',
  rules: 't::text',
  skills: 't::text',
  teams: 't::text',
  wrap_up_codes: 't::text',
  presence_reasons: 't::text',
  webhook_subscriptions: 't::text',
  case_types: 't::text',
  calendars: 't::text',
  notification_templates: 't::text',
  notification_rules: 't::text',
  // Not `clocks.computedFor`: the clock service's note of what it last recomputed for, written in the
  // background after a configuration change (so it can land while the next request is answered).
  settings: "case when t.key = 'clocks.computedFor' then t.key else t::text end",
};
const COUNTS = ['sessions', 'case_comments', 'attachments', 'case_tasks', 'idempotency_keys', 'team_members', 'queue_members', 'user_skills', 'offers'];

export type Fingerprint = Record<string, string | number>;

/**
 * `presenceOf`: the users whose presence requests may change (the principals' own: `PUT /me/presence`);
 * the dispatcher changes other agents' presence on its own (end of after-work, RONA).
 */
export async function fingerprint(db: Kysely<DB>, presenceOf: string[] = []): Promise<Fingerprint> {
  const users = presenceOf.map((u) => `'${u.replace(/'/g, "''")}'`).join(',') || 'null';
  const parts = [
    `'presence#', (select coalesce(md5(string_agg(concat_ws('|', user_id, status, reason), ',' order by user_id)), '') from presence where user_id in (${users}))`,
    ...Object.entries(DIGESTS).flatMap(([t, expr]) => [
      `'${t}', (select count(*) from ${t})`,
      // Order-free sum of 64-bit row hashes: no sort and no string of the whole table, so checking
      // stays fast after the fuzzer's valid bulk captures have made tens of thousands of tasks.
      `'${t}#', (select coalesce(sum(hashtextextended(${expr}, 0)::numeric), 0)::text from ${t} t)`,
    ]),
    ...COUNTS.map((t) => `'${t}', (select count(*) from ${t})`),
    `'events', (select coalesce(max(id), 0) from events)`,
  ];
  // json_build_object takes at most 100 arguments: one object per group of 40.
  const objects: string[] = [];
  for (let i = 0; i < parts.length; i += 40) objects.push(`json_build_object(${parts.slice(i, i + 40).join(', ')})`);
  const { rows } = await sql<Record<string, Fingerprint>>`select ${sql.raw(objects.map((o, i) => `${o} as p${i}`).join(', '))}`.execute(db);
  const out: Fingerprint = {};
  for (const v of Object.values(rows[0]!)) Object.assign(out, typeof v === 'string' ? JSON.parse(v) : v);
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string' && /^\d+$/.test(v)) out[k] = Number(v);
  return out;
}

export interface NewEvent {
  id: number;
  type: string;
  actor: string | null;
}

/** What changed between two fingerprints, apart from events (compared separately). */
export function changedTables(a: Fingerprint, b: Fingerprint): string[] {
  return Object.keys(a).filter((k) => k !== 'events' && a[k] !== b[k]);
}

export async function eventsAfter(db: Kysely<DB>, id: number): Promise<NewEvent[]> {
  return (await db.selectFrom('events').select(['id', 'type', 'actor']).where('id', '>', id).orderBy('id').execute()).map((e) => ({ ...e, id: Number(e.id) }));
}

/** Events written by timers and the dispatcher, not by a request (no actor, or `system…`). */
export const isBackgroundEvent = (e: NewEvent) => !e.type.startsWith('auth.') && (e.actor === null || e.actor.startsWith('system'));

// ---------------------------------------------------------------------------------------------
// JSON Schema (as the OpenAPI document has it: no $ref) → fast-check arbitraries.

export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
};

/** Characters that break naive code: RTL override, zero-width, BOM, NUL, a lone surrogate, markup, SQL, paths. */
export const SPICY = ['\u202e', '\u200b', '\u200d', '\ufeff', '\u0000', '\ud800', '\udfff', '😀', 'e\u0301', '\u0645\u0631\u062d\u0628\u0627', '<script>window.__xss=1</script>', '"', "'", '\\', '%00', '../', "' OR 1=1 --", '${7*7}', '{{7*7}}', '\r\n', 'javascript:', '__proto__', 'constructor'];

const unit = fc.oneof({ weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: fc.constantFrom(...SPICY) });

/** Strings within the length bounds, now and then with hostile characters. */
export function anyString(min = 0, max = 40): fc.Arbitrary<string> {
  return fc.string({ unit, minLength: min, maxLength: Math.max(min, Math.min(max, 40)) }).map((s) => (s.length > max ? s.slice(0, max) : s)).filter((s) => s.length >= min && s.length <= max);
}

/**
 * An arbitrary of values the schema accepts. `hints` maps property names to known values (ids of
 * existing queues, worktypes...), so that some valid bodies also pass the server's own checks.
 */
export function arbitraryOf(schema: Schema, hints: Record<string, unknown[]> = {}, prop?: string): fc.Arbitrary<unknown> {
  const hinted = prop && hints[prop]?.length ? hints[prop]! : null;
  const base = arbitraryOfSchema(schema, hints);
  return hinted ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hinted) }, { weight: 1, arbitrary: base }) : base;
}

function arbitraryOfSchema(s: Schema, hints: Record<string, unknown[]>): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return fc.oneof(...alts.map((a) => arbitraryOf(a, hints)));
  if (s.allOf) return arbitraryOf(Object.assign({}, ...s.allOf), hints);
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : null;
  if (!type) return fc.jsonValue({ maxDepth: 2 });
  if (type.length > 1) return fc.oneof(...type.map((t) => arbitraryOf({ ...s, type: t }, hints)));
  switch (type[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = s.exclusiveMinimum !== undefined ? Math.floor(s.exclusiveMinimum) + 1 : (s.minimum ?? -1_000_000);
      const max = s.exclusiveMaximum !== undefined ? Math.ceil(s.exclusiveMaximum) - 1 : (s.maximum ?? 1_000_000);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'number': {
      const min = s.minimum ?? s.exclusiveMinimum ?? -1e9;
      const max = s.maximum ?? s.exclusiveMaximum ?? 1e9;
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true, minExcluded: s.exclusiveMinimum !== undefined, maxExcluded: s.exclusiveMaximum !== undefined }).map((n) => (Object.is(n, -0) ? 0 : n));
    }
    case 'string':
      return stringOf(s);
    case 'array': {
      const items = s.items ? arbitraryOf(s.items, hints) : fc.jsonValue({ maxDepth: 1 });
      const constraints = { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, Math.max(s.minItems ?? 0, 4)) };
      return s.uniqueItems ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) }) : fc.array(items, constraints);
    }
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      const required = new Set(s.required ?? []);
      const record = fc.record(Object.fromEntries(props.map(([k, v]) => [k, arbitraryOf(v, hints, k)])), { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
      const extra = s.additionalProperties;
      if (!extra || extra === true || props.length) return record as fc.Arbitrary<unknown>;
      const maxKeys = Math.min(s.maxProperties ?? 4, 4);
      return fc.dictionary(anyString(1, 20), arbitraryOf(extra, hints), { minKeys: Math.min(s.minProperties ?? 0, maxKeys), maxKeys });
    }
  }
  return fc.jsonValue({ maxDepth: 2 });
}

export function stringOf(s: Schema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 200;
  const fits = (x: string) => x.length >= min && x.length <= max;
  switch (s.format) {
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'uri':
      return fc.oneof(fc.webUrl(), fc.constantFrom('javascript:window.__xss=1', 'data:text/html,<script>1</script>', 'file:///etc/passwd', 'http://127.0.0.1:1/x')).filter(fits);
  }
  if (s.pattern) {
    let re: RegExp;
    try {
      re = new RegExp(s.pattern, 'u');
    } catch {
      re = new RegExp(s.pattern);
    }
    // Not `.filter(fits)`: a pattern whose matches are mostly shorter than minLength (`^[a-z]+$` with
    // minLength 16) would be drawn for ever. A short match is repeated up to the length when that
    // still matches; otherwise it goes as it is, an input the API must refuse.
    return fc.stringMatching(re).map((x) => (fits(x) ? x : repaired(x, min, max, re) ?? x));
  }
  return anyString(min, max);
}

function repaired(x: string, min: number, max: number, re: RegExp): string | null {
  if (!x.length) return null;
  const y = x.repeat(Math.ceil(min / x.length)).slice(0, max);
  return y.length >= min && re.test(y) ? y : null;
}
