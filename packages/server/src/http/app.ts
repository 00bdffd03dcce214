import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ConfigCache } from '../config/cache.js';
import { Dispatcher } from '../routing/dispatcher.js';
import { StreamHub } from '../stream/hub.js';
import { FreshStatistics } from '../db/statistics.js';
import { binAudience } from '../workbins/visibility.js';
import { caseAudience, caseFactsFrom } from '../cases/audience.js';
import { createMetrics } from '../observability/metrics.js';
import { installAuthGuard, type RegisteredRoute } from '../auth/guard.js';
import { installSecurityHeaders } from '../security/headers.js';
import { installTextGuard } from './text-guard.js';
import { addJsonLengthKeyword } from './schemas.js';
import { clientErrorHandler, installProblemHandlers, notFound, sendProblem } from './problems.js';
import { installOverload, overloadOptionsFromEnv } from '../overload/shed.js';
import type { Services } from '../services.js';
import { authRoutes } from '../auth/routes.js';
import { ssoRoutes } from '../auth/sso/routes.js';
import { SsoClient } from '../auth/sso/client.js';
import { MailIntake } from '../mail-in/intake.js';
import { OverdueWatch } from '../tasks/overdue.js';
import { CallingHours } from '../callback/hours.js';
import { CampaignEnds } from '../campaigns/ends.js';
import { mailInOptionsFromEnv, type MailInOptions } from '../mail-in/options.js';
import { mailInRoutes } from '../mail-in/routes.js';
import { ChatRooms } from '../chat/live.js';
import { WaitEstimates } from '../reports/wait-estimate.js';
import { chatRoutes } from '../chat/routes.js';
import { callbackRoutes } from '../callback/routes.js';
import { ssoOptionsFromEnv, type SsoOptions } from '../auth/sso/options.js';
import { taskRoutes } from '../tasks/routes.js';
import { lifecycleRoutes } from '../tasks/lifecycle-routes.js';
import { workbinRoutes } from '../workbins/routes.js';
import { presenceRoutes } from '../presence/routes.js';
import { meStatsRoutes } from '../presence/stats.js';
import { streamRoutes } from '../stream/routes.js';
import { adminRoutes } from '../admin/routes.js';
import { realtimeRoutes } from '../reports/realtime.js';
import { realtimeCaseRoutes } from '../reports/realtime-cases.js';
import { historicalRoutes } from '../reports/historical.js';
import { kpiRoutes } from '../kpi/routes.js';
import { supervisionRoutes } from '../supervision/routes.js';
import { ReportRollup } from '../reports/rollup.js';
import { QualityPlanner } from '../quality/planner.js';
import { qualityRoutes } from '../quality/routes.js';
import { EngagementModels } from '../engagement/models.js';
import { IdleBotChats } from '../chat/idle.js';
import { ConversationAnalyzer } from '../analytics/analyzer.js';
import { analyticsRoutes } from '../analytics/routes.js';
import { engagementRoutes } from '../engagement/routes.js';
import { workforceRoutes } from '../workforce/routes.js';
import { socialRoutes } from '../social/routes.js';
import { socialRealtimeRoutes } from '../social/realtime.js';
import { campaignRoutes } from '../campaigns/routes.js';
import { AdherenceWatch } from '../workforce/watch.js';
import { opsRoutes } from '../observability/routes.js';
import { webhookRoutes } from '../webhooks/routes.js';
import { WebhookWorker } from '../webhooks/worker.js';
import { notificationRoutes } from '../notifications/routes.js';
import { NotificationWorker } from '../notifications/worker.js';
import { caseModuleRoutes } from '../cases/module.js';
import { portalRoutes } from '../portal/routes.js';
import { ClockService } from '../clocks/service.js';
import { TaskExpiry } from '../tasks/expiry.js';

export interface AppOptions {
  db: Kysely<DB>;
  logger?: FastifyServerOptions['logger'];
  /** Built web app to serve (packages/web/dist); skipped when absent. */
  webDir?: string;
  /** Trust a reverse proxy's X-Forwarded-* headers (see security/proxy.ts); default: no. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** The embedded database (PGlite): it caches no plans, so growing tables need no fresh statistics. */
  embedded?: boolean;
  /** Inbound e-mail; default from the environment (WORKLANE_INBOUND_*). */
  mailIn?: Partial<MailInOptions>;
  /** Single sign-on; default from the environment (WORKLANE_OIDC_*), null: password sign-in only. */
  sso?: SsoOptions | null;
}

export interface App {
  app: FastifyInstance;
  services: Services;
  routes: RegisteredRoute[];
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 10 * 1024 * 1024,
    clientErrorHandler,
    // Reject unknown fields and wrong types instead of silently fixing them; report every error.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: true }, plugins: [addJsonLengthKeyword] },
  });
  const config = new ConfigCache(opts.db);
  await config.reload();
  const hub = new StreamHub(binAudience(config), caseAudience(config, caseFactsFrom(opts.db)), (err) => app.log.warn({ err }, 'case notice not sent: its audience could not be read'));
  const metrics = createMetrics();
  const dispatcher = new Dispatcher(opts.db, config, hub, app.log, metrics);
  const chats = new ChatRooms(hub);
  const ssoOptions = opts.sso === undefined ? ssoOptionsFromEnv() : opts.sso;
  const services: Services = { db: opts.db, sso: ssoOptions ? new SsoClient(ssoOptions) : null, config, dispatcher, hub, metrics, webhooks: new WebhookWorker(opts.db, metrics, app.log), notifications: new NotificationWorker(opts.db, app.log), clocks: new ClockService(opts.db, config, app.log), expiry: new TaskExpiry(opts.db, app.log), overdue: new OverdueWatch(opts.db, app.log), callingHours: new CallingHours(opts.db, config, app.log), campaignEnds: new CampaignEnds(opts.db, app.log), reports: new ReportRollup(opts.db, app.log), mailIn: new MailIntake(opts.db, app.log, { ...mailInOptionsFromEnv(), ...opts.mailIn }), chats, waits: new WaitEstimates(opts.db), quality: new QualityPlanner(opts.db, hub, app.log), engagementModels: new EngagementModels(opts.db, config, app.log), idleChats: new IdleBotChats(opts.db, config, chats, app.log), analyzer: new ConversationAnalyzer(opts.db, config, app.log), adherence: new AdherenceWatch(opts.db, config, hub, app.log) };
  const routes: RegisteredRoute[] = [];
  const statistics = opts.embedded || process.env.WORKLANE_FRESH_STATISTICS === '0' ? undefined : new FreshStatistics(opts.db, app.log);

  const shed = (reason: string) => metrics.requestsShed.inc({ reason });
  installProblemHandlers(app, shed);
  installOverload(app, overloadOptionsFromEnv(), shed); // first onRequest hook: shed load before any work
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Worklane API', version: '1', description: 'Work distribution and case management. Errors are RFC 9457 problem details.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'wl_session' } } },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  installAuthGuard(app, opts.db, routes);
  installSecurityHeaders(app);
  installTextGuard(app);
  // A POST without a body is an empty object: optional bodies validate, required fields are named.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PATCH' || request.method === 'PUT')) request.body = {};
    done();
  });
  // An answer given before the body was read to its end (a multipart part over a limit stops the
  // parser and unpipes the request) leaves the request paused: its keep-alive connection would
  // never read the next request. Node drains only bodies nobody started reading; drain the rest.
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.raw.complete && request.headers.upgrade === undefined) request.raw.resume();
    services.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  for (const mod of [opsRoutes, authRoutes, taskRoutes, lifecycleRoutes, workbinRoutes, presenceRoutes, streamRoutes, adminRoutes, realtimeRoutes, realtimeCaseRoutes, historicalRoutes, kpiRoutes, supervisionRoutes, meStatsRoutes, webhookRoutes, notificationRoutes, caseModuleRoutes, portalRoutes]) await mod(app, services);
  await ssoRoutes(app, services);
  await mailInRoutes(app, services);
  await chatRoutes(app, services);
  await callbackRoutes(app, services);
  await qualityRoutes(app, services);
  await engagementRoutes(app, services);
  await workforceRoutes(app, services);
  await socialRoutes(app, services);
  await socialRealtimeRoutes(app, services);
  await campaignRoutes(app, services);
  await analyticsRoutes(app, services);

  const webDir = opts.webDir;
  const hasWeb = webDir !== undefined && existsSync(`${webDir}/index.html`);
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, wildcard: false, index: 'index.html' });
  app.setNotFoundHandler((request, reply) => {
    // The web app routes on the client: unknown non-API pages get its index.
    if (hasWeb && request.method === 'GET' && !request.url.startsWith('/api/')) return reply.sendFile('index.html');
    return sendProblem(reply, notFound(`${request.method} ${request.url.split('?')[0]}`));
  });

  app.addHook('onClose', async () => {
    hub.closeAll();
    services.chats.closeAll();
    await services.clocks.stop();
    await services.expiry.stop();
    await services.overdue.stop();
    await services.callingHours.stop();
    await services.campaignEnds.stop();
    await dispatcher.stop();
    await services.webhooks.stop();
    await services.notifications.stop();
    await services.reports.stop();
    await services.quality.stop();
    await services.engagementModels.stop();
    await services.idleChats.stop();
    await services.analyzer.stop();
    await services.adherence.stop();
    await services.mailIn.stop();
    await statistics?.stop();
  });
  await app.ready();
  await dispatcher.start();
  await services.clocks.start(services);
  await services.expiry.start(services);
  await services.overdue.start(services);
  await services.callingHours.start(services);
  await services.campaignEnds.start(services);
  services.webhooks.start();
  services.notifications.start();
  services.reports.start();
  services.quality.start();
  services.engagementModels.start();
  services.idleChats.start();
  services.analyzer.start();
  services.adherence.start();
  await services.mailIn.start(services);
  statistics?.start();
  return { app, services, routes };
}
