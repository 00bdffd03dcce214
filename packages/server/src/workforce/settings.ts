import { Type, type Static } from 'typebox';
import type { Kysely, Transaction } from 'kysely';
import type { Contract, ShiftTemplate } from '@worklane/core';
import { json, type DB } from '../db/schema.js';
import type { FieldError } from '../http/problems.js';

// The planning settings are one list-like document (the `settings` row 'workforce'), replaced as a
// whole: goals per queue, the shrinkage to plan for, the shifts people may be given, their contracts.
export const WORKFORCE_KEY = 'workforce';

const strict = { additionalProperties: false } as const;
export const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: "local time 'HH:mm'" });
const Days = Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true, description: 'ISO weekdays, 1 = Monday' });
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' });

export const QueueGoal = Type.Object(
  {
    queue: Type.String({ minLength: 1, maxLength: 200 }),
    serviceLevel: Type.Optional(Share('share answered within the queue\'s service-level seconds')),
    maxOccupancy: Type.Optional(Type.Number({ minimum: 0.3, maximum: 1 })),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'contacts a person handles at once (chats)' })),
    plan: Type.Optional(Type.Boolean({ description: 'false: left out of the plan' })),
  },
  strict,
);

export const Shift = Type.Object({ id: Id, name: Type.String({ minLength: 1, maxLength: 100 }), start: Time, hours: Type.Number({ minimum: 1, maximum: 12, multipleOf: 0.5 }), days: Type.Optional(Days) }, strict);

export const ContractItem = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 320, description: 'user id or e-mail' }),
    hoursPerWeek: Type.Number({ minimum: 0, maximum: 60 }),
    days: Type.Optional(Days),
    earliest: Type.Optional(Time),
    latest: Type.Optional(Time),
    preferredStart: Type.Optional(Time),
    preferredDaysOff: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, uniqueItems: true })),
    seniority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'shift bidding: lower bids first; without one, after those with one, in contract order' })),
  },
  strict,
);

export const WorkforceSettingsBody = Type.Object(
  {
    weeks: Type.Integer({ minimum: 1, maximum: 12, description: 'past weeks the forecast learns from' }),
    shrinkage: Type.Number({ minimum: 0, maximum: 0.9, description: 'share of paid time away from the queues (breaks, training, absence)' }),
    serviceLevel: Share('default goal: share answered within the queue\'s service-level seconds'),
    maxOccupancy: Type.Number({ minimum: 0.3, maximum: 1, description: 'default: people at most this busy' }),
    pool: Type.Optional(Type.Boolean({ description: 'true (default): the same people serve all queues, planned as one pool; false: each queue planned alone and summed' })),
    queues: Type.Array(QueueGoal, { maxItems: 500 }),
    shifts: Type.Array(Shift, { maxItems: 50 }),
    contracts: Type.Array(ContractItem, { maxItems: 1000, description: 'at most 1,000 people: a draft of 1,000 takes about 2.3 s of one core' }),
  },
  strict,
);
export type WorkforceSettings = Static<typeof WorkforceSettingsBody> & { shifts: ShiftTemplate[]; contracts: Contract[] };

export const DEFAULT_SETTINGS: WorkforceSettings = { weeks: 4, shrinkage: 0.3, serviceLevel: 0.8, maxOccupancy: 0.85, queues: [], shifts: [], contracts: [] };

export async function readWorkforceSettings(db: Kysely<DB>): Promise<WorkforceSettings> {
  return (await storedWorkforceSettings(db)) ?? { ...DEFAULT_SETTINGS };
}

export async function writeWorkforceSettings(trx: Transaction<DB>, s: WorkforceSettings): Promise<void> {
  const value = json(s);
  await trx.insertInto('settings').values({ key: WORKFORCE_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

const later = (a: string, b: string) => a.localeCompare(b) > 0;

/** What the settings may refer to: queues, and people by e-mail (files) or id (the API). */
export interface WorkforceKnown {
  queues: ReadonlySet<string>;
  hasUser(ref: string): boolean;
  userId?(ref: string): string | undefined;
}

/** References and consistency, every problem with its pointer under `at`. */
export function checkWorkforceSettings(s: WorkforceSettings, known: WorkforceKnown, at = ''): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  s.queues.forEach((q, i) => {
    if (!known.queues.has(q.queue)) out.push({ pointer: `${at}/queues/${i}/queue`, message: `unknown queue "${q.queue}"` });
    if (seen.has(q.queue)) out.push({ pointer: `${at}/queues/${i}/queue`, message: `queue "${q.queue}" twice` });
    seen.add(q.queue);
  });
  const ids = new Set<string>();
  s.shifts.forEach((t, i) => {
    if (ids.has(t.id)) out.push({ pointer: `${at}/shifts/${i}/id`, message: `shift "${t.id}" twice` });
    ids.add(t.id);
  });
  const users = new Set<string>();
  s.contracts.forEach((c, i) => {
    if (!known.hasUser(c.user)) return out.push({ pointer: `${at}/contracts/${i}/user`, message: `unknown user "${c.user}"` });
    const who = known.userId?.(c.user) ?? c.user.toLowerCase();
    if (users.has(who)) out.push({ pointer: `${at}/contracts/${i}/user`, message: `a second contract for "${c.user}"` });
    users.add(who);
    if (c.earliest && c.latest && !later(c.latest, c.earliest)) out.push({ pointer: `${at}/contracts/${i}/latest`, message: 'must be after earliest' });
  });
  return out;
}

/** The same settings with each contract's person as `to` names them (ids to store, e-mails to export). */
export function mapContractUsers(s: WorkforceSettings, to: (ref: string) => string | undefined): WorkforceSettings {
  return { ...s, contracts: s.contracts.map((c) => ({ ...c, user: to(c.user) ?? c.user })) };
}

/** The stored settings, or null when none were ever set (an export leaves the section out). */
export async function storedWorkforceSettings(db: Kysely<DB>): Promise<WorkforceSettings | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', WORKFORCE_KEY).executeTakeFirst();
  return row ? { ...DEFAULT_SETTINGS, ...(row.value as Partial<WorkforceSettings>) } : null;
}
