import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { logRoutes } from './log-routes.js';
import { ruleRoutes } from './rule-routes.js';
import { templateRoutes } from './template-routes.js';

/** Notification templates, the per-case-type rules, the delivery log and manual retries. */
export async function notificationRoutes(app: FastifyInstance, s: Services): Promise<void> {
  // A committed write may have appended case events the trigger turned into jobs: let the worker look.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) s.notifications.kick();
    done();
  });
  await templateRoutes(app, s);
  await ruleRoutes(app, s);
  await logRoutes(app, s);
}
