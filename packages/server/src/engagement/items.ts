import { Type, type Static } from 'typebox';
import { DEVICES, type Device } from '@worklane/core';

// Self-contained (no import from config/): config/document.ts embeds these items in the document.
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'lower-case identifier' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const strict = { additionalProperties: false } as const;
const Words = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50, uniqueItems: true, description });
const Paths = Type.Array(Type.String({ minLength: 1, maxLength: 300, pattern: '^/', description: 'a path on the website; * stands for any characters' }), { maxItems: 50, uniqueItems: true });
const Events = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50, uniqueItems: true, description: "names the website sends with worklane('event', name)" });

/** Visitors alike in who they are and what they did (core `Segment`): every condition given holds. */
export const SegmentItem = Type.Object(
  {
    id: Id,
    name: Name,
    devices: Type.Optional(Type.Array(Type.Unsafe<Device>({ type: 'string', enum: [...DEVICES] }), { uniqueItems: true })),
    returning: Type.Optional(Type.Boolean({ description: 'true: came before; false: first visit' })),
    identified: Type.Optional(Type.Boolean({ description: 'told who they are' })),
    campaigns: Type.Optional(Words('utm_campaign of the landing page')),
    referrers: Type.Optional(Words('parts of the referring host')),
    pages: Type.Optional(Paths),
    searches: Type.Optional(Words('words or phrases searched on the website')),
    events: Type.Optional(Events),
    minPages: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  strict,
);
export type SegmentItem = Static<typeof SegmentItem>;

/** A goal of the website, reached on one of its pages or events (core `Outcome`). */
export const OutcomeItem = Type.Object({ id: Id, name: Name, pages: Type.Optional(Paths), events: Type.Optional(Events) }, strict);
export type OutcomeItem = Static<typeof OutcomeItem>;

const Percent = Type.Number({ minimum: 0, maximum: 100 });

/** When to engage a visitor and how (core `ActionMap`). */
export const ActionMapItem = Type.Object(
  {
    id: Id,
    name: Name,
    enabled: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, description: 'maps are tried in this order (lowest first)' })),
    segments: Type.Optional(Type.Array(Id, { uniqueItems: true, maxItems: 50, description: 'the visitor is in one of these (none: anyone)' })),
    trigger: Type.Object(
      {
        pages: Type.Optional(Paths),
        secondsOnPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
        pagesAtLeast: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        searches: Type.Optional(Words('searched one of these')),
        events: Type.Optional(Events),
        outcome: Type.Optional(Type.Object({ id: Id, below: Type.Optional(Percent), atLeast: Type.Optional(Percent) }, strict)),
      },
      strict,
    ),
    action: Type.Union([
      Type.Object({ kind: Type.Literal('chat'), topic: Id, message: Type.String({ minLength: 1, maxLength: 500 }) }, strict),
      Type.Object({ kind: Type.Literal('content'), title: Type.String({ minLength: 1, maxLength: 200 }), body: Type.String({ minLength: 1, maxLength: 2000 }), url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, pattern: '^(https?://|/)' })) }, strict),
    ]),
    maxWaitSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400, description: "a chat is offered only while its topic's usual wait is at most this" })),
  },
  strict,
);
export type ActionMapItem = Static<typeof ActionMapItem>;
