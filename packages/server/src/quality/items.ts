import { Type, type Static } from 'typebox';
import { MEDIA_TYPES, QUESTION_KINDS, type MediaType, type QuestionKind } from '@worklane/core';

// Self-contained (no import from config/): config/document.ts embeds these items in the document.
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'lower-case identifier' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const strict = { additionalProperties: false } as const;
const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
const Percent = Type.Number({ minimum: 0, maximum: 100 });
const Weight = Type.Number({ minimum: 0, maximum: 100, description: 'default 1' });

const QuestionT = Type.Object(
  {
    id: Id,
    text: Type.String({ minLength: 1, maxLength: 500 }),
    kind: oneOf<QuestionKind>(QUESTION_KINDS),
    answers: Type.Optional(Type.Array(Type.Object({ label: Type.String({ minLength: 1, maxLength: 100 }), points: Type.Number({ minimum: 0, maximum: 100 }) }, strict), { maxItems: 10, description: 'a choice only: what the evaluator picks from' })),
    weight: Type.Optional(Weight),
    allowNA: Type.Optional(Type.Boolean()),
    critical: Type.Optional(Type.Boolean({ description: 'its lowest answer fails the scorecard' })),
    help: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  strict,
);

/** A scorecard form (core `Questionnaire`). */
export const QuestionnaireItem = Type.Object(
  {
    id: Id,
    name: Name,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    passPercent: Type.Optional(Percent),
    excellentPercent: Type.Optional(Percent),
    published: Type.Optional(Type.Boolean({ description: 'only published questionnaires are assigned (default true)' })),
    groups: Type.Array(
      Type.Object({ id: Id, name: Name, weight: Type.Optional(Weight), questions: Type.Array(QuestionT, { minItems: 1, maxItems: 100 }) }, strict),
      { minItems: 1, maxItems: 30 },
    ),
  },
  strict,
);
export type QuestionnaireItem = Static<typeof QuestionnaireItem>;

/** Which finished work is sampled for evaluation, and who scores it (core `EvaluationPlan`). */
export const EvaluationPlanItem = Type.Object(
  {
    id: Id,
    name: Name,
    questionnaire: Id,
    evaluators: Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { minItems: 1, maxItems: 200, uniqueItems: true, description: 'users (e-mail in files; id or e-mail in the API)' }),
    percent: Type.Number({ minimum: 0, maximum: 100, description: 'share of the covered work sampled' }),
    queues: Type.Optional(Type.Array(Id, { uniqueItems: true, maxItems: 200 })),
    worktypes: Type.Optional(Type.Array(Id, { uniqueItems: true, maxItems: 200 })),
    mediaTypes: Type.Optional(Type.Array(oneOf<MediaType>(MEDIA_TYPES), { uniqueItems: true })),
    agents: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { uniqueItems: true, maxItems: 1000, description: 'whose work: these people (e-mail in files; id or e-mail in the API)' })),
    teams: Type.Optional(Type.Array(Id, { uniqueItems: true, maxItems: 200, description: "whose work: these teams' members" })),
    ratedAtMost: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'sample chats rated this low or lower by their visitors (when the rating comes), not completions' })),
    flagged: Type.Optional(Type.Boolean({ description: "sample conversations the analytics flagged (a compliance rule broken), when flagged, not completions" })),
    perAgentPerWeek: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    acknowledge: Type.Optional(Type.Boolean({ description: 'the agent must acknowledge the finished scorecard' })),
    enabled: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, description: 'plans are tried in this order (lowest first)' })),
  },
  strict,
);
export type EvaluationPlanItem = Static<typeof EvaluationPlanItem>;
