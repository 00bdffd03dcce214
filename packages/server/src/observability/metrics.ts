import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
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
}

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
  };
  // Every reason shows from the start (at 0), so a rate over it is defined before the first shed request.
  for (const reason of SHED_REASONS) metrics.requestsShed.inc({ reason }, 0);
  return metrics;
}
