export { buildApp, type App, type AppOptions } from './http/app.js';
export { openStore, storeOptionsFromEnv, DatabaseBusyError, type Store, type StoreOptions } from './db/open.js';
export { migrateToLatest, migrationsApplied } from './db/migrations.js';
export { startServer, seedDemoIfEmpty, DEMO_CONFIG_FILE, WEB_DIST, type Running } from './runtime.js';
export { importConfig, checkDocument, type ImportResult } from './config/import.js';
export { exportConfig } from './config/export.js';
export { hashPassword, newApiKey, apiKeyPrefix, sha256 } from './auth/crypto.js';
export { ROLES, SCOPES, type Role, type Scope, type RouteAuth } from './auth/principal.js';
export type { DB } from './db/schema.js';
