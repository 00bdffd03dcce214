import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { actorOf } from '../auth/principal.js';
import { appendEvents } from '../events/append.js';
import { conflict, notFound } from '../http/problems.js';
import { IdParams } from '../http/schemas.js';
import { checkSubscription, decodeCursor, deliveryDto, encodeCursor, subscriptionDto } from './dto.js';
import { newSecret } from './signing.js';

const ADMIN = { roles: ['admin' as const], scopes: ['admin' as const] };
const tags = ['webhooks'];

const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'http:// or https:// endpoint that receives the POSTs' });
const Events = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
  description: 'Event types (e.g. task.created, task.completed), or "*" for every task, case and SLA event',
});
const Enabled = Type.Boolean({ description: 'Disabled subscriptions get no new deliveries; pending ones wait' });
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);
const CreateBody = Type.Object(
  { url: Url, events: Events, enabled: Type.Optional(Enabled), description: Type.Optional(Description) },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  { url: Type.Optional(Url), events: Type.Optional(Events), enabled: Type.Optional(Enabled), description: Type.Optional(Description) },
  { additionalProperties: false, minProperties: 1 },
);
const Page = {
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};
const DeliveryParams = Type.Object({ id: IdParams.properties.id, deliveryId: Type.String({ pattern: '^[0-9]{1,15}$' }) });

const pageSize = (limit: string | undefined) => Math.min(Math.max(Number(limit ?? 50), 1), 200);

export async function webhookRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  // A committed write may have enqueued deliveries (the trigger on events): let the worker look.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) s.webhooks.kick();
    done();
  });

  const load = async (id: string) => {
    const sub = await s.db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!sub) throw notFound(`Webhook ${id}`);
    return sub;
  };

  r.get('/api/v1/webhooks', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Webhook subscriptions (without secrets)', querystring: Type.Object(Page, { additionalProperties: false }) },
  }, async (request) => {
    const limit = pageSize(request.query.limit);
    const cursor = decodeCursor(request.query.cursor, (k) => /^[^|]+\|.+$/.test(k) && !Number.isNaN(Date.parse(k.split('|')[0]!)));
    let q = s.db.selectFrom('webhook_subscriptions').selectAll().orderBy('created_at').orderBy('id').limit(limit + 1);
    if (cursor) {
      const [at, id] = [new Date(cursor.slice(0, cursor.indexOf('|'))), cursor.slice(cursor.indexOf('|') + 1)];
      q = q.where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', id)])]));
    }
    const rows = await q.execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((x) => subscriptionDto(x)), nextCursor: rows.length > limit && last ? encodeCursor(`${last.created_at.toISOString()}|${last.id}`) : null };
  });

  r.post('/api/v1/webhooks', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Subscribe a URL to events; the answer carries the signing secret', body: CreateBody },
  }, async (request, reply) => {
    const b = request.body;
    checkSubscription(b);
    const id = randomUUID();
    const sub = await s.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('webhook_subscriptions')
        .values({ id, url: b.url, events: b.events, enabled: b.enabled ?? true, description: b.description ?? null, secret: newSecret(), updated_at: new Date() })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvents(trx, [{ type: 'webhook.created', actor: actorOf(request.principal), data: { id, url: row.url, events: row.events, enabled: row.enabled } }]);
      return row;
    });
    s.webhooks.subscriptionsChanged();
    return reply.code(201).send(subscriptionDto(sub, true));
  });

  r.get('/api/v1/webhooks/:id', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'One subscription, with its signing secret', params: IdParams },
  }, async (request) => subscriptionDto(await load(request.params.id), true));

  r.patch('/api/v1/webhooks/:id', {
    config: { auth: ADMIN },
    schema: { tags, params: IdParams, body: PatchBody },
  }, async (request) => {
    const b = request.body;
    checkSubscription(b);
    const sub = await s.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('webhook_subscriptions')
        .set({ ...b, updated_at: new Date() })
        .where('id', '=', request.params.id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound(`Webhook ${request.params.id}`);
      await appendEvents(trx, [{ type: 'webhook.updated', actor: actorOf(request.principal), data: { id: row.id, changes: b } }]);
      return row;
    });
    s.webhooks.subscriptionsChanged();
    return subscriptionDto(sub);
  });

  r.delete('/api/v1/webhooks/:id', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Remove a subscription and its delivery log', params: IdParams },
  }, async (request, reply) => {
    await s.db.transaction().execute(async (trx) => {
      const row = await trx.deleteFrom('webhook_subscriptions').where('id', '=', request.params.id).returning(['id', 'url']).executeTakeFirst();
      if (!row) throw notFound(`Webhook ${request.params.id}`);
      await appendEvents(trx, [{ type: 'webhook.deleted', actor: actorOf(request.principal), data: { id: row.id, url: row.url } }]);
    });
    s.webhooks.subscriptionsChanged();
    return reply.code(204).send();
  });

  r.post('/api/v1/webhooks/:id/rotate-secret', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Replace the signing secret; later attempts are signed with the new one', params: IdParams },
  }, async (request) => {
    const sub = await s.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('webhook_subscriptions')
        .set({ secret: newSecret(), updated_at: new Date() })
        .where('id', '=', request.params.id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound(`Webhook ${request.params.id}`);
      await appendEvents(trx, [{ type: 'webhook.secret-rotated', actor: actorOf(request.principal), data: { id: row.id } }]);
      return row;
    });
    return subscriptionDto(sub, true);
  });

  r.get('/api/v1/webhooks/:id/deliveries', {
    config: { auth: ADMIN },
    schema: {
      tags,
      summary: 'Delivery log, newest first, each with its attempts',
      params: IdParams,
      querystring: Type.Object(
        { ...Page, state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')])) },
        { additionalProperties: false },
      ),
    },
  }, async (request) => {
    await load(request.params.id);
    const limit = pageSize(request.query.limit);
    const cursor = decodeCursor(request.query.cursor, (k) => /^[0-9]{1,15}$/.test(k));
    let q = s.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', request.params.id).orderBy('id', 'desc').limit(limit + 1);
    if (request.query.state) q = q.where('state', '=', request.query.state);
    if (cursor) q = q.where('id', '<', Number(cursor));
    const rows = await q.execute();
    const page = rows.slice(0, limit);
    const attempts = page.length
      ? await s.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', page.map((d) => d.id)).orderBy('id').execute()
      : [];
    const last = page[page.length - 1];
    return {
      items: page.map((d) => deliveryDto(d, attempts.filter((a) => a.delivery_id === d.id))),
      nextCursor: rows.length > limit && last ? encodeCursor(String(last.id)) : null,
    };
  });

  r.post('/api/v1/webhooks/:id/deliveries/:deliveryId/retry', {
    config: { auth: ADMIN },
    schema: { tags, summary: 'Send a failed or dead-lettered delivery again now (a dead one gets a fresh retry window)', params: DeliveryParams },
  }, async (request) => {
    const { id, deliveryId } = request.params;
    const requeued = await s.db.transaction().execute(async (trx) => {
      const d = await trx.selectFrom('webhook_deliveries').select(['id', 'state']).where('id', '=', Number(deliveryId)).where('subscription_id', '=', id).forUpdate().executeTakeFirst();
      if (!d) throw notFound(`Delivery ${deliveryId} of webhook ${id}`);
      if (d.state === 'delivered') throw conflict('This delivery was delivered; nothing to retry', { state: d.state });
      const now = new Date();
      const row = await trx
        .updateTable('webhook_deliveries')
        .set({ state: 'pending', next_attempt_at: now, ...(d.state === 'dead' ? { window_start: now } : {}) })
        .where('id', '=', d.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvents(trx, [{ type: 'webhook.delivery-retried', actor: actorOf(request.principal), data: { id, deliveryId, from: d.state } }]);
      return row;
    });
    s.webhooks.subscriptionsChanged();
    const attempts = await s.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', requeued.id).orderBy('id').execute();
    return deliveryDto(requeued, attempts);
  });
}
