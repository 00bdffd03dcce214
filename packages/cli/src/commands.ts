import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import {
  ROLES,
  SCOPES,
  apiKeyPrefix,
  exportConfig,
  hashPassword,
  importConfig,
  migrateToLatest,
  newApiKey,
  openStore,
  sha256,
  startServer,
  storeOptionsFromEnv,
  type Role,
  type Scope,
  type Store,
} from '@worklane/server';

type Out = (line: string) => void;

/** Opens the store the server would use (same env vars), migrated unless told not to, and always closes it. */
async function withStore<T>(holder: string, fn: (store: Store) => Promise<T>, migrate = true): Promise<T> {
  const store = await openStore(storeOptionsFromEnv(process.env, holder));
  try {
    if (migrate) await migrateToLatest(store.db as never);
    return await fn(store);
  } finally {
    await store.close();
  }
}

export async function start(out: Out): Promise<void> {
  const running = await startServer(process.env);
  out(`Worklane is serving ${running.url} (${running.store.kind} database: ${running.store.location})`);
  let signalled = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (signalled) return;
      signalled = true;
      out(`${sig}: stopping`);
      running.stop().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

export async function migrate(out: Out): Promise<void> {
  await withStore(
    'worklane migrate',
    async (store) => {
      const applied = await migrateToLatest(store.db as never);
      out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    },
    false,
  );
}

export async function importFile(file: string, opts: { dryRun?: boolean }, out: Out): Promise<boolean> {
  const text = readFileSync(file, 'utf8');
  const doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  return withStore('worklane import', async (store) => {
    const result = await importConfig(store.db, doc, { apply: !opts.dryRun, actor: 'cli' });
    if (result.errors.length) {
      for (const e of result.errors) out(`error ${e.pointer}: ${e.message}`);
      return false;
    }
    for (const c of result.changes.filter((x) => x.change !== 'unchanged')) out(`${c.change} ${c.kind} ${c.id}`);
    out(`${result.applied ? 'applied' : 'dry run'}: ${result.changes.filter((x) => x.change !== 'unchanged').length} change(s)`);
    return true;
  });
}

export async function exportTo(opts: { format?: string; output?: string }, out: Out): Promise<void> {
  await withStore('worklane export', async (store) => {
    const doc = await exportConfig(store.db);
    const text = opts.format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : toYaml(doc);
    if (opts.output) writeFileSync(opts.output, text);
    else out(text.trimEnd());
  });
}

export async function addUser(opts: { email: string; password: string; role: string[]; name?: string }, out: Out): Promise<void> {
  const bad = opts.role.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length) throw new Error(`unknown role(s) ${bad.join(', ')}; use ${ROLES.join(', ')}`);
  if (opts.password.length < 6) throw new Error('password must be at least 6 characters');
  const email = opts.email.trim().toLowerCase();
  const hash = await hashPassword(opts.password);
  await withStore('worklane user add', async (store) => {
    const existing = await store.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (existing) {
      await store.db.updateTable('users').set({ password_hash: hash, roles: opts.role as Role[] }).where('id', '=', existing.id).execute();
      out(`updated ${email} (${opts.role.join(', ')})`);
    } else {
      await store.db.insertInto('users').values({ id: randomUUID(), email, name: opts.name ?? email, password_hash: hash, roles: opts.role, capacity: JSON.stringify({ workitem: 1 }) }).execute();
      out(`created ${email} (${opts.role.join(', ')})`);
    }
  });
}

export async function addApiKey(opts: { name: string; scope: string[] }, out: Out): Promise<void> {
  const bad = opts.scope.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length) throw new Error(`unknown scope(s) ${bad.join(', ')}; use ${SCOPES.join(', ')}`);
  const key = newApiKey();
  await withStore('worklane api-key add', async (store) => {
    const exists = await store.db.selectFrom('api_keys').select('id').where('name', '=', opts.name).executeTakeFirst();
    if (exists) throw new Error(`an API key named "${opts.name}" exists`);
    await store.db.insertInto('api_keys').values({ id: randomUUID(), name: opts.name, prefix: apiKeyPrefix(key), key_hash: sha256(key), scopes: opts.scope as Scope[] }).execute();
  });
  out(`API key "${opts.name}" (${opts.scope.join(', ')}). It is shown only this once:`);
  out(key);
}
