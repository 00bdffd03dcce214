import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { Problem, sendProblem } from '../http/problems.js';

/**
 * Load shedding: beyond capacity the API answers 503 with Retry-After at once, before any work
 * (no authentication look-up, no body parsing, no database), instead of queueing without bound
 * and letting latency and memory grow until the process falls over. Three bounds:
 * - requests in flight (`WORKLANE_MAX_INFLIGHT`);
 * - event-loop lag, measured with `monitorEventLoopDelay` (`WORKLANE_MAX_EVENT_LOOP_LAG_MS`, 0: off):
 *   while the process cannot keep up, new work waits outside;
 * - captures waiting for their group commit (`WORKLANE_MAX_CAPTURE_QUEUE`, in tasks/batcher.ts).
 * Health, readiness and metrics are never shed. It recovers by itself: once the work in flight
 * finishes and the lag falls, requests are admitted again.
 */
export interface OverloadOptions {
  maxInflight: number;
  maxLagMs: number;
  maxCaptureQueue: number;
  /** Capture batches committing at once; the captures that arrive meanwhile wait and go as one batch. */
  captureCommits: number;
  /** Retry-After on a shed request (seconds). */
  retryAfterS: number;
}

// Lag shedding is opt-in: the embedded database runs on the event loop, so a long statement there
// looks like overload although the server is fine; in-flight and capture-queue bounds are always on.
export const DEFAULT_OVERLOAD_OPTIONS: OverloadOptions = { maxInflight: 1000, maxLagMs: 0, maxCaptureQueue: 10_000, captureCommits: 2, retryAfterS: 1 };

function num(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got "${raw}"`);
  return n;
}

export function overloadOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OverloadOptions {
  const d = DEFAULT_OVERLOAD_OPTIONS;
  return {
    maxInflight: num(env, 'WORKLANE_MAX_INFLIGHT', 1) ?? d.maxInflight,
    maxLagMs: num(env, 'WORKLANE_MAX_EVENT_LOOP_LAG_MS', 0) ?? d.maxLagMs,
    maxCaptureQueue: num(env, 'WORKLANE_MAX_CAPTURE_QUEUE', 1) ?? d.maxCaptureQueue,
    captureCommits: num(env, 'WORKLANE_CAPTURE_COMMITS', 1) ?? d.captureCommits,
    retryAfterS: num(env, 'WORKLANE_OVERLOAD_RETRY_AFTER_S', 1) ?? d.retryAfterS,
  };
}

/** Why a request was answered 503 + Retry-After without being served (`worklane_requests_shed_total{reason}`). */
export const SHED_REASONS = ['in-flight', 'event-loop-lag', 'capture-queue', 'database-unavailable'] as const;
export type ShedReason = (typeof SHED_REASONS)[number];

/** The 503 a shed request gets; the problem handler counts it under `shed`. */
export function overloaded(detail: string, retryAfterS = DEFAULT_OVERLOAD_OPTIONS.retryAfterS, shed: ShedReason = 'capture-queue'): Problem {
  const p = new Problem(503, 'Service Unavailable', detail, undefined, { reason: 'overloaded' });
  p.headers = { 'Retry-After': String(retryAfterS) };
  p.shed = shed;
  return p;
}

const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);
/** How often the event-loop delay histogram is read (and reset). */
const LAG_WINDOW_MS = 250;

export interface Shedder {
  inflight: number;
  lagMs: number;
  shed: number;
}

/** Registers the bounds on in-flight requests and event-loop lag; call before the auth guard. `onShed` counts refusals. */
export function installOverload(app: FastifyInstance, o: OverloadOptions = overloadOptionsFromEnv(), onShed: (reason: ShedReason) => void = () => {}): Shedder {
  const state: Shedder = { inflight: 0, lagMs: 0, shed: 0 };
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  // The worst delay of the last window: a loop blocked for a second shows at once.
  let sampledAt = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    // The sampler's own lateness is lag too: right after a block it can run before the histogram's
    // timer has recorded the delay, and would otherwise read a calm window.
    state.lagMs = Math.max(histogram.max / 1e6, now - sampledAt - LAG_WINDOW_MS);
    histogram.reset();
    sampledAt = now;
  }, LAG_WINDOW_MS);
  sampler.unref();
  // Right after a block the sampler has not run yet (requests can come first): its lateness is lag too.
  const lag = () => Math.max(state.lagMs, performance.now() - sampledAt - LAG_WINDOW_MS);
  // Start-up work (schema compilation, loading the routing state) is not overload.
  app.addHook('onListen', async () => {
    histogram.reset();
    state.lagMs = 0;
    sampledAt = performance.now();
  });
  app.addHook('onClose', async () => {
    clearInterval(sampler);
    histogram.disable();
  });

  // Callback-style (here and in the other per-request hooks that do no I/O): an async hook costs a
  // promise and a microtask hop on every request.
  app.addHook('onRequest', (request, reply, done) => {
    if (EXEMPT.has(request.url.split('?')[0]!)) return done();
    let why: string | null = null;
    let reason: ShedReason = 'in-flight';
    const lagMs = lag();
    if (o.maxLagMs > 0 && lagMs > o.maxLagMs) {
      why = `the server is overloaded (event-loop lag ${Math.round(lagMs)} ms)`;
      reason = 'event-loop-lag';
    } else if (state.inflight >= o.maxInflight) why = `the server is overloaded (${state.inflight} requests in flight)`;
    if (why) {
      state.shed++;
      onShed(reason);
      reply.header('Connection', 'close'); // new work goes elsewhere (or comes back later) on a fresh connection
      sendProblem(reply, overloaded(`${why}; try again shortly`, o.retryAfterS));
      return; // answered: the lifecycle stops here (no done)
    }
    if (request.headers.upgrade) return done(); // a live stream is not a request in flight
    state.inflight++;
    let counted = true;
    const finished = () => {
      if (!counted) return;
      counted = false;
      state.inflight--;
    };
    reply.raw.once('finish', finished);
    reply.raw.once('close', finished);
    done();
  });
  return state;
}
