import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { QueueOverview } from '../queue/job-queue.js'
import type { HandlerWithCounts } from '../queue/handler-store.js'

export interface ApiMetrics {
  registry: Registry
  /** By queue (the registry's default `queue` label is the default queue's) and outcome. */
  enqueueOutcomes: Counter<'queue' | 'outcome'>
  leaseExpiries: Counter
  redisErrors: Counter
}

/**
 * The API's Prometheus metrics. Queue depths are read from Redis at scrape time (one getQueue
 * script call), so every API process reports the same truth and nothing is kept in step by hand.
 * The depth gauges are the default queue's (JOBQ_QUEUE, the registry's `queue` label): /metrics is
 * open to every client key, and keys limited to other queues must not read those queues' counts
 * here (GET /queues gives each key its own queues' counts).
 */
export function createApiMetrics (queueName: string, readOverview: () => Promise<QueueOverview>,
  readHandlers: () => Promise<HandlerWithCounts[]>): ApiMetrics {
  const registry = new Registry()
  registry.setDefaultLabels({ queue: queueName })
  collectDefaultMetrics({ register: registry, prefix: 'jobq_api_' })
  const registers = [registry]
  const overview = sharedRead(readOverview)
  const handlers = sharedRead(readHandlers)
  /** A gauge filled at each scrape from the value of a shared read. */
  const gauge = <T>(read: () => Promise<T | null>, name: string, help: string, labelNames: string[], fill: (g: Gauge, value: T) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect () {
        const value = await read()
        // Emptied first: a label gone since the last scrape (a deleted handler) must not linger with
        // its last values, and a gauge Redis did not answer for is left out.
        this.reset()
        if (value !== null) fill(this, value)
      }
    })

  gauge(overview, 'jobq_queued_jobs', 'Jobs waiting to run, by priority', ['priority'], (g, o) => {
    for (const p of [1, 2, 3] as const) g.set({ priority: String(p) }, o.by_priority[p])
  })
  gauge(overview, 'jobq_jobs', 'Jobs by state (completed, failed and cancelled: those still retained)', ['state'], (g, o) => {
    for (const state of ['queued', 'processing', 'scheduled', 'completed', 'failed', 'cancelled'] as const) g.set({ state }, o[state])
  })
  gauge(overview, 'jobq_oldest_queued_job_age_seconds', 'How long the longest-waiting queued job has waited since its first enqueue', [], (g, o) => {
    g.set(o.oldest_queued_at === null ? 0 : Math.max(0, Date.now() - o.oldest_queued_at) / 1000)
  })
  gauge(overview, 'jobq_processed_jobs', 'Jobs that ran to an end (completed or failed) since the queue began', [], (g, o) => g.set(o.total_processed))
  gauge(handlers, 'jobq_handler_jobs', 'Jobs of each handler by state: queued, scheduled, in_flight', ['handler', 'state'], (g, all) => {
    for (const h of all) for (const state of ['queued', 'scheduled', 'in_flight'] as const) g.set({ handler: h.name, state }, h.counts[state])
  })
  gauge(handlers, 'jobq_handler_held_jobs',
    'Queued jobs of a handler that wait on a limit or a pause, by reason (paused, concurrency, rate); 0 when none holds it',
    ['handler', 'reason'], (g, all) => {
      for (const h of all) for (const reason of ['paused', 'concurrency', 'rate'] as const) g.set({ handler: h.name, reason }, h.counts.held === reason ? h.counts.queued : 0)
    })
  // eslint-disable-next-line no-new -- registered through `registers`; nothing else needs a handle
  new Gauge({
    name: 'jobq_metrics_scrape_ok',
    help: '1 when the queue gauges were read from Redis for this scrape, 0 when Redis did not answer (they are then left out)',
    registers,
    async collect () { this.set((await overview()) ? 1 : 0) }
  })
  const redisErrors = new Counter({ name: 'jobq_redis_errors_total', help: 'Redis calls that failed (unreachable, timed out, out of memory)', registers })

  return {
    registry,
    enqueueOutcomes: new Counter({ name: 'jobq_enqueue_total', help: 'Enqueue requests by queue and outcome', labelNames: ['queue', 'outcome'], registers }),
    leaseExpiries: new Counter({ name: 'jobq_lease_expiries_total', help: 'Lapsed leases this process found and put back (or failed)', registers }),
    redisErrors
  }
}

/**
 * One read at a time, shared by every caller while it runs: prom-client collects every metric of a
 * scrape concurrently, and the gauges of one reader then cost one Redis call. Null when Redis did
 * not answer.
 */
function sharedRead<T> (read: () => Promise<T>): () => Promise<T | null> {
  let pending: Promise<T | null> | null = null
  return () => (pending ??= read().catch(() => null).finally(() => { pending = null }))
}
