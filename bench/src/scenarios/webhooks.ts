import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bulkLoad } from '../lib/agents.js';
import { CPU_ROWS, cpuNow, cpuPer, cpuValues } from '../lib/cpu.js';
import { freshPostgres, query } from '../lib/pg.js';
import type { Scenario } from '../lib/scenario.js';
import { startWorklane } from '../lib/server.js';
import { captureConfig, prepareDatabase, sampleTask } from '../lib/setup.js';
import { waitFor } from '../lib/util.js';
import { AUTH } from './capture.js';

/** A receiver on loopback that answers every POST 204 at once and counts them. */
async function receiver() {
  let received = 0;
  let lastAt = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      lastAt = performance.now();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get received() { return received; },
    get lastAt() { return lastAt; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export const webhooks: Scenario = {
  name: 'webhooks',
  title: 'webhook delivery to one healthy receiver: from the captures to the last delivery',
  needsPostgres: true,
  setup: (s) =>
    `One subscription to every event ("*") on a loopback receiver that answers 204 at once; ${s.webhookTasks.toLocaleString('en-US')} tasks captured through the bulk API (500 a call, ids only back), ` +
    'each one making its deliveries in the same transaction; measured from the first capture until the receiver has every delivery and none is pending.',
  rows: [
    { key: 'rate', label: 'deliveries per second, first capture to last delivery', unit: '/s' },
    { key: 'deliveries', label: 'deliveries (every one received and marked delivered)', unit: 'deliveries' },
    { key: 'drain', label: 'after the last capture, until the last delivery', unit: 's' },
    ...CPU_ROWS('delivery'),
  ],
  async run(ctx) {
    const s = ctx.sizes;
    const db = await freshPostgres();
    const rx = await receiver();
    try {
      await prepareDatabase(db, captureConfig());
      await query(db.url!, `insert into webhook_subscriptions (id, url, events, secret) values ('bench', $1, '{*}', $2)`, [rx.url, `whsec_${randomBytes(24).toString('base64')}`]);
      const server = await startWorklane({ db, cpuProfDir: ctx.cpuProfDir, readyTimeoutMs: s.maxWaitSeconds * 1000 });
      try {
        const t0 = performance.now();
        const c0 = cpuNow(server.pid);
        await bulkLoad(server.base, AUTH, s.webhookTasks, (i) => sampleTask(`wh-${ctx.run}-${i}`));
        const loaded = performance.now();
        const deliveries = Number((await query<{ n: string }>(db.url!, 'select count(*) as n from webhook_deliveries'))[0]!.n);
        const pending = async () => Number((await query<{ n: string }>(db.url!, "select count(*) as n from webhook_deliveries where state = 'pending'"))[0]!.n);
        const all = await waitFor(async () => rx.received >= deliveries && (await pending()) === 0, s.maxWaitSeconds * 1000, 50);
        if (!all) throw new Error(`${rx.received} of ${deliveries} deliveries received within ${s.maxWaitSeconds} s`);
        const cpu = cpuPer(c0, cpuNow(server.pid), deliveries);
        const rate = deliveries / ((rx.lastAt - t0) / 1000);
        ctx.log(`${deliveries} deliveries at ${Math.round(rate)}/s, the last ${((rx.lastAt - loaded) / 1000).toFixed(1)} s after the last capture`);
        return { values: { rate, deliveries, drain: Math.max(0, rx.lastAt - loaded) / 1000, ...cpuValues(cpu) } };
      } finally {
        await server.stop();
      }
    } finally {
      await rx.close();
      await db.drop();
    }
  },
};
