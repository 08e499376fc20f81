import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent } from 'undici'
import type { RedisClient } from '../queue/redis.js'
import type { Logger } from 'pino'
import type { ClaimResult } from '../queue/job-queue.js'
import type { JobRecord } from '../queue/job.js'
import type { Queues } from '../queue/queues.js'
import { HandlerCache } from './handler-cache.js'
import { callbackOrigin, Interrupt } from './dispatch.js'
import { Batcher } from './batcher.js'
import { jobFields, runAttempt, SHUTDOWN, type AttemptContext } from './attempt.js'
import type { HandlerHosts } from '../queue/handler-hosts.js'
import { countTick, handlerMetrics, type WorkerMetrics } from '../metrics/worker-metrics.js'
import { ServedQueue } from './served-queue.js'
import { shareSlots } from './fair-share.js'
import { WakeListener } from './wake-listener.js'
import { SCHEDULES_CHANGED, ScheduleTicker } from './schedule-ticker.js'
import { isRetryable } from '../queue/redis-errors.js'
import { pickupKey } from '../queue/keys.js'

export interface WorkerOptions {
  queues: Queues
  /** The queues to serve, or '*' for every queue, including queues made while the worker runs. */
  serve: string[] | '*'
  /** JOBQ_QUEUE: its jobs' callbacks carry their plain job_id as webhook-id, as before named queues. */
  defaultQueue: string
  /** A connection of its own for the wake messages: a subscribed connection takes no other commands. */
  subscriber: RedisClient
  /**
   * A connection of its own for waiting on its pickup list (BLPOP holds its connection), with no
   * short command timeout. Given, a worker that serves one named queue also waits there when idle
   * and is handed jobs directly (lua/includes/pickup.lua); else it waits for wake messages only.
   */
  blocking?: RedisClient
  logger: Logger
  concurrency: number
  leaseMs: number
  resultLimit: number
  userAgent?: string
  /**
   * Longest quiet wait before looking at every queue again, even with nothing heard (a wake message
   * lost while the subscription was broken without the client noticing). Default 30 s.
   */
  maxBlockMs?: number
  /** JOBQ_HANDLER_HOSTS, checked again before each callback: a list tightened later holds for old handlers. */
  handlerHosts?: HandlerHosts
  metrics?: WorkerMetrics
}

type Served = ServedQueue<PendingCompletion>

interface InFlight {
  queue: Served
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
 * Claims jobs from one or more queues and dispatches each as a signed HTTP callback, up to
 * `concurrency` at once, its slots shared fairly among the queues that have work.
 *
 * An idle worker waits for the queues' wake messages (a job enqueued, a retry due sooner) or for
 * the next due time it knows of; it never polls. Leases are extended while callbacks run; an
 * outcome that cannot be written because Redis is away is retried until Redis returns, so no
 * answer is lost.
 */
export class Worker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  private readonly inFlight = new Map<string, InFlight>()
  private readonly served = new Map<string, Served>()
  /** Queues written in another data format: not served, and not checked again until a restart. */
  private readonly refused = new Set<string>()
  private readonly agent: Agent
  private readonly attempts: Omit<AttemptContext, 'handlers' | 'tokens'>
  private readonly wakes: WakeListener
  /** Fires the recurring schedules of the served queues. */
  private readonly ticker: ScheduleTicker
  private stopping = false
  /** Set when the shutdown grace period is over: a job that starts after it is put back at once. */
  private graceOver = false
  /** Slots promised to claims under way, so that two claims never fill the same slot. */
  private reserved = 0
  /** Jobs whose completion is being written: their slots are free for the claims of those writes. */
  private releasing = 0
  /** Round-robin turn for queues that tie for a slot. */
  private turn = 0
  /** When every queue was last looked at regardless of news. */
  private lastLook = Date.now()
  private wakeUp: (() => void) | null = null
  /** The queue whose jobs may be pushed to this worker's pickup list: the only one it serves, if named. */
  private readonly pickupQueueName: string | null
  /** After a failed wait on the pickup list, the worker waits for wake messages only until then. */
  private pickupRetryAt = 0
  /** The wait on the pickup list under way (BLPOP on the blocking connection), null when none. */
  private pickupWait: Promise<void> | null = null
  private heartbeat: NodeJS.Timeout | null = null
  private loop: Promise<void> | null = null

  constructor (private readonly options: WorkerOptions) {
    // Keep-alive pools per handler origin; no redirects are ever followed (undici follows none by default).
    this.agent = new Agent({ keepAliveTimeout: 10_000, connections: options.concurrency })
    this.attempts = {
      dispatcher: this.agent,
      logger: options.logger,
      resultLimit: options.resultLimit,
      userAgent: options.userAgent ?? 'jobq',
      handlerHosts: options.handlerHosts,
      metricsOf: null
    }
    this.wakes = new WakeListener({
      redis: options.subscriber,
      queues: options.serve,
      logger: options.logger,
      onWake: (name, message) => this.heard(name, message),
      onSubscribed: () => this.lookEverywhere()
    })
    this.pickupQueueName = options.blocking && Array.isArray(options.serve) && options.serve.length === 1 ? options.serve[0] : null
    const { metrics } = options
    this.ticker = new ScheduleTicker({
      logger: options.logger,
      onFired: metrics ? (queue, firing) => countTick(metrics, queue, firing) : undefined
    })
  }

  /** Serves a queue (its data format already checked); serving it twice changes nothing. */
  serve (name: string): void {
    if (this.served.has(name) || this.stopping) return
    const handle = this.options.queues.get(name)
    const { metrics } = this.options
    const queue: Served = new ServedQueue(handle, {
      ...this.attempts,
      handlers: new HandlerCache(handle.handlers),
      tokens: handle.jobs.tokens,
      origin: callbackOrigin(name, this.options.defaultQueue),
      metricsOf: metrics ? handlerMetrics(metrics, name) : null
    }, new Batcher({
      write: (batch, retry) => this.writeCompletions(queue, batch, retry),
      unavailable: (err, attempt, batch) =>
        this.options.logger.warn({ err, attempt, jobs: batch.length, queue: name }, 'could not record the outcome; retrying until Redis returns'),
      failed: (err, batch) => {
        // A bug, not an outcome: the leases lapse and the jobs are dispatched again.
        for (const c of batch) this.options.logger.error({ err, job_id: c.flight.job.job_id, queue: name }, 'job processing failed unexpectedly')
        this.written(batch, null)
      }
    }))
    this.served.set(name, queue)
    this.ticker.watch(handle)
    this.wake()
  }

  /** Starts listening and claiming. */
  async start (): Promise<void> {
    const interval = Math.max(250, Math.floor(this.options.leaseMs / 3))
    this.heartbeat = setInterval(() => {
      this.extendLeases()
      this.trimEvents()
    }, interval)
    await this.wakes.start()
    await this.options.blocking?.connect().catch((err: Error) =>
      this.options.logger.debug({ err }, 'Redis is not reachable yet for the pickup list; waiting for wake messages meanwhile'))
    this.loop = this.run()
  }

  /**
   * Graceful stop: no new claims; in-flight callbacks get `graceMs` to finish; the rest are aborted
   * and their jobs put back in the queue without counting the attempt.
   */
  async close (graceMs: number): Promise<void> {
    this.stopping = true
    this.ticker.close()
    this.wake()
    this.wakes.close()
    await this.loop
    await this.stopPickups()
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
    const { concurrency } = this.options
    const quietMs = this.options.maxBlockMs ?? 30_000
    while (!this.stopping) {
      const now = Date.now()
      // However busy, every queue is looked at once per quiet period: a wake message lost without
      // the client noticing (a cluster's subscriber moving to another node) costs at most that.
      if (now - this.lastLook >= quietMs) this.lookEverywhere()
      const free = concurrency - this.inFlight.size - this.reserved
      const ready = [...this.served.values()].filter((q) => q.isReady(now))
      if (free <= 0 || ready.length === 0) {
        await this.waitForWork(free <= 0, quietMs)
        continue
      }
      const shares = shareSlots(free, ready.map((q) => q.inFlight), this.turn++)
      await Promise.all(ready.map((q, i) => shares[i] > 0 ? this.claimFrom(q, shares[i]) : undefined))
    }
  }

  /** Claims up to `count` jobs of one queue and starts them; a failure backs off that queue only. */
  private async claimFrom (queue: Served, count: number): Promise<void> {
    const news = queue.news
    this.reserved += count
    let claimed: ClaimResult
    try {
      claimed = await queue.handle.jobs.claim(count, this.id, this.options.leaseMs, this.idleMs(queue))
    } catch (err) {
      this.options.logger.warn({ err, queue: queue.name }, 'claim failed; retrying')
      queue.failed(Date.now())
      return
    } finally {
      this.reserved -= count
    }
    queue.claimed(claimed, count, news)
    this.startAll(queue, claimed)
    this.listenForPickups(queue)
  }

  /**
   * Waits until something may have changed: a slot frees, a queue has news, a known due time comes
   * (or a queue's backoff ends), or the quiet period is over.
   */
  private async waitForWork (forSlot: boolean, quietMs: number): Promise<void> {
    let next = this.lastLook + quietMs
    if (!forSlot) {
      for (const q of this.served.values()) {
        const at = q.nextTime()
        if (at !== null && at < next) next = at
      }
    }
    // Timers may fire a little before Date.now() reaches `next`; a millisecond more keeps the
    // loop from finding nothing due and waiting again for nothing.
    const delay = Math.max(0, next - Date.now() + 1)
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay)
      this.wakeUp = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.wakeUp = null
  }

  private wake (): void {
    this.wakeUp?.()
  }

  /** The served queue that may hand jobs to this worker directly, once it is served; null for none. */
  private pickupQueue (): Served | null {
    return this.pickupQueueName === null ? null : (this.served.get(this.pickupQueueName) ?? null)
  }

  /** How long a claim of `queue` registers this worker as idle when it finds too few jobs (0: not at all). */
  private idleMs (queue: Served): number {
    if (this.stopping || queue !== this.pickupQueue() || !this.canWaitForPickup()) return 0
    // Past the longest wait between two claims (a quiet period), so a live worker never lapses.
    return (this.options.maxBlockMs ?? 30_000) + IDLE_MARGIN_MS
  }

  private canWaitForPickup (): boolean {
    return this.options.blocking?.status === 'ready' && Date.now() >= this.pickupRetryAt
  }

  /**
   * While a claim has registered this worker as idle, a wait of its own on its pickup list (BLPOP on
   * the blocking connection) takes the job an enqueue claimed for it, beside the main loop's waits:
   * a due time or a wake message costs nothing more than before. A claim under way meanwhile is
   * safe: a job pushed to the list goes to either the pop or the claim, never both.
   */
  private listenForPickups (queue: Served): void {
    if (this.pickupWait || !queue.idle || this.stopping || !this.canWaitForPickup()) return
    this.pickupWait = this.popPickups(queue).finally(() => { this.pickupWait = null })
  }

  private async popPickups (queue: Served): Promise<void> {
    const blocking = this.options.blocking as RedisClient
    const key = pickupKey(queue.handle.jobs.keys, this.id)
    // Registered again by a claim while a pop was still waiting, the worker goes on waiting.
    while (queue.idle && !this.stopping) {
      try {
        const reply = await blocking.blpop(key, PICKUP_WAIT_S)
        if (reply) this.pickedUp(queue, reply[1])
      } catch (err) {
        // A claim takes whatever was pushed meanwhile; wake messages serve for a while, so a pop that
        // keeps failing (a connection that keeps breaking, an ACL without BLPOP) costs no busy loop.
        this.options.logger[isRetryable(err) ? 'debug' : 'warn']({ err, queue: queue.name }, 'the wait on the pickup list failed; waiting for wake messages for a while')
        this.pickupRetryAt = Date.now() + PICKUP_RETRY_MS
        queue.heard()
        this.wake()
        return
      }
    }
  }

  /** A pickup list entry: a job claimed for this worker (dispatched at once), or a marker. */
  private pickedUp (queue: Served, entry: string): void {
    const job = queue.handle.jobs.pickedUp(entry)
    if (!job) return
    // The registration went with the job: the next claim registers again (and takes what else waits).
    queue.idle = false
    queue.heard()
    this.wake()
    const { concurrency, leaseMs, logger } = this.options
    if (this.inFlight.size + this.reserved >= concurrency) {
      // Claims under way fill every slot (they were sent as the job was handed over): the job goes
      // back at once, at its place and with no attempt counted, for the next free slot.
      queue.handle.jobs.release(job.job_id, job.lease as string).catch((err: Error) =>
        logger.debug({ err, job_id: job.job_id, queue: queue.name }, 'could not give back a job handed over with no slot free; it goes back when its pickup lease lapses'))
      return
    }
    queue.claimedSinceTrim++
    this.options.metrics?.handedOver.inc({ queue: queue.name })
    // The pickup lease is short: confirmed with a whole lease while the callback starts, in the
    // same connection's order before anything the callback writes.
    queue.handle.jobs.extendLeases([{ jobId: job.job_id, lease: job.lease as string }], leaseMs).then((lost) => {
      const flight = this.inFlight.get(flightKey(queue.name, job.job_id))
      if (lost.length > 0 && flight && !flight.answered) {
        logger.warn({ job_id: job.job_id, queue: queue.name }, 'lease lost before the callback started; abandoning it')
        flight.interrupt.interrupt(new Error('lease lost'))
      }
    }, (err: Error) => logger.warn({ err, queue: queue.name }, 'could not confirm a job handed over; the heartbeat will'))
    this.startAll(queue, { jobs: [job], nextWakeAt: queue.wakeAt, recovered: 0, idle: false })
  }

  /**
   * Shutdown: ends the pop under way (a marker; should Redis not take it, the connection is
   * dropped), then leaves `idle`, giving back what was pushed to the pickup list unpopped.
   */
  private async stopPickups (): Promise<void> {
    const queue = this.pickupQueue()
    const blocking = this.options.blocking
    if (!queue || !blocking) return
    const { logger } = this.options
    if (this.pickupWait) {
      await queue.handle.jobs.wakePickup(this.id, PICKUP_MARKER_TTL_MS).catch(() => blocking.disconnect())
      if (await Promise.race([this.pickupWait, sleep(1000, 'waiting')]) === 'waiting') blocking.disconnect()
      await this.pickupWait
    }
    try {
      const returned = await queue.handle.jobs.leaveIdle(this.id)
      if (returned > 0) logger.info({ queue: queue.name, jobs: returned }, 'gave back jobs handed over as the worker stopped')
    } catch (err) {
      logger.warn({ err, queue: queue.name }, 'could not leave the idle workers; jobs handed over meanwhile go back when their pickup lease lapses')
    }
    blocking.disconnect()
  }

  /** A wake message: the queue may have work, its schedules changed, or (serving '*') a queue came into being. */
  private heard (name: string, message = ''): void {
    const queue = this.served.get(name)
    if (queue && message === SCHEDULES_CHANGED) {
      this.ticker.changed(name)
    } else if (queue) {
      queue.heard()
      this.wake()
    } else if (this.options.serve === '*') {
      this.discover([name])
    }
  }

  /** Every queue may have work again (after a reconnection, or a long quiet). */
  private lookEverywhere (): void {
    this.lastLook = Date.now()
    for (const q of this.served.values()) q.heard()
    this.ticker.lookAll()
    if (this.options.serve === '*') {
      this.options.queues.names().then((names) => this.discover(names),
        (err: Error) => this.options.logger.debug({ err }, 'could not list the queues; trying again later'))
    }
    this.wake()
  }

  /** Serves the queues not served yet whose data this version can read. */
  private discover (names: string[]): void {
    for (const name of names) {
      if (this.served.has(name) || this.refused.has(name)) continue
      this.options.queues.get(name).jobs.checkFormat().then(() => {
        this.serve(name)
        this.options.logger.info({ queue: name }, 'serving a new queue')
      }, (err: Error & { code?: string }) => {
        if (err.code === 'JQ_ERR_QUEUE_FORMAT') {
          // Until this worker restarts: checking again would log the same error every quiet period.
          this.refused.add(name)
          this.options.logger.error({ err, queue: name }, 'not serving a queue written in another data format')
        } else {
          this.options.logger.debug({ err, queue: name }, 'could not check a new queue yet; trying again later')
        }
      })
    }
  }

  private startAll (queue: Served, claimed: ClaimResult): void {
    if (claimed.recovered > 0) this.options.metrics?.leaseExpiries.inc(claimed.recovered)
    for (const job of claimed.jobs) this.begin(queue, job)
    this.options.metrics?.inFlight.set(this.inFlight.size)
  }

  private begin (queue: Served, job: JobRecord): void {
    const interrupt = new Interrupt()
    if (this.graceOver) interrupt.interrupt(SHUTDOWN)
    const flight: InFlight = { queue, job, lease: job.lease as string, interrupt, done: Promise.resolve(), answered: false }
    const key = flightKey(queue.name, job.job_id)
    // The same job claimed again while an older attempt's outcome is still being written (its lease
    // lapsed while Redis was away): the newer flight takes the entry, and the older one's finish()
    // will not count it out.
    if (!this.inFlight.has(key)) queue.inFlight++
    this.inFlight.set(key, flight)
    flight.done = this.process(flight).catch((err: Error) => {
      // A bug, not an outcome: the lease lapses and the job is dispatched again.
      this.options.logger.error({ err, job_id: job.job_id, queue: queue.name }, 'job processing failed unexpectedly')
    }).finally(() => {
      if (this.finish(flight)) {
        this.options.metrics?.inFlight.set(this.inFlight.size)
        this.wake()
      }
    })
  }

  /** Frees a flight's slot; false when a batch write freed it already. */
  private finish (flight: InFlight): boolean {
    const key = flightKey(flight.queue.name, flight.job.job_id)
    if (this.inFlight.get(key) !== flight) return false
    this.inFlight.delete(key)
    flight.queue.inFlight--
    return true
  }

  private async process (flight: InFlight): Promise<void> {
    const { job, queue } = flight
    const outcome = await runAttempt(job, flight.interrupt, queue.attempts)
    flight.answered = true
    const jobs = queue.handle.jobs
    if (outcome.kind === 'complete') return this.completeLater(flight, outcome.result)
    if (outcome.kind === 'release') return this.settle(flight, () => jobs.release(job.job_id, flight.lease))
    if (outcome.kind === 'handoff') {
      // The handler took the job (202): it is the handler's now, under a lease it extends itself,
      // and this worker's slot is free once that is written. Shutdown does not wait for it.
      const counter = flight.lease.slice(flight.lease.lastIndexOf(':') + 1)
      return this.settle(flight, () => jobs.report(job.job_id, counter, { op: 'handoff', leaseMs: outcome.leaseMs }))
    }
    return this.settle(flight, () => jobs.fail(job.job_id, flight.lease, outcome.error, outcome.retryAt))
  }

  /** Queues a completion for its queue's next batch write; resolves once it is written or found stale. */
  private completeLater (flight: InFlight, result: string | null): Promise<void> {
    return new Promise((resolve) => flight.queue.completions.push({ flight, result, written: resolve }))
  }

  /**
   * Writes a batch of completions in one call that also claims jobs of the same queue for the slots
   * the batch frees, as many as the queue's fair share of them: a busy worker makes one round trip
   * per batch instead of a completion and a claim per job, and slots beyond the share are left to
   * the main loop for the other queues. No claim when stopping, nor on a retry: a claim whose
   * answer was lost holds its jobs until their leases lapse.
   */
  private async writeCompletions (queue: Served, batch: PendingCompletion[], retry: number): Promise<void> {
    const { concurrency, leaseMs } = this.options
    this.releasing += batch.length
    queue.releasing += batch.length
    const free = this.stopping || retry > 0 ? 0 : Math.max(0, concurrency - this.inFlight.size + this.releasing - this.reserved)
    const count = free > 0 ? this.shareOf(queue, free) : 0
    const news = queue.news
    this.reserved += count
    let reply
    try {
      reply = await queue.handle.jobs.completeAndClaim(batch.map((c) => ({ jobId: c.flight.job.job_id, lease: c.flight.lease, result: c.result })),
        count, this.id, leaseMs, count > 0 ? this.idleMs(queue) : 0)
    } catch (err) {
      // The script ran but too few replicas confirmed it: the jobs it claimed are this worker's
      // all the same (a claim needs no acknowledgement), and the completions are written again.
      const claimed = (err as { claimed?: ClaimResult }).claimed
      if (claimed) {
        if (count > 0) queue.claimed(claimed, count, news)
        this.startAll(queue, claimed)
      }
      throw err
    } finally {
      this.reserved -= count
      this.releasing -= batch.length
      queue.releasing -= batch.length
    }
    if (count > 0) queue.claimed(reply, count, news)
    // Claimed jobs start before the batch lets go of its slots, so close() waits for them too.
    this.startAll(queue, reply)
    this.listenForPickups(queue)
    this.written(batch, reply.codes)
  }

  /** The queue's share of `free` slots among the queues ready now; none when it has no work. */
  private shareOf (queue: Served, free: number): number {
    const now = Date.now()
    if (!queue.isReady(now)) return 0
    // A single queue takes every slot: the common case skips the sharing.
    if (this.served.size === 1) return free
    const ready = [...this.served.values()].filter((q) => q.isReady(now))
    const shares = shareSlots(free, ready.map((q) => q.inFlight - q.releasing), this.turn)
    return shares[ready.indexOf(queue)]
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
    this.wake()
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
        if (code === 'JQ_ERR_LEASE_LOST' || code === 'JQ_ERR_JOB_NOT_FOUND' || code === 'JQ_ERR_CALLBACK_TOKEN_STALE') {
          logger.warn({ ...jobFields(flight.job), err }, 'outcome not recorded: the lease was lost and the job runs elsewhere')
          return
        }
        if (!isRetryable(err)) throw err
        logger.warn({ ...jobFields(flight.job), err, attempt }, 'could not record the outcome; retrying until Redis returns')
        await sleep(Math.min(5000, 100 * 2 ** attempt))
      }
    }
  }

  /**
   * Caps the event streams of the queues this worker has been writing events to (every claim and
   * outcome writes some). The API trims them too, but workers may run for hours without an API, and
   * the streams must not grow meanwhile. Only after TRIM_AFTER_JOBS claims: a worker that ran a few
   * jobs and went idle sends nothing more (bench figure 10b), and the stream is at most a few
   * thousand entries over JOBQ_EVENTS_RETENTION between trims.
   */
  private trimEvents (): void {
    for (const queue of this.served.values()) {
      if (queue.claimedSinceTrim < TRIM_AFTER_JOBS) continue
      queue.claimedSinceTrim = 0
      queue.handle.jobs.trimEvents().catch((err: Error) => this.options.logger.debug({ err, queue: queue.name }, 'could not trim the event stream; trying again later'))
    }
  }

  /** Heartbeat: one call per queue with jobs in flight, for all of that queue's leases. */
  private extendLeases (): void {
    const byQueue = new Map<Served, Array<{ jobId: string, lease: string }>>()
    for (const f of this.inFlight.values()) {
      let leases = byQueue.get(f.queue)
      if (!leases) byQueue.set(f.queue, leases = [])
      leases.push({ jobId: f.job.job_id, lease: f.lease })
    }
    for (const [queue, leases] of byQueue) {
      queue.handle.jobs.extendLeases(leases, this.options.leaseMs).then((lost) => {
        for (const id of lost) {
          const flight = this.inFlight.get(flightKey(queue.name, id))
          // An answered callback whose outcome is being written: the write says whether it counted.
          if (!flight || flight.answered) continue
          this.options.logger.warn({ job_id: id, queue: queue.name }, 'lease lost; abandoning the callback')
          flight.interrupt.interrupt(new Error('lease lost'))
        }
      }, (err: Error) => this.options.logger.warn({ err, queue: queue.name }, 'lease heartbeat failed'))
    }
  }
}

/** How much longer than its longest wait a worker's idle registration lasts. */
const IDLE_MARGIN_MS = 10_000
/** One BLPOP's timeout, after which it is sent again while registered: below the blocking connection's command timeout (BLOCKING_COMMAND_TIMEOUT_MS). */
const PICKUP_WAIT_S = 30
/** How long a worker whose wait on its pickup list failed waits for wake messages only. */
const PICKUP_RETRY_MS = 2000
/** A wake-up marker's list expires after this, should its worker be gone before popping it. */
const PICKUP_MARKER_TTL_MS = 60_000

/** Jobs a worker claims from a queue between two trims of its event stream (about 3 events each). */
const TRIM_AFTER_JOBS = 500

/** Job ids are unique within a queue; queue names never hold a '/'. */
function flightKey (queue: string, jobId: string): string {
  return queue + '/' + jobId
}
