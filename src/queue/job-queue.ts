import type { RedisClient } from './redis.js'
import { writeAcknowledged, type AcknowledgedWrite, type ReplicaWait } from './acknowledged-write.js'
import { EnqueueCoalescer } from './enqueue-coalescer.js'
import { errorFromScriptCode, InvalidCursorError, queueFormatError, ScriptCode } from './errors.js'
import { decodeJob, decodeJobs, decodePickup, type JobRecord, type NewJob, type Priority } from './job.js'
import { enqueueKeys, flowKeys, pickupKey, pickupKeys, queueKeys, type QueueKeys } from './keys.js'
import { CallbackTokens } from './callback-token.js'
import { toQueueError } from './redis-errors.js'

export type EnqueueOutcome = 'created' | 'priority_raised' | 'exists' | 'processing'

export interface EnqueueResult {
  outcome: EnqueueOutcome | 'no_handler'
  job: JobRecord | null
}

export interface QueueOverview {
  queued: number
  by_priority: { 1: number, 2: number, 3: number }
  processing: number
  scheduled: number
  completed: number
  failed: number
  cancelled: number
  total_processed: number
  runtime_ms: { min: number | null, avg: number | null, max: number | null }
  /** When the longest-waiting queued job was first enqueued (ms), null when none is queued. */
  oldest_queued_at: number | null
  /** No job is claimed while paused. */
  paused: boolean
}

export interface JobPage {
  jobs: JobRecord[]
  next_cursor: string | null
}

export interface ClaimResult {
  jobs: JobRecord[]
  /** When the next job becomes ready (retry due or lease deadline), null when nothing is pending. */
  nextWakeAt: number | null
  /** Lapsed leases this call put back in the queue (or failed, on their last attempt). */
  recovered: number
  /**
   * The caller, having asked to (`idleMs`), is registered as idle: the next job to become ready may
   * be claimed for it and pushed to its pickup list (lua/includes/pickup.lua). False when it asked
   * for none, or when the call claimed all it asked for.
   */
  idle: boolean
}

/** A worker's answer that completes a job, written only while it still holds the lease. */
export interface Completion {
  jobId: string
  lease: string
  result: string | null
}

export interface JobQueueOptions {
  redis: RedisClient
  queue?: string
  prefix?: string
  completedRetentionMs?: number
  failedRetentionMs?: number
  /** JOBQ_EVENTS_RETENTION: the events stream keeps about this many entries. */
  eventsRetention?: number
  clock?: () => number
  /** Told of every Redis call that fails for want of Redis (for metrics). */
  onRedisError?: (err: Error) => void
  /** JOBQ_WAIT_REPLICAS: replicas that must have a write before it is acknowledged (0: none). */
  waitReplicas?: number
  waitTimeoutMs?: number
}

/** What a handler (or, for handoff, the worker) reports of the attempt it holds: see lua/reportAttempt. */
export type AttemptReport =
  | { op: 'handoff' | 'heartbeat', leaseMs?: number }
  | { op: 'progress', leaseMs?: number, percent?: number, message?: string }
  | { op: 'complete', result: string | null }
  | { op: 'fail', error: string, retry: boolean }

const OUTCOMES: Record<number, EnqueueOutcome> = { 1: 'created', 2: 'priority_raised', 3: 'exists', 4: 'processing' }
const HOUR = 3_600_000

/**
 * The queue: one method per Lua script, replies decoded, script codes turned into errors in one place.
 * Each method is a single script call, so every read-then-write is atomic inside Redis.
 */
export class JobQueue {
  readonly queueName: string
  readonly keys: QueueKeys
  readonly redis: RedisClient
  readonly completedRetentionMs: number
  readonly failedRetentionMs: number
  readonly eventsRetention: number
  private readonly now: () => number
  private readonly onRedisError: (err: Error) => void
  /** JOBQ_WAIT_REPLICAS and its timeout, for every acknowledged write of the queue (its schedules' too). */
  readonly replicaWait: ReplicaWait
  private readonly coalescer = new EnqueueCoalescer(this)
  /** Signs and checks the callback tokens of this queue's attempts. */
  readonly tokens: CallbackTokens

  constructor (options: JobQueueOptions) {
    this.redis = options.redis
    this.queueName = options.queue ?? 'default'
    this.keys = queueKeys(this.queueName, options.prefix)
    this.tokens = new CallbackTokens(this.redis, this.keys.callbackKey)
    this.completedRetentionMs = options.completedRetentionMs ?? HOUR
    this.failedRetentionMs = options.failedRetentionMs ?? 7 * 24 * HOUR
    this.eventsRetention = options.eventsRetention ?? 100_000
    this.now = options.clock ?? Date.now
    this.onRedisError = options.onRedisError ?? (() => {})
    this.replicaWait = { replicas: options.waitReplicas ?? 0, timeoutMs: options.waitTimeoutMs ?? 1000 }
  }

  /** Enqueues a batch atomically; each job gets its own outcome, in input order. */
  async enqueueMany (jobs: NewJob[]): Promise<EnqueueResult[]> {
    const args: Array<string | number> = [this.now(), jobs.length]
    for (const j of jobs) args.push(j.task, j.entity_id, j.priority, j.args, j.kwargs, j.metadata, j.due_at ?? 0)
    if (this.replicaWait.replicas > 0) args.push('1')
    const reply = await this.write('enqueueJobs', [...enqueueKeys(this.keys), ...args])
    if (reply[0] === ScriptCode.UnreadableData) throw queueFormatError(this.queueName, reply[1] as string | null, reply[2] as string)
    return decodeJobs(reply).map(({ code, job }, i) => {
      if (code < 0) return { outcome: 'no_handler', job: null }
      // The script does not send a created job's JSON back: it is what the caller gave.
      if (code === 1) Object.assign(job, { args: jobs[i].args, kwargs: jobs[i].kwargs, metadata: jobs[i].metadata })
      return { outcome: OUTCOMES[code], job }
    })
  }

  /**
   * Enqueues one job: created, priority raised, already there, or refused because its entity is running.
   * Calls made in the same turn of the event loop share one script call (see EnqueueCoalescer).
   * @throws JQ_ERR_HANDLER_NOT_FOUND when no handler is registered for the task.
   */
  enqueue (job: NewJob): Promise<{ outcome: EnqueueOutcome, job: JobRecord }> {
    return this.coalescer.enqueue(job)
  }

  /** Reads a job by job_id or entity_id, with its positions when queued. */
  async get (ident: string): Promise<JobRecord> {
    const k = this.keys
    return this.single(ident, () => this.redis.getJob(k.jobs, k.entities, ...flowKeys(k), ident))
  }

  /** Changes the priority of a queued or scheduled job; it keeps its first-enqueue place. */
  async updatePriority (ident: string, priority: Priority): Promise<JobRecord> {
    const k = this.keys
    return this.single(ident, () => this.write('updatePriority', [k.jobs, k.entities, ...flowKeys(k), k.events,
      ident, priority, this.now()]))
  }

  /** Cancels a waiting job (its entity is free again), or forgets a finished one. */
  async cancel (ident: string): Promise<{ outcome: 'cancelled' | 'deleted', job: JobRecord }> {
    const k = this.keys
    let code = 0
    const job = await this.single(ident, async () => {
      const reply = await this.write('cancelJob', [k.scheduled, k.completed, k.failed, k.cancelled,
        k.jobs, k.entities, ...flowKeys(k), k.events, ident, this.now(), this.completedRetentionMs])
      code = Array.isArray(reply) ? reply[0] : reply
      return reply
    })
    return { outcome: code === 1 ? 'cancelled' : 'deleted', job }
  }

  /** Puts a failed job back in the queue with a fresh allowance of attempts. */
  async retry (ident: string): Promise<JobRecord> {
    const k = this.keys
    return this.single(ident, () => this.write('retryJob', [k.failed, k.jobs, k.entities, k.wake, ...flowKeys(k), k.events,
      ident, this.now()]))
  }

  /** Counts of every state and runtime statistics. */
  async overview (): Promise<QueueOverview> {
    const k = this.keys
    const r = await this.call(() => this.redis.getQueue(
      k.processing, k.scheduled, k.completed, k.failed, k.cancelled, k.stats, k.jobs, k.paused, ...flowKeys(k))) as Array<number | null>
    const [queued, p1, p2, p3, processing, scheduled, completed, failed, cancelled, processed, sum, min, max, oldest, paused] = r
    const count = processed ?? 0
    return {
      queued: queued ?? 0,
      by_priority: { 1: p1 ?? 0, 2: p2 ?? 0, 3: p3 ?? 0 },
      processing: processing ?? 0,
      scheduled: scheduled ?? 0,
      completed: completed ?? 0,
      failed: failed ?? 0,
      cancelled: cancelled ?? 0,
      total_processed: count,
      runtime_ms: { min, avg: count > 0 ? Math.round((sum ?? 0) / count) : null, max },
      oldest_queued_at: oldest ?? null,
      paused: paused === 1
    }
  }

  /**
   * Pauses (true) or resumes the queue: paused, nothing is claimed, while callbacks in flight
   * finish and enqueues and changes go on. Resuming wakes idle workers. Returns the new state.
   */
  async setPaused (paused: boolean): Promise<boolean> {
    const k = this.keys
    return await this.write('pauseQueue', [k.paused, k.wake, paused ? '1' : '0']) === 1
  }

  /** One page of queued (dispatch order), processing (lease deadline) or failed (failure time) jobs after an opaque cursor. */
  async list (state: 'queued' | 'processing' | 'failed', cursor: string | undefined, limit: number): Promise<JobPage> {
    const k = this.keys
    const [score, member] = cursor ? decodeCursor(cursor) : ['', '']
    const reply = await this.call(() => state === 'queued'
      ? this.redis.listQueued(k.jobs, ...flowKeys(k), score, member, limit)
      : this.redis.listJobs(k[state], k.jobs, score, member, limit)) as Array<string | number | null>
    const next = reply[0] === null ? null : encodeCursor(String(reply[0]), String(reply[1]))
    return { jobs: decodeJobs(reply, 2).map((r) => r.job), next_cursor: next }
  }

  /**
   * Claims up to `count` ready jobs for `workerId` with a lease of `leaseMs`, after putting back
   * lapsed leases and promoting due retries. count = 0 does only that housekeeping.
   */
  async claim (count: number, workerId: string, leaseMs: number, idleMs = 0): Promise<ClaimResult> {
    const { jobs, nextWakeAt, recovered, idle } = await this.completeAndClaim([], count, workerId, leaseMs, idleMs)
    return { jobs, nextWakeAt, recovered, idle }
  }

  /**
   * Completes a job whose lease the caller holds; repeating it (its answer lost) changes nothing more.
   * @throws JQ_ERR_LEASE_LOST when the lease lapsed and the job was taken back.
   */
  async complete (jobId: string, lease: string, result: string | null): Promise<void> {
    const { codes: [code] } = await this.completeAndClaim([{ jobId, lease, result }], 0, '', 0)
    if (code < 0) throw errorFromScriptCode(code, jobId)
  }

  /**
   * A worker's round trip: completes each job whose lease it still holds, then claims up to `count`
   * ready jobs as claim() does (completions with count = 0 change only their own jobs, as complete()
   * does). `codes` answers each completion in order: 1 done, 2 recorded already by the same lease
   * (a repeated call), or the ScriptCode (NotFound, LeaseLost) that complete() would throw as an error.
   * With `idleMs` > 0 and `count` > 0, a caller that claims fewer than `count` jobs is registered as
   * idle for that long (see ClaimResult.idle); jobs already pushed to its pickup list are claimed first.
   */
  async completeAndClaim (completions: Completion[], count: number, workerId: string, leaseMs: number,
    idleMs = 0): Promise<ClaimResult & { codes: number[] }> {
    const k = this.keys
    const args: Array<string | number> = [this.now(), count, leaseMs, workerId, this.completedRetentionMs, idleMs]
    for (const c of completions) args.push(c.jobId, c.lease, c.result ?? '')
    const keysAndArgs = [k.processing, k.scheduled, k.failed, k.jobs, k.wake, k.handlers, k.stats, k.completed, k.entities, k.paused,
      ...flowKeys(k), k.events, ...pickupKeys(k), ...args]
    const jobsAt = 3 + completions.length
    const decode = (reply: Array<string | number | null>) => ({
      jobs: decodeJobs(reply, jobsAt).map((r) => r.job),
      nextWakeAt: reply[0] as number | null,
      recovered: reply[1] as number,
      idle: reply[2] === 1,
      codes: reply.slice(3, jobsAt) as number[]
    })
    // A claim alone acknowledges nothing: should a failover drop it, the jobs are simply claimed again.
    if (completions.length === 0) return decode(await this.call(() => this.redis.completeAndClaim(...keysAndArgs)))
    try {
      return decode(await this.write('completeAndClaim', keysAndArgs))
    } catch (err) {
      // Not replicated, but run: the jobs it claimed travel with the error (`claimed`) so that the
      // worker runs them instead of leaving them to lapse; the completions are to be written again.
      const reply = (err as { reply?: Array<string | number | null> }).reply
      if (reply) Object.assign(err as object, { claimed: decode(reply) })
      throw err
    }
  }

  /**
   * Ends a failed attempt: retried at `retryAt` (ms) when given, else the job fails for good.
   * @throws JQ_ERR_LEASE_LOST when the lease is no longer the caller's.
   */
  async fail (jobId: string, lease: string, error: string, retryAt: number | null): Promise<'scheduled' | 'failed'> {
    const code = await this.endAttempt(jobId, lease, error, retryAt ?? -1, true)
    return code === 1 ? 'scheduled' : 'failed'
  }

  /** Gives an unrun job back to the queue at its place without counting the attempt (shutdown). */
  async release (jobId: string, lease: string): Promise<void> {
    await this.endAttempt(jobId, lease, '', -1, false)
  }

  /**
   * Reports on the attempt a callback token names (`counter`, from tokens.verify), or hands a job to
   * its async handler (the worker, with its lease's counter). Returns the job as it is after; a
   * repeated complete or fail answers the same.
   * @throws JQ_ERR_CALLBACK_TOKEN_STALE when the token is not the attempt under way; JQ_ERR_JOB_NOT_FOUND
   */
  async report (jobId: string, counter: string, report: AttemptReport): Promise<JobRecord> {
    const k = this.keys
    let payload = ''
    if (report.op === 'progress') payload = JSON.stringify({ percent: report.percent ?? null, message: report.message ?? null })
    if (report.op === 'complete') payload = report.result ?? ''
    if (report.op === 'fail') payload = report.error
    const leaseMs = 'leaseMs' in report && report.leaseMs !== undefined ? report.leaseMs : ''
    return this.single(jobId, () => this.write('reportAttempt', [k.processing, k.scheduled, k.failed, k.completed, k.jobs,
      k.entities, k.stats, k.wake, k.handlers, ...flowKeys(k), k.events, report.op, jobId, counter, this.now(), leaseMs, payload,
      report.op === 'fail' && report.retry ? '1' : '0', this.completedRetentionMs, this.failedRetentionMs]))
  }

  /**
   * A job an idle worker popped from its pickup list (`entry`, as lua/includes/pickup.lua pushes it),
   * its lease token the plain one the worker holds; null for anything else (a wake-up marker).
   */
  pickedUp (entry: string): JobRecord | null {
    return decodePickup(entry)
  }

  /**
   * Unblocks the worker waiting on its pickup list (a marker it pops and ignores). The list expires
   * soon after, so a marker left by a worker that is gone does not stay.
   */
  async wakePickup (workerId: string, ttlMs: number): Promise<void> {
    const key = pickupKey(this.keys, workerId)
    await this.call(() => this.redis.multi().rpush(key, '').pexpire(key, ttlMs).exec())
  }

  /**
   * A worker that stops waiting for good (shutdown) leaves `idle` and gives back the jobs pushed to
   * its pickup list that it never popped, at their place and with no attempt counted. Returns how many.
   */
  async leaveIdle (workerId: string): Promise<number> {
    const k = this.keys
    return await this.call(() => this.redis.leaveIdle(...pickupKeys(k), k.processing, k.jobs, ...flowKeys(k),
      k.events, k.wake, workerId, this.now())) as number
  }

  /** Heartbeat for many jobs at once; returns the ids whose lease was lost. */
  async extendLeases (leases: Array<{ jobId: string, lease: string }>, leaseMs: number): Promise<string[]> {
    if (leases.length === 0) return []
    const k = this.keys
    const args = leases.flatMap((l) => [l.jobId, l.lease])
    return await this.call(() => this.redis.extendLeases(k.processing, k.jobs, this.now(), leaseMs, ...args)) as string[]
  }

  /** Periodic upkeep any process may run: lapsed leases, due retries, expired history, old events. */
  async housekeeping (workerId = 'housekeeping'): Promise<{ recovered: number, trimmed: number }> {
    const k = this.keys
    const { recovered } = await this.claim(0, workerId, 0)
    const trimmed = await this.call(() => this.redis.trimHistory(k.completed, k.failed, k.cancelled, k.jobs, k.entities,
      this.now(), this.completedRetentionMs, this.failedRetentionMs, 1000)) as number
    await this.trimEvents()
    return { recovered, trimmed }
  }

  /** Caps the event stream at JOBQ_EVENTS_RETENTION entries. */
  async trimEvents (): Promise<void> {
    // `~`: Redis trims whole nodes of the stream only, which is cheap; the stream keeps a little more.
    await this.call(() => this.redis.xtrim(this.keys.events, 'MAXLEN', '~', this.eventsRetention))
  }

  /**
   * Refuses a queue whose data this version cannot read (written by a version with another data
   * format), rather than misreading its jobs; marks a queue that has no data yet.
   * @throws JQ_ERR_QUEUE_FORMAT
   */
  async checkFormat (): Promise<void> {
    const k = this.keys
    const [ours, stored] = await this.call(() => this.redis.checkFormat(k.format, k.jobs, k.seq, k.queuedBeforeFormat3, k.processing, k.scheduled,
      ...flowKeys(k))) as [string, string | null]
    if (stored !== ours) throw queueFormatError(this.queueName, stored, ours)
    // The callback token key is made now, while Redis can take a write, rather than at the first
    // callback, which may come while it is out of memory. Should this fail, the first use makes it.
    await this.tokens.prepare().catch(() => {})
  }

  /** Every broken invariant of the queue's keys, as sentences; empty when sound. O(N): tests and audits. */
  async checkInvariants (): Promise<string[]> {
    const k = this.keys
    return await this.call(() => this.redis.checkInvariants(k.processing, k.scheduled, k.completed,
      k.failed, k.cancelled, k.jobs, k.entities, k.seq, k.format, ...flowKeys(k), k.schedules, k.ticks, ...pickupKeys(k))) as string[]
  }

  private async endAttempt (jobId: string, lease: string, error: string, retryAt: number, counts: boolean): Promise<number> {
    const k = this.keys
    const code = await this.write('failJob', [k.processing, k.scheduled, k.failed, k.jobs, k.entities,
      k.stats, k.wake, ...flowKeys(k), k.events, jobId, lease, this.now(), error, retryAt, this.failedRetentionMs, counts ? -1 : 0]) as number
    if (code < 0) throw errorFromScriptCode(code, jobId)
    return code
  }

  /** Runs a script that answers with one job reply or a bare negative code. */
  private async single (ident: string, run: () => Promise<unknown>): Promise<JobRecord> {
    const reply = await this.call(run)
    if (typeof reply === 'number') throw errorFromScriptCode(reply, ident)
    const { code, job } = decodeJob(reply as Array<string | number | null>)
    if (code < 0) throw errorFromScriptCode(code, ident, job)
    return job
  }

  /** Runs a script whose effect the caller acknowledges: see writeAcknowledged (JOBQ_WAIT_REPLICAS). */
  private async write (script: AcknowledgedWrite, keysAndArgs: Array<string | number>): Promise<any> {
    return this.call(() => writeAcknowledged(this.redis, this.replicaWait, script, keysAndArgs))
  }

  private async call (run: () => Promise<unknown>): Promise<any> {
    try {
      return await run()
    } catch (err) {
      const converted = toQueueError(err)
      if ((converted as { code?: string }).code === 'JQ_ERR_REDIS_UNAVAILABLE') this.onRedisError(converted as Error)
      throw converted
    }
  }
}

function encodeCursor (score: string, member: string): string {
  return Buffer.from(`${score}\n${member}`).toString('base64url')
}

function decodeCursor (cursor: string): [string, string] {
  const [score, member] = Buffer.from(cursor, 'base64url').toString().split('\n')
  if (member === undefined || !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(score)) throw new InvalidCursorError()
  return [score, member]
}
