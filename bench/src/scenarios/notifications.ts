import { SMTPServer } from 'smtp-server';
import { CPU_ROWS, cpuNow, cpuPer, cpuValues } from '../lib/cpu.js';
import { HttpClient, must } from '../lib/http.js';
import { freshPostgres, query, type BenchDatabase } from '../lib/pg.js';
import type { Context, Scenario } from '../lib/scenario.js';
import { startWorklane } from '../lib/server.js';
import { BENCH_API_KEY, prepareDatabase, type ConfigDoc } from '../lib/setup.js';
import { pool, waitFor } from '../lib/util.js';

/**
 * An SMTP server on loopback that takes every message and counts it. `replyMs` holds each answer
 * (greeting, MAIL, RCPT, end of DATA) that long, as a relay on the network would.
 */
async function mailbox(replyMs: number) {
  let received = 0;
  let lastAt = 0;
  let connections = 0;
  const later = (cb: () => void) => (replyMs ? setTimeout(cb, replyMs) : cb());
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true, // no DNS here: a lookup would time the sandbox's resolver, not Worklane
    onConnect: (_s, cb) => (connections++, later(() => cb())),
    onMailFrom: (_a, _s, cb) => later(() => cb()),
    onRcptTo: (_a, _s, cb) => later(() => cb()),
    onData: (stream, _s, cb) => {
      stream.resume();
      stream.on('end', () => later(() => {
        received++;
        lastAt = performance.now();
        cb();
      }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`,
    get received() { return received; },
    get lastAt() { return lastAt; },
    get connections() { return connections; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One case type whose creation e-mails the customer (a template with case and customer fields). */
function notifyConfig(): ConfigDoc {
  return {
    version: 1,
    caseTypes: [{ id: 'complaint', name: 'Complaint', form: { fields: [{ name: 'order_number', label: 'Order', type: 'text' }] }, sla: { duration: 16, unit: 'hours', mode: 'calendar' } }],
    notificationTemplates: [{
      id: 'created', name: 'Confirmation', channel: 'email',
      subject: 'Your {{ Case_Type | downcase }} request {{ Case_Id }}',
      body: 'Dear {{ Customer_Firstname }} {{ Customer_Name }},\nwe received {{ Case_Id }} about order {{ Field_order_number }}. We answer within {{ Case_SLA }} {{ Case_SLA_Format | downcase }}.\nFollow it: {{ Portal_Link }}',
    }],
    notificationRules: [{ caseType: 'complaint', rules: [{ event: 'case.created', channel: 'email', template: 'created', recipients: ['customer'] }] }],
    apiKeys: [{ name: 'bench', key: BENCH_API_KEY, scopes: ['cases:write', 'cases:read'] }],
  };
}

interface Pass {
  rate: number;
  created: number;
  drain: number;
  connections: number;
}

/** Creates `cases` cases through the API (16 at a time), then waits until every e-mail arrived and none is pending. */
async function pass(ctx: Context, db: BenchDatabase, replyMs: number, cases: number, tag: string): Promise<Pass & { cpu: ReturnType<typeof cpuPer> }> {
  const mx = await mailbox(replyMs);
  try {
    const server = await startWorklane({
      db, readyTimeoutMs: ctx.sizes.maxWaitSeconds * 1000, cpuProfDir: ctx.cpuProfDir,
      env: { WORKLANE_SMTP_URL: mx.url, WORKLANE_MAIL_FROM: 'Bench <noreply@bench.local>', WORKLANE_PUBLIC_URL: 'https://worklane.bench' },
    });
    const http = new HttpClient(server.base, 16);
    try {
      const headers = { authorization: `Bearer ${BENCH_API_KEY}` };
      const t0 = performance.now();
      const c0 = cpuNow(server.pid);
      await pool(Array.from({ length: cases }, (_, i) => i), 16, async (i) => {
        const body = { caseType: 'complaint', fields: { order_number: `A-${i}` }, customer: { name: 'Peeters', firstName: 'Jan', email: `jan-${tag}-${i}@example.com` } };
        must(await http.request('POST', '/api/v1/cases', body, headers), 'create case');
      });
      const createdAt = performance.now();
      const pending = async () => Number((await query<{ n: string }>(db.url!, "select (select count(*) from notifications where state in ('pending', 'failed')) + (select count(*) from notification_jobs where state = 'pending') as n"))[0]!.n);
      const all = await waitFor(async () => mx.received >= cases && (await pending()) === 0, ctx.sizes.maxWaitSeconds * 1000, 50);
      if (!all) throw new Error(`${mx.received} of ${cases} e-mails received within ${ctx.sizes.maxWaitSeconds} s`);
      const cpu = cpuPer(c0, cpuNow(server.pid), cases);
      const sent = await query<{ n: string }>(db.url!, "select count(*) as n from notifications where state = 'sent' and recipient like $1", [`jan-${tag}-%`]);
      if (Number(sent[0]!.n) !== cases) throw new Error(`${sent[0]!.n} notifications sent for ${cases} cases`);
      const rate = cases / ((mx.lastAt - t0) / 1000);
      ctx.log(`SMTP answers after ${replyMs} ms: ${cases} cases at ${Math.round(cases / ((createdAt - t0) / 1000))}/s, e-mails at ${Math.round(rate)}/s over ${mx.connections} connection(s), the last ${((mx.lastAt - createdAt) / 1000).toFixed(1)} s after the last case`);
      return { rate, created: cases / ((createdAt - t0) / 1000), drain: Math.max(0, mx.lastAt - createdAt) / 1000, connections: mx.connections, cpu };
    } finally {
      http.close();
      await server.stop();
    }
  } finally {
    await mx.close();
  }
}

export const notifications: Scenario = {
  name: 'notifications',
  title: 'customer e-mails: from case creation to the last message on a real SMTP server',
  needsPostgres: true,
  setup: (s) =>
    `${s.notifyCases.toLocaleString('en-US')} cases created through the API (16 at a time), each with a new customer; one rule e-mails the customer on case.created (a template of case, customer and portal-link fields). ` +
    `Received by an smtp-server on loopback that answers at once, then by one that holds each answer ${s.notifyRelayMs} ms (a relay on the network). ` +
    'Measured from the first case until every e-mail arrived and none is pending.',
  rows: [
    { key: 'rate', label: 'e-mails per second, first case to last e-mail (loopback SMTP)', unit: '/s' },
    { key: 'created', label: 'cases created per second through the API', unit: '/s' },
    { key: 'drain', label: 'after the last case, until the last e-mail', unit: 's' },
    { key: 'connections', label: 'SMTP connections opened', unit: 'connections' },
    { key: 'relayRate', label: 'e-mails per second, SMTP answers held (relay on the network)', unit: '/s' },
    { key: 'relayDrain', label: 'the same: after the last case, until the last e-mail', unit: 's' },
    ...CPU_ROWS('e-mail'),
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshPostgres();
    try {
      await prepareDatabase(db, notifyConfig());
      const local = await pass(ctx, db, 0, s.notifyCases, `r${ctx.run}`);
      const relay = await pass(ctx, db, s.notifyRelayMs, s.notifyCases, `r${ctx.run}-relay`);
      return { values: { rate: local.rate, created: local.created, drain: local.drain, connections: local.connections, relayRate: relay.rate, relayDrain: relay.drain, ...cpuValues(local.cpu) } };
    } finally {
      await db.drop();
    }
  },
};
