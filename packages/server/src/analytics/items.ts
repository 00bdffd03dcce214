import { Type, type Static } from 'typebox';
import { CATEGORY_KINDS, MEDIA_TYPES, type CategoryKind, type MediaType } from '@worklane/core';

// Self-contained (no import from config/): config/document.ts embeds these items in the document.
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'lower-case identifier' });
const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** A category of phrases conversations are read for (core `TextCategory`). */
export const TextCategoryItem = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: oneOf<CategoryKind>(CATEGORY_KINDS),
    phrases: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 200, uniqueItems: true, description: 'words or phrases; any one is a hit' }),
    speaker: Type.Optional(Type.Union([Type.Literal('customer'), Type.Literal('agent'), Type.Literal('any')], { description: 'whose lines (default: topics either, compliance the agent)' })),
    withinFirst: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: "required: within the agent's first lines" })),
    mediaTypes: Type.Optional(Type.Array(oneOf<MediaType>(MEDIA_TYPES), { uniqueItems: true })),
    queues: Type.Optional(Type.Array(Id, { uniqueItems: true, maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type TextCategoryItem = Static<typeof TextCategoryItem>;
