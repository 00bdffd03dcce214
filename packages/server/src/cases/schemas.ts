import { Type } from 'typebox';
import { CASE_STATUSES } from '@worklane/core';
import { ClockPolicyT } from './settings.js';
import { FreeForm } from '../http/schemas.js';

const strict = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 200 });
const Opt = (maxLength: number) => Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength }));

/** The default customer profile; custom fields in `custom`. */
export const CustomerProfile = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  firstName: Opt(200),
  email: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'email', maxLength: 320 })),
  phone: Opt(50),
  segment: Opt(100),
  externalId: Opt(200),
  addresses: Type.Optional(Type.Array(FreeForm(20, 4 * 1024, { nameLength: 50 }), { maxItems: 20 })),
  notes: Opt(20_000),
  custom: Type.Optional(FreeForm(50, 64 * 1024)),
};

/** `{ id }` links a known customer; a profile (with an e-mail) links or creates one. */
export const CustomerRefT = Type.Object({ id: Type.Optional(Id), ...CustomerProfile }, { ...strict, description: '{ id } of a known customer, or a profile: linked by e-mail, else created' });

export const Fields = FreeForm(200, 256 * 1024, { description: 'form values by field name: up to 200 and 256 KiB of JSON' });

export const CreateCaseBody = Type.Object({ caseType: Id, fields: Fields, customer: Type.Optional(CustomerRefT) }, strict);

const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
export const StatusT = oneOf(CASE_STATUSES);

export const PatchCaseBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    description: Opt(20_000),
    fields: Type.Optional(Fields),
    status: Type.Optional(StatusT),
    customerId: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], minLength: 1, maxLength: 200 })),
    sla: Type.Optional(Type.Union([ClockPolicyT, Type.Null()])),
    ola: Type.Optional(Type.Union([ClockPolicyT, Type.Null()])),
  },
  { ...strict, minProperties: 1 },
);

export const ListCasesQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 200, description: 'one status or several, comma-separated' })),
    caseType: Type.Optional(Type.String({ maxLength: 200 })),
    customerId: Type.Optional(Type.String({ maxLength: 200 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'number, title, description, customer name or e-mail' })),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  strict,
);

export const Reason = Type.String({ minLength: 1, maxLength: 1000 });
