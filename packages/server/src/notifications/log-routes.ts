import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import type { Principal, RouteAuth } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { appendEvents } from '../events/append.js';
import { IdParams } from '../http/schemas.js';
import { badRequest, conflict, notFound } from '../http/problems.js';
import { viewerOf, visibleTo } from '../cases/visibility.js';
import { decodeCursor, encodeCursor } from '../webhooks/dto.js';
import { notificationDto, type NotificationRow } from './dto.js';

const CASE_LOG = { roles: ['admin', 'supervisor', 'analyst', 'agent'], scopes: ['admin', 'cases:read'] } satisfies RouteAuth;
const OPERATE = { roles: ['admin', 'supervisor'], scopes: ['admin', 'cases:write'] } satisfies RouteAuth;
const tags = ['notifications'];

const State = Type.Unsafe<'pending' | 'sent' | 'failed' | 'dead'>({ type: 'string', enum: ['pending', 'sent', 'failed', 'dead'] });
const Page = { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })), cursor: Type.Optional(Type.String({ maxLength: 100 })) };
const NumericId = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) });

/** A case's log is for those who may see the case (the cases module's rule); 404 otherwise, as for the case itself. */
async function assertVisible(s: Services, p: Principal, caseId: string): Promise<void> {
  const row = await s.db.selectFrom('cases').select('id').where('id', '=', caseId).where(visibleTo(viewerOf(s, p))).executeTakeFirst();
  if (!row) throw notFound(`Case ${caseId}`);
}

async function withAttempts(db: Kysely<DB>, rows: NotificationRow[]) {
  const attempts = rows.length ? await db.selectFrom('notification_attempts').selectAll().where('notification_id', 'in', rows.map((n) => n.id)).orderBy('id').execute() : [];
  return rows.map((n) => notificationDto(n, attempts.filter((a) => Number(a.notification_id) === Number(n.id))));
}

/** Notifications with their case's number (lists across cases show it), newest first. */
const listQuery = (db: Kysely<DB>) =>
  db.selectFrom('notifications as n').leftJoin('cases', 'cases.id', 'n.case_id').selectAll('n').select('cases.number as case_number').orderBy('n.id', 'desc');
const pageSize = (limit: string | undefined) => Math.min(Math.max(Number(limit ?? 50), 1), 200);

export async function logRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/cases/:id/notifications', {
    config: { auth: CASE_LOG },
    schema: { tags, summary: "A case's notifications, newest first, each with its attempts", params: IdParams, querystring: Type.Object(Page, { additionalProperties: false }) },
  }, async (request) => {
    await assertVisible(s, request.principal!, request.params.id);
    const limit = pageSize(request.query.limit);
    const cursor = decodeCursor(request.query.cursor, (k) => /^[0-9]{1,15}$/.test(k));
    let q = listQuery(s.db).where('n.case_id', '=', request.params.id).limit(limit + 1);
    if (cursor) q = q.where('n.id', '<', Number(cursor));
    const rows = await q.execute();
    const items = await withAttempts(s.db, rows.slice(0, limit));
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null };
  });

  r.get('/api/v1/notifications', {
    config: { auth: OPERATE },
    schema: {
      tags,
      summary: 'All notifications (e.g. ?state=dead), newest first',
      querystring: Type.Object({ ...Page, state: Type.Optional(State), channel: Type.Optional(Type.String({ maxLength: 10 })) }, { additionalProperties: false }),
    },
  }, async (request) => {
    const limit = pageSize(request.query.limit);
    const cursor = decodeCursor(request.query.cursor, (k) => /^[0-9]{1,15}$/.test(k));
    let q = listQuery(s.db).limit(limit + 1);
    // Supervisors: the notifications of the cases they may see (their teams'), as for each case's log.
    const viewer = viewerOf(s, request.principal!);
    if (viewer.kind !== 'all') q = q.where('n.case_id', 'in', (eb) => eb.selectFrom('cases').select('cases.id').where(visibleTo(viewer)));
    if (request.query.state) q = q.where('n.state', '=', request.query.state);
    if (request.query.channel) {
      const ch = request.query.channel;
      if (ch !== 'email' && ch !== 'sms' && ch !== 'push' && ch !== 'social') throw badRequest('channel must be email, sms, push or social', [{ pointer: '/channel', message: 'email, sms, push or social', in: 'querystring' }]);
      q = q.where('n.channel', '=', ch);
    }
    if (cursor) q = q.where('n.id', '<', Number(cursor));
    const rows = await q.execute();
    const items = await withAttempts(s.db, rows.slice(0, limit));
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null };
  });

  r.post('/api/v1/notifications/:id/retry', {
    config: { auth: OPERATE },
    schema: { tags, summary: 'Send a failed or dead-lettered notification again now (with a fresh retry window)', params: NumericId },
  }, async (request) => {
    const id = Number(request.params.id);
    // Supervisors retry only what they may see (their teams' cases); others' are 404 as if absent.
    if (viewerOf(s, request.principal!).kind !== 'all') {
      const of = await s.db.selectFrom('notifications').select('case_id').where('id', '=', id).executeTakeFirst();
      const seen = of?.case_id ? await assertVisible(s, request.principal!, of.case_id).then(() => true, () => false) : false;
      if (!seen) throw notFound(`Notification ${id}`);
    }
    await s.db.transaction().execute(async (trx) => {
      const n = await trx.selectFrom('notifications').select(['id', 'state', 'case_id', 'body']).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!n) throw notFound(`Notification ${id}`);
      if (n.state === 'sent') throw conflict('This notification was sent; nothing to retry', { state: n.state });
      // Dead because it could not be addressed or rendered: sending it again would fail the same way.
      if (n.body === '' && n.state === 'dead') throw conflict('This notification has no message (no address, or its template failed on the case); fix that and the next event sends a new one', { state: n.state });
      const now = new Date();
      await trx.updateTable('notifications').set({ state: 'pending', next_attempt_at: now, window_start: now, attempts: 0 }).where('id', '=', id).execute();
      await appendEvents(trx, [{ type: 'notification.retried', actor: actorOf(request.principal), data: { id: String(id), caseId: n.case_id, from: n.state } }]);
    });
    s.notifications.changed();
    const rows = await listQuery(s.db).where('n.id', '=', id).execute();
    return (await withAttempts(s.db, rows))[0];
  });
}
