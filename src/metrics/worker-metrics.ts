import { createServer, type Server } from 'node:http'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Firing } from '../queue/schedule-store.js'

export interface WorkerMetrics {
  registry: Registry
  dispatchDuration: Histogram<'queue' | 'handler' | 'result'>
  callbackResults: Counter<'queue' | 'handler' | 'status_class'>
  retries: Counter<'queue' | 'handler'>
  leaseExpiries: Counter
  redisErrors: Counter
  inFlight: Gauge
  scheduleTicks: Counter<'queue' | 'outcome'>
  scheduleMissed: Counter<'queue' | 'action'>
  tickLateness: Histogram<'queue'>
  unconfirmedTicks: Counter<'queue'>
  handedOver: Counter<'queue'>
}

/**
 * A worker process's Prometheus metrics: what its callbacks did and how long they took, by queue
 * and handler (a worker may serve several queues, and handler names repeat across queues), and the
 * schedule ticks it fired. Ticks are counted by queue, not by schedule: schedule names are made
 * through the API without bound, and GET /schedules shows each one's last run and outcome.
 */
export function createWorkerMetrics (): WorkerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'jobq_worker_' })
  const registers = [registry]
  return {
    registry,
    dispatchDuration: new Histogram({
      name: 'jobq_dispatch_duration_seconds',
      help: 'Time from sending a callback to its answer, by queue, handler and result (completed, retry, failed)',
      labelNames: ['queue', 'handler', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers
    }),
    callbackResults: new Counter({ name: 'jobq_callback_results_total', help: 'Callback answers by queue, handler and status class (2xx, 3xx, 4xx, 5xx, error)', labelNames: ['queue', 'handler', 'status_class'], registers }),
    retries: new Counter({ name: 'jobq_retries_total', help: 'Failed attempts scheduled for a retry, by queue and handler', labelNames: ['queue', 'handler'], registers }),
    leaseExpiries: new Counter({ name: 'jobq_lease_expiries_total', help: 'Lapsed leases this process found and put back (or failed)', registers }),
    redisErrors: new Counter({ name: 'jobq_redis_errors_total', help: 'Redis calls that failed (unreachable, timed out, out of memory)', registers }),
    inFlight: new Gauge({ name: 'jobq_callbacks_in_flight', help: 'Callbacks this worker is waiting on', registers }),
    handedOver: new Counter({
      name: 'jobq_jobs_handed_over_total',
      help: 'Jobs an enqueue handed to this worker while it waited idle (popped from its pickup list), by queue',
      labelNames: ['queue'],
      registers
    }),
    scheduleTicks: new Counter({
      name: 'jobq_schedule_ticks_total',
      help: 'Schedule ticks this process fired, by queue and what enqueueing the tick\'s job answered (created, exists, processing, priority_raised, no_handler); a catch-up counts once',
      labelNames: ['queue', 'outcome'],
      registers
    }),
    scheduleMissed: new Counter({
      name: 'jobq_schedule_missed_total',
      help: 'Firings that found a schedule\'s ticks missed (none fired within 1 s of its time), by queue and what catch_up did: caught_up (one job for them) or skipped; once per firing, however many ticks it stood for',
      labelNames: ['queue', 'action'],
      registers
    }),
    tickLateness: new Histogram({
      name: 'jobq_schedule_tick_lateness_seconds',
      help: 'Time from a tick to this process firing it (the enqueue script answered; with JOBQ_WAIT_REPLICAS, the replicas\' wait too), by queue; a catch-up counts from the latest missed tick',
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers
    }),
    unconfirmedTicks: new Counter({
      name: 'jobq_schedule_unconfirmed_ticks_total',
      help: 'Ticks this process fired that too few replicas confirmed in time (JOBQ_WAIT_REPLICAS): a failover then may fire them again',
      labelNames: ['queue'],
      registers
    })
  }
}

/** The metrics of one handler's callbacks. */
export interface HandlerMetrics {
  answered (outcome: 'completed' | 'retry' | 'failed', statusCode: number | undefined, seconds: number): void
  retried (): void
}

/**
 * Per-handler metrics of one queue, with their label children made once per handler and answer
 * kind, so that a callback does not build and check a label object for each metric it counts in.
 */
export function handlerMetrics (metrics: WorkerMetrics, queue: string): (handler: string) => HandlerMetrics {
  const byHandler = new Map<string, HandlerMetrics>()
  return (handler) => {
    let found = byHandler.get(handler)
    if (found) return found
    const durations = new Map<string, { observe (seconds: number): void }>()
    const results = new Map<string, { inc (): void }>()
    const retries = metrics.retries.labels(queue, handler)
    found = {
      answered (outcome, statusCode, seconds) {
        let duration = durations.get(outcome)
        if (!duration) durations.set(outcome, duration = metrics.dispatchDuration.labels(queue, handler, outcome))
        duration.observe(seconds)
        const kind = statusClass(statusCode)
        let result = results.get(kind)
        if (!result) results.set(kind, result = metrics.callbackResults.labels(queue, handler, kind))
        result.inc()
      },
      retried: () => retries.inc()
    }
    byHandler.set(handler, found)
    return found
  }
}

/** Counts a firing of the worker's schedule ticker: the tick's outcome and lateness, and missed ticks. */
export function countTick (metrics: WorkerMetrics, queue: string, firing: Firing): void {
  if (firing.missed) metrics.scheduleMissed.labels(queue, firing.tick === null ? 'skipped' : 'caught_up').inc()
  if (firing.tick === null || firing.outcome === null) return
  metrics.scheduleTicks.labels(queue, firing.outcome).inc()
  if (!firing.replicated) metrics.unconfirmedTicks.labels(queue).inc()
  metrics.tickLateness.labels(queue).observe(Math.max(0, Date.now() - firing.tick) / 1000)
}

/** Serves GET /metrics for a worker, which has no HTTP server of its own. */
export function serveMetrics (registry: Registry, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404,"error":"Not Found","message":"only GET /metrics is served here"}')
      return
    }
    registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end())
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve(server))
  })
}

/** The status class a callback answer counts under. */
export function statusClass (statusCode: number | undefined): string {
  return statusCode === undefined ? 'error' : `${Math.floor(statusCode / 100)}xx`
}
