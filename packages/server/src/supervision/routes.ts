import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { change, refuse } from '../admin/change.js';
import { notFound, type FieldError } from '../http/problems.js';
import { supervisionFor } from '../auth/supervision.js';
import { TargetStepsT } from '../config/document.js';
import { json, type QueueSettings } from '../db/schema.js';

// What a team lead changes without an administrator (DESIGN: "change targets, move people
// between groups"): who is in their teams, and their queues' routing targets. Each change is a
// configuration change (config lock, audit event, routing reloaded at once).

const WHO = { roles: ['admin' as const, 'supervisor' as const], scopes: ['admin' as const] };
const TeamMember = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }), userId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
const Steps = Type.Object({ targetSteps: TargetStepsT }, { additionalProperties: false });

/** What the caller oversees; outside it a team or queue is a 404, as for tasks: nobody learns what exists. */
const reach = (s: Services, request: FastifyRequest) => supervisionFor(s, request.principal!);

export async function supervisionRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  const members = async (teamId: string, db: Kysely<DB> = s.db) => (await db.selectFrom('team_members').select('user_id').where('team_id', '=', teamId).orderBy('user_id').execute()).map((m) => m.user_id);

  /** Adds or removes one person; a supervisor only in their own teams, and only people they supervise. */
  const membership = (add: boolean) => async (request: FastifyRequest<{ Params: { id: string; userId: string } }>) => {
    const { id, userId } = request.params;
    const scope = reach(s, request);
    if (!scope.all && !scope.teams.has(id)) throw notFound(`Team ${id}`);
    const done = await change(s, request, 'team', async (trx) => {
      const team = await trx.selectFrom('teams').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
      if (!team) throw notFound(`Team ${id}`);
      const user = await trx.selectFrom('users').select('id').where((eb) => eb.or([eb('id', '=', userId), eb('email', '=', userId.toLowerCase())])).executeTakeFirst();
      if (!user || (!scope.all && !scope.people.has(user.id))) throw notFound(`User ${userId}`);
      const before = await members(id, trx);
      if (add && !before.includes(user.id)) await trx.insertInto('team_members').values({ team_id: id, user_id: user.id }).execute();
      if (!add) await trx.deleteFrom('team_members').where('team_id', '=', id).where('user_id', '=', user.id).execute();
      const after = await members(id, trx);
      const changed = before.includes(user.id) !== after.includes(user.id);
      return { id, before: { ...team, members: before }, after: { ...team, members: after }, extra: changed ? { [add ? 'added' : 'removed']: user.id } : undefined };
    });
    return done.after;
  };

  r.put<{ Params: { id: string; userId: string } }>('/api/v1/teams/:id/members/:userId', {
    config: { auth: WHO },
    schema: { tags: ['supervision'], summary: 'Put a person in a team (supervisors: their own teams, people they supervise)', params: TeamMember },
  }, membership(true));
  r.delete<{ Params: { id: string; userId: string } }>('/api/v1/teams/:id/members/:userId', {
    config: { auth: WHO },
    schema: { tags: ['supervision'], summary: 'Take a person out of a team (supervisors: their own teams)', params: TeamMember },
  }, membership(false));

  r.put('/api/v1/queues/:id/target-steps', {
    config: { auth: WHO },
    schema: {
      tags: ['supervision'],
      summary: "Replace a queue's routing targets (primary, secondary, tertiary...): who may be offered its tasks after how long a wait",
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      body: Steps,
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    const steps = (request.body as { targetSteps: QueueSettings['targetSteps'] }).targetSteps;
    const scope = reach(s, request);
    if (!scope.all && !scope.queues.has(id)) throw notFound(`Queue ${id}`);
    refuse(checkSteps(steps));
    const done = await change(s, request, 'queue', async (trx) => {
      const row = await trx.selectFrom('queues').select(['id', 'name', 'settings']).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`Queue ${id}`);
      const before = row.settings as QueueSettings;
      const after = { ...before, targetSteps: steps };
      await trx.updateTable('queues').set({ settings: json(after) }).where('id', '=', id).execute();
      return { id, before: { id, name: row.name, ...before }, after: { id, name: row.name, ...after } };
    });
    return done.after;
  });
}

/** Steps in order of their wait, the first from the start (else a new task has no target), names unique. */
export function checkSteps(steps: readonly { name: string; afterSeconds: number; minLevel: number }[]): FieldError[] {
  const out: FieldError[] = [];
  if (steps[0] && steps[0].afterSeconds !== 0) out.push({ pointer: '/targetSteps/0/afterSeconds', message: 'the first step starts at 0 s (a new task needs a target)' });
  const names = new Set<string>();
  steps.forEach((st, i) => {
    if (i > 0 && st.afterSeconds <= steps[i - 1]!.afterSeconds) out.push({ pointer: `/targetSteps/${i}/afterSeconds`, message: `starts after step ${i} (${steps[i - 1]!.afterSeconds} s): steps go in order of the wait` });
    if (names.has(st.name)) out.push({ pointer: `/targetSteps/${i}/name`, message: `a second step named "${st.name}"` });
    names.add(st.name);
  });
  return out;
}
