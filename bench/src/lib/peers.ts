import pg from 'pg';
import PgBoss from 'pg-boss';
import { makeWorkerUtils } from 'graphile-worker';
import { percentile } from './util.js';

export interface LoopResult {
  perSecond: number;
  p99Ms: number;
  done: number;
  errors: number;
}

/** `concurrency` loops calling `op` one at a time until `seconds` pass (and at most `maxOps` calls). */
async function timedLoops(seconds: number, concurrency: number, op: (i: number) => Promise<unknown>, maxOps = 50_000_000): Promise<LoopResult> {
  const lat: number[] = [];
  let done = 0;
  let errors = 0;
  let issued = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end && issued < maxOps) {
      const i = issued++;
      const t0 = performance.now();
      try {
        await op(i);
        lat.push(performance.now() - t0);
        done++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: done / elapsed, p99Ms: percentile(lat, 99), done, errors };
}

const newBoss = (url: string) => new PgBoss({ connectionString: url, max: 10 });

/** pg-boss 10 `send`, one job per call, `concurrency` calls in flight (pool of 10, like Worklane's). */
export async function pgBossSend(url: string, seconds: number, concurrency: number, payload: object): Promise<LoopResult> {
  const boss = newBoss(url);
  boss.on('error', () => {});
  await boss.start();
  try {
    await boss.createQueue('bench-capture');
    await boss.send('bench-capture', payload); // warm
    return await timedLoops(seconds, concurrency, () => boss.send('bench-capture', payload));
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
  }
}

/** graphile-worker 0.17 `addJob`, one job per call, `concurrency` calls in flight (pool of 10). */
export async function graphileAddJob(url: string, seconds: number, concurrency: number, payload: object): Promise<LoopResult> {
  const pgPool = new pg.Pool({ connectionString: url, max: 10 });
  // Idle connections are cut when the bench database is dropped: graphile-worker wants both handlers.
  pgPool.on('error', () => {});
  pgPool.on('connect', (client) => client.on('error', () => {}));
  const utils = await makeWorkerUtils({ pgPool });
  try {
    await utils.migrate();
    await utils.addJob('bench_capture', payload); // warm
    return await timedLoops(seconds, concurrency, () => utils.addJob('bench_capture', payload));
  } finally {
    await utils.release();
    await pgPool.end();
  }
}

/**
 * pg-boss 10 as a work distributor: `jobs` jobs in `queues` queues (inserted in bulk, not timed),
 * then `workers` loops each `fetch` one job (batchSize 1) from the next queue and `complete` it.
 */
export async function pgBossDispatch(url: string, jobs: number, queues: number, workers: number, maxSeconds: number): Promise<LoopResult> {
  const boss = newBoss(url);
  boss.on('error', () => {});
  await boss.start();
  try {
    const names = Array.from({ length: queues }, (_, i) => `bench-q${i}`);
    for (const n of names) await boss.createQueue(n);
    for (let i = 0; i < jobs; i += 1000) {
      const chunk = Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ data: { n: i + k } }));
      const byQueue = new Map<string, { data: object }[]>();
      chunk.forEach((j, k) => {
        const q = names[(i + k) % queues]!;
        byQueue.set(q, [...(byQueue.get(q) ?? []), j]);
      });
      for (const [q, list] of byQueue) await boss.insert(list.map((j) => ({ name: q, data: j.data })));
    }
    let completed = 0;
    const lat: number[] = [];
    const start = performance.now();
    const end = start + maxSeconds * 1000;
    const empty = new Set<string>();
    let errors = 0;
    const loop = async (w: number) => {
      let qi = w % queues;
      while (completed < jobs && performance.now() < end && empty.size < queues) {
        const q = names[qi]!;
        qi = (qi + 1) % queues;
        if (empty.has(q)) continue;
        const t0 = performance.now();
        try {
          const got = await boss.fetch<{ n: number }>(q, { batchSize: 1 });
          if (!got.length) {
            empty.add(q);
            continue;
          }
          await boss.complete(q, got[0]!.id);
          lat.push(performance.now() - t0);
          completed++;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
    const elapsed = (performance.now() - start) / 1000;
    return { perSecond: completed / elapsed, p99Ms: percentile(lat, 99), done: completed, errors };
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
  }
}
