import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent } from 'undici'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { JobQueue } from '../queue/job-queue.js'
import type { JobRecord } from '../queue/job.js'
import { HandlerStore } from '../queue/handler-store.js'
import { HandlerCache, activeSecrets } from './handler-cache.js'
import { dispatchJob, type DispatchResult } from './dispatch.js'
import { nextAttemptDelay } from './backoff.js'
import type { HandlerHosts } from '../queue/handler-hosts.js'
import { statusClass, type WorkerMetrics } from '../metrics/worker-metrics.js'

export interface WorkerOptions {
  queue: JobQueue
  /** A connection of its own: BZPOPMIN holds up every other command on its connection. */
  blockingRedis: Redis
  logger: Logger
  concurrency: number
  leaseMs: number
  resultLimit: number
  userAgent?: string
  /** Longest idle block before looking at the queue again, even with nothing announced. */
  maxBlockMs?: number
  /** JOBQ_HANDLER_HOSTS, checked again before each callback: a list tightened later holds for old handlers. */
  handlerHosts?: HandlerHosts
  metrics?: WorkerMetrics
}

interface InFlight {
  job: JobRecord
  lease: string
  abort: AbortController
  done: Promise<void>
}

const SHUTDOWN = new Error('worker shutting down')

/**
 * Claims jobs and dispatches each as a signed HTTP callback, up to `concurrency` at once.
 *
 * An idle worker blocks on the queue's marker (BZPOPMIN) and wakes when a job is enqueued or a retry
 * falls due; it never polls. Leases are extended while callbacks run; an outcome that cannot be
 * written because Redis is away is retried until Redis returns, so no answer is lost.
 */
export class Worker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  private readonly inFlight = new Map<string, InFlight>()
  private readonly handlers: HandlerCache
  private readonly agent: Agent
  private stopping = false
  private slotFreed: (() => void) | null = null
  private heartbeat: NodeJS.Timeout | null = null
  private loop: Promise<void> | null = null

  constructor (private readonly options: WorkerOptions) {
    this.handlers = new HandlerCache(new HandlerStore(options.queue.redis, options.queue.keys))
    // Keep-alive pools per handler origin; no redirects are ever followed (undici follows none by default).
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: options.concurrency })
  }

  /** Starts claiming; resolves once the loop runs. */
  start (): void {
    const interval = Math.max(250, Math.floor(this.options.leaseMs / 3))
    this.heartbeat = setInterval(() => { this.extendLeases() }, interval)
    this.loop = this.run()
  }

  /**
   * Graceful stop: no new claims; in-flight callbacks get `graceMs` to finish; the rest are aborted
   * and their jobs put back in the queue without counting the attempt.
   */
  async close (graceMs: number): Promise<void> {
    this.stopping = true
    this.slotFreed?.()
    this.options.blockingRedis.disconnect()
    await this.loop
    const all = Promise.all([...this.inFlight.values()].map((f) => f.done))
    const timer = setTimeout(() => {
      for (const flight of this.inFlight.values()) flight.abort.abort(SHUTDOWN)
    }, graceMs)
    await all
    clearTimeout(timer)
    if (this.heartbeat) clearInterval(this.heartbeat)
    await this.agent.close()
  }

  get activeJobs (): number {
    return this.inFlight.size
  }

  private async run (): Promise<void> {
    const { queue, concurrency, leaseMs, logger } = this.options
    let failures = 0
    while (!this.stopping) {
      const free = concurrency - this.inFlight.size
      if (free <= 0) {
        await new Promise<void>((resolve) => { this.slotFreed = resolve })
        continue
      }
      let claimed
      try {
        claimed = await queue.claim(free, this.id, leaseMs)
        failures = 0
      } catch (err) {
        failures++
        logger.warn({ err }, 'claim failed; retrying')
        await sleep(Math.min(2000, 50 * 2 ** failures))
        continue
      }
      if (claimed.recovered > 0) this.options.metrics?.leaseExpiries.inc(claimed.recovered)
      for (const job of claimed.jobs) this.begin(job)
      if (claimed.jobs.length < free && !this.stopping) await this.waitForWork(claimed.nextWakeAt)
    }
  }

  /** Blocks until a job is announced or the next retry/lease deadline, whichever is first. */
  private async waitForWork (nextWakeAt: number | null): Promise<void> {
    const maxBlockMs = this.options.maxBlockMs ?? 5000
    const untilNext = nextWakeAt === null ? maxBlockMs : nextWakeAt - Date.now()
    if (untilNext <= 0) return
    const seconds = Math.max(0.01, Math.min(maxBlockMs, untilNext) / 1000)
    try {
      await this.options.blockingRedis.bzpopmin(this.options.queue.keys.marker, seconds)
    } catch (err) {
      if (this.stopping) return
      this.options.logger.debug({ err }, 'blocking wait failed; Redis may be away')
      await sleep(Math.min(1000, untilNext))
    }
  }

  private begin (job: JobRecord): void {
    const abort = new AbortController()
    const flight: InFlight = { job, lease: job.lease as string, abort, done: Promise.resolve() }
    this.inFlight.set(job.job_id, flight)
    this.options.metrics?.inFlight.set(this.inFlight.size)
    flight.done = this.process(flight).catch((err: Error) => {
      // A bug, not an outcome: the lease lapses and the job is dispatched again.
      this.options.logger.error({ err, job_id: job.job_id }, 'job processing failed unexpectedly')
    }).finally(() => {
      this.inFlight.delete(job.job_id)
      this.options.metrics?.inFlight.set(this.inFlight.size)
      const wake = this.slotFreed
      this.slotFreed = null
      wake?.()
    })
  }

  private async process (flight: InFlight): Promise<void> {
    const { job } = flight
    const log = this.options.logger.child({ job_id: job.job_id, entity_id: job.entity_id, task: job.task, attempt: job.attempts })
    let result: DispatchResult
    let handler
    try {
      handler = await this.handlers.get(job.task)
    } catch (err) {
      log.warn({ err }, 'could not read the handler; the job goes back to the queue')
      return this.settle(flight, log, () => this.options.queue.release(job.job_id, flight.lease))
    }
    const metrics = this.options.metrics
    if (!handler) {
      result = { outcome: 'failed', error: `no handler named ${job.task} is registered` }
    } else if (this.options.handlerHosts && !this.options.handlerHosts.allows(handler.url)) {
      result = { outcome: 'failed', error: `handler host ${new URL(handler.url).hostname} is not allowed by JOBQ_HANDLER_HOSTS` }
    } else {
      const started = performance.now()
      result = await dispatchJob(job, handler, activeSecrets(handler), {
        dispatcher: this.agent,
        resultLimit: this.options.resultLimit,
        userAgent: this.options.userAgent ?? 'jobq',
        controller: flight.abort
      })
      const seconds = (performance.now() - started) / 1000
      metrics?.dispatchDuration.observe({ handler: job.task, result: result.outcome }, seconds)
      metrics?.callbackResults.inc({ handler: job.task, status_class: statusClass(result.statusCode) })
      log.info({ outcome: result.outcome, status: result.statusCode, ms: Math.round(seconds * 1000) }, 'callback answered')
    }

    if (flight.abort.signal.reason === SHUTDOWN) {
      return this.settle(flight, log, () => this.options.queue.release(job.job_id, flight.lease))
    }
    if (result.outcome === 'completed') {
      const text = result.result
      return this.settle(flight, log, () => this.options.queue.complete(job.job_id, flight.lease, text))
    }
    const maxAttempts = handler?.max_attempts ?? 1
    const retryAt = result.outcome === 'retry' && job.attempts < maxAttempts
      ? Date.now() + nextAttemptDelay(job.attempts, handler?.backoff_ms ?? 1000, result.retryAfterMs)
      : null
    if (retryAt === null) log.warn({ error: result.error }, 'job failed for good')
    else metrics?.retries.inc({ handler: job.task })
    return this.settle(flight, log, () => this.options.queue.fail(job.job_id, flight.lease, result.error, retryAt))
  }

  /**
   * Writes an outcome, retrying while Redis is away (bounded backoff) for as long as the lease could
   * still be ours; a lost lease means another worker has the job and this outcome is stale.
   */
  private async settle (flight: InFlight, log: Logger, write: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await write()
        return
      } catch (err) {
        const code = (err as { code?: string }).code
        if (code === 'JQ_ERR_LEASE_LOST' || code === 'JQ_ERR_JOB_NOT_FOUND') {
          log.warn({ err }, 'outcome not recorded: the lease was lost and the job runs elsewhere')
          return
        }
        if (code !== 'JQ_ERR_REDIS_UNAVAILABLE') throw err
        log.warn({ err, attempt }, 'could not record the outcome; retrying until Redis returns')
        await sleep(Math.min(5000, 100 * 2 ** attempt))
      }
    }
  }

  private extendLeases (): void {
    const leases = [...this.inFlight.values()].map((f) => ({ jobId: f.job.job_id, lease: f.lease }))
    if (leases.length === 0) return
    this.options.queue.extendLeases(leases, this.options.leaseMs).then((lost) => {
      for (const id of lost) {
        const flight = this.inFlight.get(id)
        if (!flight) continue
        this.options.logger.warn({ job_id: id }, 'lease lost; abandoning the callback')
        flight.abort.abort(new Error('lease lost'))
      }
    }, (err: Error) => this.options.logger.warn({ err }, 'lease heartbeat failed'))
  }
}
