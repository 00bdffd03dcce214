import { Type } from 'typebox';

// Shared request/response pieces; every route's schema also documents it in /api/openapi.json.
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String(), in: Type.Optional(Type.String()) }))),
  },
  { $id: 'Problem', additionalProperties: true },
);
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
export const Any = Type.Unknown();
export const ListOf = (item = Any) => Type.Object({ items: Type.Array(item), nextCursor: Type.Optional(Type.Union([Type.String(), Type.Null()])) });
export const Empty = Type.Object({}, { additionalProperties: false });
