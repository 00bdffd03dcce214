import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { importConfig, migrateToLatest, openStore, sha256 } from '@worklane/server';
import type { BenchDatabase } from './pg.js';
import { prng } from './util.js';

export const BENCH_API_KEY = 'wl_bench_7c1f0e9a4b2d8c6e5f3a1b0c';

/** The configuration document as `worklane import` takes it (see packages/server/src/config/document.ts). */
export type ConfigDoc = Record<string, unknown> & { version: 1 };

/**
 * Capture configuration: one worktype with a 5-attribute schema, and three rules that all match the
 * sample task (queue, priority, due time + skills), so every capture validates and runs three CEL rules.
 */
export function captureConfig(): ConfigDoc {
  return {
    version: 1,
    skills: [{ id: 'billing', name: 'Billing' }, { id: 'credit', name: 'Credit' }, { id: 'sales', name: 'Sales' }],
    teams: [{ id: 'front', name: 'Front office' }],
    users: Array.from({ length: 10 }, (_, i) => ({
      email: `agent${i}@bench.local`, name: `Agent ${i}`, roles: ['agent'], teams: ['front'],
      skills: { billing: 60 + i * 4, credit: 50, sales: 40 }, capacity: { workitem: 2 },
    })),
    queues: ['finance', 'credit', 'sales'].map((id) => ({ id, name: id, members: { teams: ['front'] }, targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 50 }, { name: 'anyone', afterSeconds: 60, minLevel: 0 }] })),
    worktypes: [{
      id: 'order-issue', name: 'Order issue', defaultQueue: 'sales', priority: 20,
      urlTemplate: 'https://crm.example.com/orders/{{attributes.orderId}}',
      attributeSchema: {
        type: 'object',
        properties: {
          orderId: { type: 'string', minLength: 1 },
          department: { type: 'string', enum: ['Finance', 'Credit', 'Sales', 'Other'] },
          segment: { type: 'string', enum: ['Gold', 'Silver', 'Bronze'] },
          amount: { type: 'number', minimum: 0 },
          currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        },
        required: ['orderId', 'department', 'segment', 'amount', 'currency'],
      },
    }],
    rules: [
      { id: 'finance', name: 'Finance -> finance queue', when: 'task.attributes.department == "Finance"', set: { queue: 'finance' } },
      { id: 'gold-big', name: 'Gold and over 100 -> priority 80', when: 'task.attributes.segment == "Gold" && task.attributes.amount > 100.0', set: { priority: 80 } },
      { id: 'eur', name: 'EUR -> due in 4 h, billing', when: 'task.attributes.currency == "EUR"', set: { dueInMinutes: 240, skills: [{ skill: 'billing' }] } },
    ],
    apiKeys: [{ name: 'bench', key: BENCH_API_KEY, scopes: ['tasks:write', 'tasks:read'] }],
  };
}

/** A task as a CRM would send it: 5 attributes; `[<id>]` is replaced per request by autocannon. */
export function sampleTask(id = '[<id>]') {
  return {
    worktype: 'order-issue',
    source: 'bench',
    externalId: id,
    title: `Refund order ${id}`,
    attributes: { orderId: id, department: 'Finance', segment: 'Gold', amount: 120.5, currency: 'EUR' },
  };
}

export interface RoutingShape {
  queues: number;
  skills: number;
  agents: number;
  /** workitem capacity of each agent */
  capacity: number;
  autoAnswer: boolean;
  offerTimeoutSeconds?: number;
  /** Every queue ages priority so (as the demo's queues do): a round orders a whole line at its time. */
  aging?: boolean;
  seed?: number;
  /** e-mails are `${prefix}${i}@bench.local` (default "agent") */
  prefix?: string;
}

/**
 * Routing configuration: `queues` queues, queue i requires skill `s{i mod skills}`; each agent has
 * 2–5 skills (levels 40–100) and is a member (through a team per skill) of the queues of its skills.
 */
export function routingConfig(shape: RoutingShape): ConfigDoc {
  const rnd = prng(shape.seed ?? 42);
  const skills = Array.from({ length: shape.skills }, (_, i) => `s${String(i).padStart(3, '0')}`);
  const users = Array.from({ length: shape.agents }, (_, i) => {
    const n = 2 + Math.floor(rnd() * 4);
    const mine = new Set<string>();
    // Spread agents over the skills evenly, so every queue has members.
    mine.add(skills[i % skills.length]!);
    while (mine.size < Math.min(n, skills.length)) mine.add(skills[Math.floor(rnd() * skills.length)]!);
    return {
      email: `${shape.prefix ?? 'agent'}${i}@bench.local`, name: `Agent ${i}`, roles: ['agent'], teams: [...mine].map((s) => `t-${s}`),
      skills: Object.fromEntries([...mine].map((s) => [s, 40 + Math.floor(rnd() * 61)])),
      capacity: { workitem: shape.capacity },
    };
  });
  const queues = Array.from({ length: shape.queues }, (_, i) => ({
    id: `q${String(i).padStart(3, '0')}`, name: `Queue ${i}`, members: { teams: [`t-${skills[i % skills.length]}`] },
    targetSteps: [{ name: 'primary', afterSeconds: 0, minLevel: 50 }, { name: 'anyone', afterSeconds: 30, minLevel: 0 }],
    offerTimeoutSeconds: shape.offerTimeoutSeconds ?? 600, autoAnswer: shape.autoAnswer,
    ...(shape.aging ? { priorityPolicy: { agingPerMinute: 1, agingMax: 30, urgencyWindowMinutes: 60, urgencyMax: 50 } } : {}),
  }));
  return {
    version: 1,
    skills: skills.map((id) => ({ id, name: id })),
    teams: skills.map((s) => ({ id: `t-${s}`, name: `Team ${s}` })),
    users,
    queues,
    worktypes: [{ id: 'item', name: 'Work item', defaultQueue: 'q000', priority: 20 }],
    apiKeys: [{ name: 'bench', key: BENCH_API_KEY, scopes: ['tasks:write', 'tasks:read'] }],
  };
}

/** A task for queue `q` of a routing configuration, requiring that queue's skill. */
export function routedTask(i: number, shape: Pick<RoutingShape, 'queues' | 'skills'>) {
  const q = i % shape.queues;
  return {
    worktype: 'item', source: 'bench', externalId: `t${i}`, title: `Item ${i}`,
    queue: `q${String(q).padStart(3, '0')}`, skills: [{ skill: `s${String(q % shape.skills).padStart(3, '0')}` }],
    attributes: { n: i },
  };
}

export interface Agent {
  id: string;
  email: string;
  /** session cookie value */
  cookie: string;
}

/**
 * `worklane migrate` + `worklane import` (applied) on a fresh database, then a session per agent.
 * Sessions are written straight into the sessions table: logging 1,000+ agents in through argon2
 * would take longer than what is measured, and login is not what these scenarios measure.
 */
export async function prepareDatabase(db: BenchDatabase, doc: ConfigDoc): Promise<Agent[]> {
  const store = await openStore(db.url ? { databaseUrl: db.url } : { dataDir: db.dataDir!, holder: 'bench setup' });
  try {
    await migrateToLatest(store.db as never);
    const result = await importConfig(store.db, doc, { apply: true, actor: 'system:bench' });
    if (result.errors.length) throw new Error(`bench configuration is invalid: ${JSON.stringify(result.errors.slice(0, 5))}`);
    const users = await store.db.selectFrom('users').select(['id', 'email', 'roles']).orderBy('email').execute();
    const agents: Agent[] = [];
    const rows: { id: string; user_id: string; expires_at: Date }[] = [];
    for (const u of users) {
      if (!u.roles.includes('agent')) continue;
      const token = randomBytes(24).toString('base64url');
      agents.push({ id: u.id, email: u.email, cookie: `wl_session=${token}` });
      rows.push({ id: sha256(token), user_id: u.id, expires_at: new Date(Date.now() + 11 * 3_600_000) });
    }
    for (let i = 0; i < rows.length; i += 1000) await store.db.insertInto('sessions').values(rows.slice(i, i + 1000)).execute();
    // Same order as the configuration (agent0, agent1, ...), not the e-mails' sort order.
    const num = (e: string) => Number(/(\d+)@/.exec(e)?.[1] ?? 0);
    return agents.sort((a, b) => num(a.email) - num(b.email));
  } finally {
    await store.close();
  }
}

/** Two configuration documents as one (lists concatenated; the first's API keys). */
export function mergeConfigs(a: ConfigDoc, b: ConfigDoc): ConfigDoc {
  const out: ConfigDoc = { ...a };
  for (const [k, v] of Object.entries(b)) if (Array.isArray(v) && k !== 'apiKeys') out[k] = [...((a[k] as unknown[]) ?? []), ...v];
  return out;
}

/** One number from the bench database (after the server stopped, for the embedded folder). */
export async function countOf(db: BenchDatabase, text: string): Promise<number> {
  const store = await openStore(db.url ? { databaseUrl: db.url } : { dataDir: db.dataDir!, holder: 'bench check' });
  try {
    const r = await sql.raw<{ n: number | string }>(text).execute(store.db);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await store.close();
  }
}
