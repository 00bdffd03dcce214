import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SHED_REASONS } from '../overload/shed.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  tasksCaptured: Counter<'created'>;
  webhookDeliveriesSent: Counter;
  webhookAttemptsFailed: Counter;
  webhookDeliveriesDead: Counter;
  /** Requests answered 503 + Retry-After without being served, by why (overload/shed.ts `ShedReason`). */
  requestsShed: Counter<'reason'>;
  /** Routing: time to decide a round (core, in memory) and to commit its offers. */
  routingDecide: Histogram;
  routingCommit: Histogram;
  /** Routing: offers committed, and offers a commit lost (the task changed meanwhile). */
  routingOffers: Counter<'outcome'>;
  /** Routing: round commits in flight (rounds are pipelined; set by the dispatcher). */
  routingCommitsInFlight: Gauge;
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** A registry per app instance, so tests can run several apps in one process. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics: Metrics = {
    registry,
    httpDuration: new Histogram({
      name: 'worklane_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    tasksCaptured: new Counter({ name: 'worklane_tasks_captured_total', help: 'Tasks captured', labelNames: ['created'], registers: [registry] }),
    webhookDeliveriesSent: new Counter({ name: 'worklane_webhook_deliveries_sent_total', help: 'Webhook deliveries a receiver accepted (2xx)', registers: [registry] }),
    webhookAttemptsFailed: new Counter({ name: 'worklane_webhook_attempts_failed_total', help: 'Webhook attempts that failed (non-2xx, network error, timeout)', registers: [registry] }),
    webhookDeliveriesDead: new Counter({ name: 'worklane_webhook_deliveries_dead_total', help: 'Webhook deliveries dead-lettered after the retry window', registers: [registry] }),
    requestsShed: new Counter({
      name: 'worklane_requests_shed_total',
      help: 'Requests refused with 503 + Retry-After: in-flight, event-loop-lag, capture-queue (overload) or database-unavailable',
      labelNames: ['reason'],
      registers: [registry],
    }),
    routingDecide: new Histogram({ name: 'worklane_routing_decide_seconds', help: 'Routing rounds: deciding (in memory) the offers of a round that offered something', buckets: SECONDS, registers: [registry] }),
    routingCommit: new Histogram({ name: 'worklane_routing_commit_seconds', help: "Routing rounds: committing a round's offers (one statement)", buckets: SECONDS, registers: [registry] }),
    routingOffers: new Counter({ name: 'worklane_routing_offers_total', help: 'Offers and auto-answer assignments decided: committed, or lost to a change of the task meanwhile', labelNames: ['outcome'], registers: [registry] }),
    routingCommitsInFlight: new Gauge({ name: 'worklane_routing_commits_in_flight', help: 'Routing round commits in flight (rounds are pipelined)', registers: [registry] }),
  };
  for (const outcome of ['committed', 'lost']) metrics.routingOffers.inc({ outcome }, 0);
  // Every reason shows from the start (at 0), so a rate over it is defined before the first shed request.
  for (const reason of SHED_REASONS) metrics.requestsShed.inc({ reason }, 0);
  return metrics;
}
