import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent } from 'undici'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { ClaimResult, JobQueue } from '../queue/job-queue.js'
import type { JobRecord } from '../queue/job.js'
import { HandlerStore } from '../queue/handler-store.js'
import { HandlerCache } from './handler-cache.js'
import { Interrupt } from './dispatch.js'
import { Batcher } from './batcher.js'
import { jobFields, runAttempt, SHUTDOWN, type AttemptContext } from './attempt.js'
import type { HandlerHosts } from '../queue/handler-hosts.js'
import { handlerMetrics, type WorkerMetrics } from '../metrics/worker-metrics.js'

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
  interrupt: Interrupt
  done: Promise<void>
  /** The callback has answered and its outcome is being written: nothing is left to abandon. */
  answered: boolean
}

/** A completion waiting for the next batch write; `written` resolves once it is written or found stale. */
interface PendingCompletion {
  flight: InFlight
  result: string | null
  written: () => void
}

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
  private readonly agent: Agent
  private readonly attempts: AttemptContext
  private stopping = false
  /** Set when the shutdown grace period is over: a job that starts after it is put back at once. */
  private graceOver = false
  /** Slots promised to claims under way, so that two claims never fill the same slot. */
  private reserved = 0
  /** Jobs whose completion is being written: their slots are free for the claims of those writes. */
  private releasing = 0
  private readonly completions: Batcher<PendingCompletion>
  private slotFreed: (() => void) | null = null
  private heartbeat: NodeJS.Timeout | null = null
  private loop: Promise<void> | null = null

  constructor (private readonly options: WorkerOptions) {
    // Keep-alive pools per handler origin; no redirects are ever followed (undici follows none by default).
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: options.concurrency })
    this.attempts = {
      handlers: new HandlerCache(new HandlerStore(options.queue.redis, options.queue.keys)),
      dispatcher: this.agent,
      logger: options.logger,
      resultLimit: options.resultLimit,
      userAgent: options.userAgent ?? 'jobq',
      handlerHosts: options.handlerHosts,
      metricsOf: options.metrics ? handlerMetrics(options.metrics) : null
    }
    this.completions = new Batcher({
      write: (batch, retry) => this.writeCompletions(batch, retry),
      unavailable: (err, attempt, batch) =>
        options.logger.warn({ err, attempt, jobs: batch.length }, 'could not record the outcome; retrying until Redis returns'),
      failed: (err, batch) => {
        // A bug, not an outcome: the leases lapse and the jobs are dispatched again.
        for (const c of batch) options.logger.error({ err, job_id: c.flight.job.job_id }, 'job processing failed unexpectedly')
        this.written(batch, null)
      }
    })
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
    this.wakeLoop()
    this.options.blockingRedis.disconnect()
    await this.loop
    const timer = setTimeout(() => {
      this.graceOver = true
      for (const flight of this.inFlight.values()) flight.interrupt.interrupt(SHUTDOWN)
    }, graceMs)
    // A batch write under way as the stop came may still start the jobs it claimed: wait for those too.
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()].map((f) => f.done))
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
      const free = concurrency - this.inFlight.size - this.reserved
      if (free <= 0) {
        await new Promise<void>((resolve) => { this.slotFreed = resolve })
        continue
      }
      let claimed
      this.reserved += free
      try {
        claimed = await queue.claim(free, this.id, leaseMs)
        failures = 0
      } catch (err) {
        failures++
        logger.warn({ err }, 'claim failed; retrying')
        await sleep(Math.min(2000, 50 * 2 ** failures))
        continue
      } finally {
        this.reserved -= free
      }
      this.startAll(claimed)
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

  private startAll (claimed: ClaimResult): void {
    if (claimed.recovered > 0) this.options.metrics?.leaseExpiries.inc(claimed.recovered)
    for (const job of claimed.jobs) this.begin(job)
    this.options.metrics?.inFlight.set(this.inFlight.size)
  }

  private begin (job: JobRecord): void {
    const interrupt = new Interrupt()
    if (this.graceOver) interrupt.interrupt(SHUTDOWN)
    const flight: InFlight = { job, lease: job.lease as string, interrupt, done: Promise.resolve(), answered: false }
    this.inFlight.set(job.job_id, flight)
    flight.done = this.process(flight).catch((err: Error) => {
      // A bug, not an outcome: the lease lapses and the job is dispatched again.
      this.options.logger.error({ err, job_id: job.job_id }, 'job processing failed unexpectedly')
    }).finally(() => {
      if (this.finish(flight)) {
        this.options.metrics?.inFlight.set(this.inFlight.size)
        this.wakeLoop()
      }
    })
  }

  /** Frees a flight's slot; false when a batch write freed it already. */
  private finish (flight: InFlight): boolean {
    if (this.inFlight.get(flight.job.job_id) !== flight) return false
    this.inFlight.delete(flight.job.job_id)
    return true
  }

  private wakeLoop (): void {
    const wake = this.slotFreed
    this.slotFreed = null
    wake?.()
  }

  private async process (flight: InFlight): Promise<void> {
    const outcome = await runAttempt(flight.job, flight.interrupt, this.attempts)
    flight.answered = true
    const { queue } = this.options
    const { job_id: jobId } = flight.job
    if (outcome.kind === 'complete') return this.completeLater(flight, outcome.result)
    if (outcome.kind === 'release') return this.settle(flight, () => queue.release(jobId, flight.lease))
    return this.settle(flight, () => queue.fail(jobId, flight.lease, outcome.error, outcome.retryAt))
  }

  /** Queues a completion for the next batch write; resolves once it is written or found stale. */
  private completeLater (flight: InFlight, result: string | null): Promise<void> {
    return new Promise((resolve) => this.completions.push({ flight, result, written: resolve }))
  }

  /**
   * Writes a batch of completions in one call that also claims jobs for the slots the batch frees:
   * a busy worker makes one round trip per batch instead of a completion and a claim per job.
   * No claim when stopping, nor on a retry: a claim whose answer was lost holds its jobs until
   * their leases lapse.
   */
  private async writeCompletions (batch: PendingCompletion[], retry: number): Promise<void> {
    const { queue, concurrency, leaseMs } = this.options
    this.releasing += batch.length
    const count = this.stopping || retry > 0 ? 0 : Math.max(0, concurrency - this.inFlight.size + this.releasing - this.reserved)
    this.reserved += count
    let reply
    try {
      reply = await queue.completeAndClaim(batch.map((c) => ({ jobId: c.flight.job.job_id, lease: c.flight.lease, result: c.result })),
        count, this.id, leaseMs)
    } finally {
      this.reserved -= count
      this.releasing -= batch.length
    }
    // Claimed jobs start before the batch lets go of its slots, so close() waits for them too.
    this.startAll(reply)
    this.written(batch, reply.codes)
  }

  /**
   * Frees the slots of a batch whose write is over (an outcome stops its heartbeat only once
   * written). `codes` are the script's answers, null when the write failed.
   */
  private written (batch: PendingCompletion[], codes: number[] | null): void {
    for (const [i, c] of batch.entries()) {
      if (codes && codes[i] < 0) {
        this.options.logger.warn({ ...jobFields(c.flight.job), code: codes[i] }, 'outcome not recorded: the lease was lost and the job runs elsewhere')
      }
      this.finish(c.flight)
      c.written()
    }
    this.options.metrics?.inFlight.set(this.inFlight.size)
    this.wakeLoop()
  }

  /**
   * Writes a failed or released attempt, retrying while Redis is away (bounded backoff) for as long
   * as the lease could still be ours; a lost lease means another worker has the job and this outcome
   * is stale.
   */
  private async settle (flight: InFlight, write: () => Promise<unknown>): Promise<void> {
    const { logger } = this.options
    for (let attempt = 0; ; attempt++) {
      try {
        await write()
        return
      } catch (err) {
        const code = (err as { code?: string }).code
        if (code === 'JQ_ERR_LEASE_LOST' || code === 'JQ_ERR_JOB_NOT_FOUND') {
          logger.warn({ ...jobFields(flight.job), err }, 'outcome not recorded: the lease was lost and the job runs elsewhere')
          return
        }
        if (code !== 'JQ_ERR_REDIS_UNAVAILABLE') throw err
        logger.warn({ ...jobFields(flight.job), err, attempt }, 'could not record the outcome; retrying until Redis returns')
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
        // An answered callback whose outcome is being written: the write says whether it counted.
        if (!flight || flight.answered) continue
        this.options.logger.warn({ job_id: id }, 'lease lost; abandoning the callback')
        flight.interrupt.interrupt(new Error('lease lost'))
      }
    }, (err: Error) => this.options.logger.warn({ err }, 'lease heartbeat failed'))
  }
}
