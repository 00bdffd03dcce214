import { Type, type Static } from 'typebox';
import { MEDIA_TYPES, type MediaType } from '@worklane/core';
import { ROLES, SCOPES, type Role, type Scope } from '../auth/principal.js';

// The whole administrator configuration as one document: exported, diffed, kept in git, imported.
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}$', description: 'lower-case identifier' });
const Code = Type.Object({ code: Id, label: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
const SkillReq = Type.Object({ skill: Id, minLevel: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, { additionalProperties: false });
const Media = Type.Unsafe<MediaType>({ type: 'string', enum: [...MEDIA_TYPES] });
const RoleT = Type.Unsafe<Role>({ type: 'string', enum: [...ROLES] });
const ScopeT = Type.Unsafe<Scope>({ type: 'string', enum: [...SCOPES] });

export const ConfigDocument = Type.Object(
  {
    version: Type.Literal(1),
    skills: Type.Optional(Type.Array(Type.Object({ id: Id, name: Type.String({ minLength: 1 }) }, { additionalProperties: false }))),
    teams: Type.Optional(Type.Array(Type.Object({ id: Id, name: Type.String({ minLength: 1 }) }, { additionalProperties: false }))),
    presenceReasons: Type.Optional(Type.Array(Code)),
    wrapUpCodes: Type.Optional(Type.Array(Code)),
    users: Type.Optional(
      Type.Array(
        Type.Object(
          {
            email: Type.String({ format: 'email' }),
            name: Type.String({ minLength: 1 }),
            roles: Type.Array(RoleT, { minItems: 1 }),
            password: Type.Optional(Type.String({ minLength: 6 })),
            skills: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: 100 }))),
            teams: Type.Optional(Type.Array(Id)),
            capacity: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: 100 }))),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    queues: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Id,
            name: Type.String({ minLength: 1 }),
            members: Type.Optional(
              Type.Object({ users: Type.Optional(Type.Array(Type.String())), teams: Type.Optional(Type.Array(Id)) }, { additionalProperties: false }),
            ),
            targetSteps: Type.Optional(
              Type.Array(
                Type.Object(
                  { name: Type.String({ minLength: 1 }), afterSeconds: Type.Integer({ minimum: 0 }), minLevel: Type.Integer({ minimum: 0, maximum: 100 }) },
                  { additionalProperties: false },
                ),
                { minItems: 1, maxItems: 10 },
              ),
            ),
            offerTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600 })),
            autoAnswer: Type.Optional(Type.Boolean()),
            distribution: Type.Optional(Type.Union([Type.Literal('push'), Type.Literal('pull'), Type.Literal('both')])),
            agentChoice: Type.Optional(Type.Array(Type.Union([Type.Literal('proficiency'), Type.Literal('idle'), Type.Literal('load')]))),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    worktypes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Id,
            name: Type.String({ minLength: 1 }),
            mediaType: Type.Optional(Media),
            defaultQueue: Id,
            priority: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
            wrapUpCodes: Type.Optional(Type.Array(Id)),
            requireWrapUp: Type.Optional(Type.Boolean()),
            urlTemplate: Type.Optional(Type.String()),
            attributeSchema: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            skills: Type.Optional(Type.Array(SkillReq)),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    rules: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Id,
            name: Type.String({ minLength: 1 }),
            when: Type.String({ minLength: 1, maxLength: 4000 }),
            set: Type.Object(
              {
                queue: Type.Optional(Id),
                priority: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
                skills: Type.Optional(Type.Array(SkillReq)),
                language: Type.Optional(Type.String()),
                dueInMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
              },
              { additionalProperties: false },
            ),
            position: Type.Optional(Type.Integer()),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    apiKeys: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            scopes: Type.Array(ScopeT, { minItems: 1 }),
            key: Type.Optional(Type.String({ minLength: 20, description: 'only for demo/bootstrap files; never exported' })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type ConfigDocument = Static<typeof ConfigDocument>;
