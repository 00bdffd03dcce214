import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Kysely } from 'kysely';
import type { DB } from './db/schema.js';
import { migrateToLatest } from './db/migrations.js';
import { openStore, storeOptionsFromEnv, type Store } from './db/open.js';
import { seedDemoHistory } from './demo/history.js';
import { seedDemoWorkforce } from './demo/workforce.js';
import { seedDemoSocial } from './demo/social.js';
import { seedDemoCampaigns } from './demo/campaigns.js';
import { importConfig } from './config/import.js';
import { buildApp, type App } from './http/app.js';
import { trustProxyFrom } from './security/proxy.js';

const here = dirname(fileURLToPath(import.meta.url));
export const DEMO_CONFIG_FILE = resolve(here, '../demo/worklane-demo.yaml');
export const WEB_DIST = resolve(here, '../../web/dist');

/** Loads the demo configuration into an empty database; returns whether it did. */
export async function seedDemoIfEmpty(db: Kysely<DB>): Promise<boolean> {
  const anyUser = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (anyUser) return false;
  const result = await importConfig(db, parseYaml(readFileSync(DEMO_CONFIG_FILE, 'utf8')), { apply: true, actor: 'system:demo' });
  if (result.errors.length) throw new Error(`demo configuration is invalid: ${JSON.stringify(result.errors)}`);
  await seedDemoSocial(db); // accounts hold secrets: not part of the configuration document
  await seedDemoCampaigns(db); // campaigns and their lists are operations, not configuration
  return true;
}

export interface Running {
  app: App;
  store: Store;
  url: string;
  stop(): Promise<void>;
}

/** `worklane start`: open the store, migrate, seed the demo on first start, serve, stop cleanly on signals. */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const store = await openStore(storeOptionsFromEnv(env, 'worklane start'));
  let app: App | undefined;
  try {
    await migrateToLatest(store.db as never);
    const seeded = env.WORKLANE_DEMO === '0' ? false : await seedDemoIfEmpty(store.db);
    if (seeded && env.WORKLANE_DEMO_HISTORY !== '0') {
      await seedDemoHistory(store.db);
      await seedDemoWorkforce(store.db);
    }
    app = await buildApp({
      db: store.db,
      embedded: store.kind === 'embedded',
      webDir: env.WORKLANE_WEB_DIR ?? WEB_DIST,
      logger: { level: env.LOG_LEVEL ?? 'info' },
      trustProxy: trustProxyFrom(env.WORKLANE_TRUST_PROXY),
    });
    const port = Number(env.PORT ?? 8080);
    const host = env.HOST ?? '0.0.0.0';
    await app.app.listen({ port, host });
    app.app.log.info({ database: store.kind, location: store.location, demo: seeded }, 'Worklane is ready');
  } catch (err) {
    await app?.app.close().catch(() => {});
    await store.close();
    throw err;
  }
  const running = app;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await running.app.close();
      await store.close();
    })());
  const addr = running.app.server.address();
  const url = typeof addr === 'object' && addr ? `http://localhost:${addr.port}` : String(addr);
  return { app: running, store, url, stop };
}
