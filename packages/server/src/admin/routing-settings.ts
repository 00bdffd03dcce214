import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { RoutingSettingsT } from '../config/document.js';
import { checkRouting } from '../config/checks.js';
import { readRouting } from '../config/routing.js';
import { ROUTING_KEY, writeRouting } from '../config/write.js';
import { ADMIN, CONFIG_READ } from './auth.js';
import { change, refuse } from './change.js';

/** Global routing settings (blending: which media block which while an agent holds them). */
export async function routingSettingsRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/v1/routing-settings', { config: { auth: CONFIG_READ }, schema: { tags: ['config'], summary: 'Global routing settings' } }, async () => readRouting(s.db));
  r.put('/api/v1/routing-settings', {
    config: { auth: ADMIN },
    schema: { tags: ['config'], summary: 'Replace the global routing settings', body: RoutingSettingsT },
  }, async (request) => {
    const done = await change(s, request, 'routing-settings', async (trx) => {
      refuse(checkRouting(request.body));
      const before = await readRouting(trx);
      await writeRouting(trx, request.body);
      return { id: ROUTING_KEY, before, after: await readRouting(trx) };
    });
    return done.after;
  });
}
