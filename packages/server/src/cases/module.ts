import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { registerCollection } from '../admin/crud.js';
import { enableMultipart } from '../attachments/multipart.js';
import { attachmentRoutes } from '../attachments/routes.js';
import { customerRoutes } from '../customers/routes.js';
import { caseTypes } from './case-types.js';
import { caseRoutes } from './routes.js';
import { publicFormRoutes } from './public-routes.js';

/** Case management: case types (configuration), cases, the public form, customers, attachments. */
export async function caseModuleRoutes(app: FastifyInstance, s: Services): Promise<void> {
  await enableMultipart(app);
  registerCollection(app, s, caseTypes);
  await caseRoutes(app, s);
  await publicFormRoutes(app, s);
  await customerRoutes(app, s);
  await attachmentRoutes(app, s);
}
