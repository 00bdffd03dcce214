/** Small helpers shared by the scenarios: statistics, a seeded PRNG, bounded waits, allocation. */
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const v = [...values].sort((a, b) => a - b);
  const rank = Math.min(v.length, Math.max(1, Math.ceil((p / 100) * v.length)));
  return v[rank - 1]!;
}

/** A seeded random source (core's), so every run builds the same configuration. */
export { seededRandom as prng } from '@worklane/core';

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= until) return false;
    await sleep(everyMs);
  }
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export const round = (n: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/**
 * Heap bytes one call of `fn` allocates: heap used after minus before a batch of calls, median over
 * the batches during which no garbage collection ran (its start and end seen by a `gc` observer).
 * NaN when every batch met one.
 */
export async function allocatedPerCall(fn: () => unknown, calls = 100, batches = 40): Promise<number> {
  const collections: { start: number; end: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) collections.push({ start: e.startTime, end: e.startTime + e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const spans: { t0: number; t1: number; bytes: number }[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    const u0 = process.memoryUsage().heapUsed;
    for (let i = 0; i < calls; i++) fn();
    const u1 = process.memoryUsage().heapUsed;
    spans.push({ t0, t1: performance.now(), bytes: (u1 - u0) / calls });
  }
  await sleep(50); // gc entries arrive asynchronously
  observer.disconnect();
  return median(spans.filter((s) => !collections.some((c) => c.start < s.t1 && c.end > s.t0)).map((s) => s.bytes));
}

let gc: ((options?: { type: 'minor' | 'major' }) => void) | undefined;

/**
 * Collects this process's young generation now (V8's `gc` extension, enabled at run time). Before a
 * timed probe, so that the load generator's own collection (3-19 ms with 10,000 WebSockets open)
 * does not land in the server's time it measures.
 */
export function collectYoungGeneration(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as typeof gc;
  }
  gc!({ type: 'minor' });
}
