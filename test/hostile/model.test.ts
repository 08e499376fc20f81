import { describe, it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { JobQueue, type AttemptReport } from '../../src/queue/job-queue.js'
import type { Redis } from 'ioredis'
import type { JobRecord } from '../../src/queue/job.js'
import { buildTestApp, jobKey, registerHandler, sharedRedis } from '../helper.js'
import { pickupKey } from '../../src/queue/keys.js'

/**
 * Model-based property test: random sequences of API requests and worker calls run against the real
 * API (app.inject) and Redis, and step by step against a small in-memory model of the queue written
 * here from the documented semantics (issue 2, README). Same HTTP statuses, outcomes, error codes,
 * statuses, priorities, positions, attempts, errors and results, and the same claim order.
 * Flow control (issue 13) too: delayed jobs (delay_ms, run_at), max_concurrency, and pausing the
 * queue or a handler; a claim takes jobs in priority then first-enqueue order among the handlers
 * that may dispatch now. Async handlers (issue 14) too: a callback answered 202 hands the job to its
 * handler, which heartbeats, reports progress, completes or fails it through the API with the
 * attempt's callback token (older attempts' tokens, other jobs', made-up ones and none are refused),
 * or lets its lease lapse. Direct delivery (issue 17) too: a worker's claim may register it as idle,
 * the next enqueue that readies a job hands one to the idle worker registered last (under a short
 * pickup lease, its list popped by `pop`), and a pickup lease that lapses, or a worker that leaves,
 * puts the job back uncounted. The Redis invariants are checked after every step.
 *
 * Replay a failure with JOBQ_FC_SEED=<seed> (and JOBQ_FC_PATH=<path> from fast-check's report),
 * running only the failing property (--test-name-pattern): a path belongs to one of the three.
 */
const SEED = Number(process.env.JOBQ_FC_SEED ?? 20260511)
const NUM_RUNS = Number(process.env.JOBQ_FC_RUNS ?? 80)
/** The runs of the property that mostly exercises async handlers. */
const ASYNC_RUNS = Math.ceil(NUM_RUNS / 2)
/** The runs of the property that mostly exercises direct delivery to idle workers. */
const PICKUP_RUNS = Math.ceil(NUM_RUNS / 2)
const PATH = process.env.JOBQ_FC_PATH
/**
 * A property's whole time, shrinking included (about 2 minutes when it passes): a failure found
 * late once shrank for over 20 minutes. Past it fast-check stops and reports the smallest failing
 * sequence found so far, and a run that had not finished its runs by then fails rather than pass
 * on fewer (JOBQ_FC_TIME_LIMIT_MS to change).
 */
const TIME_LIMIT_MS = Number(process.env.JOBQ_FC_TIME_LIMIT_MS ?? 10 * 60_000)

const DAY = 86_400_000
const LEASE_MS = 20_000
/** How long a claim registers its worker as idle, and the pickup lease of a job handed over (lua/includes/pickup.lua). */
const IDLE_MS = 6000
const PICKUP_LEASE_MS = 5000
/** Tasks with a handler and its max_attempts; commands also name `nope`, which has none. */
const HANDLERS: Record<string, number> = { ta: 1, tb: 2 }
/** A small pool, so entities collide: one with characters a path has to encode. */
const ENTITIES = ['a', 'b', 'c', 'd', 'e', 'f', 'ü/ß x?#%&']
const UNKNOWN = ['nobody', '000000000000']
const RESULTS = [null, '{"ok":true}', '[1,"two"]', '"text"', '0']
/** What a handler's settings leave out (lua/includes/job.lua retryPolicy). */
const DEFAULT_BACKOFF_MS = 1000
const DEFAULT_ASYNC_LEASE_MS = 300_000
const PROGRESS_MESSAGES = [undefined, 'encoding', 'ü "quoted" </tag> \\ 50%']

type Status = 'queued' | 'scheduled' | 'processing' | 'completed' | 'failed' | 'cancelled'
type Task = 'ta' | 'tb' | 'nope'
/**
 * Which job a command names, resolved against the model when it runs (so shrinking keeps commands
 * meaningful): an entity of the pool, any job_id ever given (deleted ones too), an id nobody has, or
 * a job now in a given state, named by its job_id or its entity_id.
 */
type Ref = { by: 'entity' | 'job' | 'unknown' | Status, index: number, viaEntity: boolean }
/** rate_per_second and burst (null: the rate rounded up); whole-ms intervals, so the model's integer clock meets them exactly. */
type Rate = { perSecond: 0.5 | 1 | 2, burst: 1 | 2 | null } | null
/** A handler's limits as PUT sets them (left out: none). */
type Limits = { maxConcurrency: 1 | 2 | null, rate: Rate }
/** A handler's retry and async settings as PUT sets them (null: left out, the default). */
type Policy = { async: boolean, asyncLeaseMs: 2000 | 10_000 | null, backoffMs: 1000 | 2500 | null }
/** Which callback token a report bears: its attempt's (under way, or ended), another job's, a made-up one, none. */
type TokenKind = 'current' | 'ended' | 'other' | 'made-up' | 'none'
type ReportOp = 'heartbeat' | 'progress' | 'complete' | 'fail'
/** How long after the model's now a job asks to run (0: now), and how it asks. */
type Delay = { via: 'delay_ms' | 'run_at', ms: 0 | 500 | 2500 | 7500 }
type Command =
  | { kind: 'enqueue', task: Task, entity: number, priority: 0 | 1 | 2 | 3, delay: Delay }
  | { kind: 'batch', items: Array<{ task: Task, entity: number, priority: 0 | 1 | 2 | 3, runAfterMs: 0 | 500 | 2500 | 7500 }> }
  | { kind: 'handler', task: 'ta' | 'tb', maxAttempts: number | null, limits: Limits, policy: Policy }
  | { kind: 'pause', target: 'queue' | Task, pause: boolean }
  | { kind: 'patch', ref: Ref, priority: 1 | 2 | 3 }
  | { kind: 'cancel', ref: Ref }
  | { kind: 'status', ref: Ref }
  | { kind: 'retry', ref: Ref }
  | { kind: 'claim', count: number, worker: 'w1' | 'w2', idle: boolean }
  /** A worker pops its pickup list (the job an enqueue handed it), or leaves the idle workers (shutdown). */
  | { kind: 'pop', worker: 'w1' | 'w2' }
  | { kind: 'leave', worker: 'w1' | 'w2' }
  | { kind: 'complete', pick: number, stale: boolean, result: number }
  | { kind: 'fail', pick: number, stale: boolean, retryInMs: number | null }
  | { kind: 'release', pick: number, stale: boolean }
  | { kind: 'extend', picks: number[], stale: boolean }
  | { kind: 'advance', ms: number }
  /** The callback of a held lease answers 202, with {"lease_ms": N} or no body. */
  | { kind: 'accept', pick: number, stale: boolean, leaseMs: 1000 | 4000 | 30_000 | null }
  /** A handler's report on an attempt; `message` and `result` index PROGRESS_MESSAGES and RESULTS. */
  | { kind: 'report', op: ReportOp, token: TokenKind, pick: number, scoped: boolean, leaseMs: 1000 | 4000 | 30_000 | null, percent: 0 | 37.5 | 100 | null, message: number, result: number | null, retry: boolean | null }

/** A claim: its lease token (a worker's), and the callback token its callback carried. */
interface Lease { instance: number, jobId: string, token: string, counter: string, callback: string }
interface Progress { percent: number | null, message: string | null, at: string }

interface ModelJob {
  id: string
  entity: string
  task: string
  args: unknown[]
  priority: number
  seq: number
  status: Status
  attempts: number
  /** started_at is set: by a claim; cleared when the job goes back to the queue unfinished or is retried. */
  started: boolean
  priorityUpdated: boolean
  /**
   * The lease of the latest claim as the record keeps it: held while processing; kept once that
   * attempt completed (or its handler failed it), so that a repeat is answered "recorded already";
   * dropped when a worker fails or releases it or it lapses.
   */
  lease: Lease | null
  /** The processing set's score: the lease deadline. */
  deadline: number | null
  /** When the lease of a job its async handler holds (202) lapses; null while a worker holds it. */
  heldUntil: number | null
  /** The last progress reported; cleared by the next claim. */
  progress: Progress | null
  /** The idle worker it was handed to, until that worker confirms it (a pickup lease); null otherwise. */
  pickup: string | null
  /** When a scheduled job is due: a retry's time, or a delayed job's. */
  retryAt: number | null
  lastError: string | null
  result: unknown
}

/** What the test compares of a job: everything the model can know (times only as set or not). */
interface Observed {
  job_id: string
  entity_id: string
  task: string
  status: Status
  priority: number
  position_in_queue: number | null
  position_in_priority: number | null
  attempts: number
  args: unknown
  last_error: string | null
  result: unknown
  next_attempt_at: string | null
  started: boolean
  finished: boolean
  priority_updated: boolean
  progress: Progress | null
  lease_expires_at: string | null
}

const FINISHED = new Set<Status>(['completed', 'failed', 'cancelled'])
const isActive = (job: ModelJob) => !FINISHED.has(job.status)

class Model {
  readonly jobs = new Map<string, ModelJob>()
  /** entity_id -> its latest job_id (the implementation's deduplication index, as documented). */
  readonly entities = new Map<string, string>()
  /** Every job_id ever created, deleted ones too, in creation order. */
  readonly allJobIds: string[] = []
  readonly leases: Lease[] = []
  /** Registered handlers: task -> max_attempts. */
  readonly handlers = new Map(Object.entries(HANDLERS))
  /**
   * Registered handlers' flow settings and their rate limiter's state (GCRA: `tat`, when the next
   * start is due at the average rate, kept when the limits change); a deleted handler's go with it.
   */
  readonly flow = new Map<string, Limits & { paused: boolean, tat: number | null }>()
  /** Registered handlers' retry and async settings; a deleted handler's go with it. */
  readonly policies = new Map<string, Policy>()
  queuePaused = false
  /** Idle workers: worker -> when its registration lapses. */
  readonly idle = new Map<string, number>()
  /** Each worker's pickup list: the jobs handed to it, not popped yet. */
  readonly pickups = new Map<string, ModelJob[]>()
  /** The enqueue under way made a job ready (created, or a delayed one due now): it hands jobs over. */
  readied = false
  seq = 0
  processed = 0
  now: number

  constructor (now: number) {
    this.now = now
  }

  /**
   * One enqueue as documented: no handler; the entity is running (processing, naming its job); it
   * waits (its priority raised when the new one is higher, else it exists; a delayed job becomes
   * due at the earlier of its due time and the request's, now when the request is not delayed); or
   * a new job, whose job_id the API chose (`newId`), scheduled until `due` when the request gives one.
   */
  enqueue (task: string, entity: string, priority: number, args: unknown[], newId: () => string, due?: () => number):
  { outcome: string, job: ModelJob | null } {
    if (!this.handlers.has(task)) return { outcome: 'no_handler', job: null }
    const currentId = this.entities.get(entity)
    const current = currentId === undefined ? undefined : this.jobs.get(currentId)
    if (current && current.status === 'processing') return { outcome: 'processing', job: current }
    if (current && isActive(current)) {
      // A retry keeps its backoff; only a delayed job (no attempt yet) is brought forward.
      if (current.status === 'scheduled' && current.attempts === 0) {
        const at = due?.()
        if (at === undefined) {
          current.status = 'queued'
          current.retryAt = null
          this.readied = true
        } else if (at < (current.retryAt as number)) {
          current.retryAt = at
        }
      }
      if (priority >= current.priority) return { outcome: 'exists', job: current }
      current.priority = priority
      current.priorityUpdated = true
      return { outcome: 'priority_raised', job: current }
    }
    const id = newId()
    assert.ok(!this.allJobIds.includes(id), `job_id ${id} was given before`)
    const job: ModelJob = {
      id,
      entity,
      task,
      args,
      priority,
      seq: this.seq++,
      status: due ? 'scheduled' : 'queued',
      attempts: 0,
      started: false,
      priorityUpdated: false,
      lease: null,
      deadline: null,
      heldUntil: null,
      progress: null,
      pickup: null,
      retryAt: due ? due() : null,
      lastError: null,
      result: null
    }
    if (!due) this.readied = true
    this.jobs.set(id, job)
    this.allJobIds.push(id)
    this.entities.set(entity, id)
    return { outcome: 'created', job }
  }

  resolve (ident: string): ModelJob | undefined {
    const byId = this.jobs.get(ident)
    if (byId) return byId
    const id = this.entities.get(ident)
    return id === undefined ? undefined : this.jobs.get(id)
  }

  ident (ref: Ref): string {
    if (ref.by === 'entity') return ENTITIES[ref.index % ENTITIES.length]
    if (ref.by === 'job' && this.allJobIds.length > 0) return this.allJobIds[ref.index % this.allJobIds.length]
    if (ref.by === 'unknown' || ref.by === 'job') return UNKNOWN[ref.index % UNKNOWN.length]
    const inState = [...this.jobs.values()].filter((j) => j.status === ref.by)
    if (inState.length === 0) return ENTITIES[ref.index % ENTITIES.length]
    const job = inState[ref.index % inState.length]
    return ref.viaEntity ? job.entity : job.id
  }

  queued (): ModelJob[] {
    return [...this.jobs.values()].filter((j) => j.status === 'queued').sort((a, b) => a.priority - b.priority || a.seq - b.seq)
  }

  /** Processing jobs by lease deadline, then the key Redis stores them under, as bytes (a sorted set's order). */
  processing (): ModelJob[] {
    return [...this.jobs.values()].filter((j) => j.status === 'processing')
      .sort((a, b) => (a.deadline as number) - (b.deadline as number) || (jobKey(a.id) < jobKey(b.id) ? -1 : jobKey(a.id) > jobKey(b.id) ? 1 : 0))
  }

  /** Whether `lease` is the one its job is processing under (a worker's or, after a 202, its handler's). */
  isHeld (lease: Lease): boolean {
    const job = this.jobs.get(lease.jobId)
    return job?.status === 'processing' && job.lease === lease
  }

  /** The delay before a retry of an attempt that ended in Redis (a handler's fail, a lapse): backoff doubled per attempt. */
  retryDelay (task: string, attempts: number): number {
    const backoff = this.policies.get(task)?.backoffMs ?? DEFAULT_BACKOFF_MS
    return Math.min(backoff * 2 ** Math.max(attempts - 1, 0), DAY)
  }

  asyncLeaseMs (task: string): number {
    return this.policies.get(task)?.asyncLeaseMs ?? DEFAULT_ASYNC_LEASE_MS
  }

  /**
   * What any process's housekeeping does once time has passed: lapsed leases fail their attempt
   * (a worker's goes back to the queue, a handler's is retried by its backoff; failed for good once
   * out of attempts; one handed to an idle worker and never confirmed goes back uncounted), then
   * due jobs are queued. Returns how many lapsed (of them, held by a handler or handed to an idle
   * worker and not confirmed) and how many came due.
   */
  housekeep (): { lapsed: number, handed: number, returned: number, due: number } {
    const lapsed = this.processing().filter((j) => (j.deadline as number) <= this.now)
    let handed = 0
    let returned = 0
    for (const job of lapsed) {
      if (job.pickup !== null && job.heldUntil === null) {
        this.giveBack(job)
        returned++
        continue
      }
      if (job.heldUntil !== null) {
        handed++
        job.lastError = 'no heartbeat within lease'
      } else {
        // The message names the worker (the token less its attempt and counter), never the lease token.
        job.lastError = `lease expired: worker ${job.lease?.token.replace(/:[^:]*:[^:]*$/, '')} did not answer in time`
      }
      job.lease = null
      job.deadline = null
      if (job.attempts >= (this.handlers.get(job.task) ?? 1)) {
        job.status = 'failed'
        this.processed++
      } else if (job.heldUntil !== null) {
        job.status = 'scheduled'
        job.retryAt = this.now + this.retryDelay(job.task, job.attempts)
      } else {
        job.status = 'queued'
        job.started = false
      }
      job.heldUntil = null
    }
    let due = 0
    for (const job of this.jobs.values()) {
      if (job.status === 'scheduled' && (job.retryAt as number) <= this.now) {
        job.status = 'queued'
        job.retryAt = null
        due++
      }
    }
    return { lapsed: lapsed.length, handed, returned, due }
  }

  /** A job handed to an idle worker that never confirmed it: back at its place, the attempt not counted. */
  giveBack (job: ModelJob): void {
    const list = this.list(job.pickup as string)
    if (list.includes(job)) list.splice(list.indexOf(job), 1)
    job.status = 'queued'
    job.attempts--
    job.started = false
    job.lease = null
    job.deadline = null
    job.pickup = null
  }

  list (worker: string): ModelJob[] {
    let list = this.pickups.get(worker)
    if (!list) this.pickups.set(worker, list = [])
    return list
  }

  /**
   * After an enqueue that readied a job: the idle worker registered last (lapsed registrations
   * dropped) is handed the job a claim of one would take, while there are both; none while paused.
   */
  deliver (): string {
    if (!this.readied) return ''
    this.readied = false
    if (this.idle.size === 0 || this.queuePaused) return ''
    let delivered = 0
    for (const [worker, until] of this.idle) if (until < this.now) this.idle.delete(worker)
    for (;;) {
      const worker = [...this.idle].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).at(-1)?.[0]
      if (worker === undefined) break
      const [job] = this.claimable(1)
      if (!job) break
      this.idle.delete(worker)
      this.started([job])
      job.status = 'processing'
      job.attempts++
      job.started = true
      job.deadline = this.now + PICKUP_LEASE_MS
      job.heldUntil = null
      job.progress = null
      job.lease = null
      job.pickup = worker
      this.list(worker).push(job)
      delivered++
    }
    return delivered > 0 ? ` (${delivered} handed over)` : ''
  }

  count (status: Status, task?: string): number {
    return [...this.jobs.values()].filter((j) => j.status === status && (task === undefined || j.task === task)).length
  }

  /**
   * The jobs a claim of `count` takes, in order: the queued ones by priority then first enqueue,
   * skipping a handler that is paused, has max_concurrency jobs in flight, or may start no more now
   * at its rate, `burst` at once from rest (limits ignored when `unlimited`, to see what they held
   * back); none while the queue is paused.
   */
  claimable (count: number, unlimited = false): ModelJob[] {
    if (this.queuePaused) return []
    const inFlight = new Map<string, number>()
    for (const job of this.processing()) inFlight.set(job.task, (inFlight.get(job.task) ?? 0) + 1)
    const startedNow = new Map<string, number>()
    const taken: ModelJob[] = []
    for (const job of this.queued()) {
      if (taken.length >= count) break
      const flow = this.flow.get(job.task)
      const running = inFlight.get(job.task) ?? 0
      const started = startedNow.get(job.task) ?? 0
      if (flow?.paused) continue
      if (!unlimited && flow?.maxConcurrency != null && running >= flow.maxConcurrency) continue
      if (!unlimited && flow?.rate && started >= this.tokens(job.task)) continue
      inFlight.set(job.task, running + 1)
      startedNow.set(job.task, started + 1)
      taken.push(job)
    }
    return taken
  }

  /** Starts the handler's rate allows now: `burst` after a quiet spell, one per interval on average. */
  tokens (task: string): number {
    const flow = this.flow.get(task)
    if (!flow?.rate) return Infinity
    const interval = 1000 / flow.rate.perSecond
    const tat = Math.max(flow.tat ?? this.now, this.now)
    return Math.floor((this.now + burstOf(flow.rate) * interval - tat) / interval)
  }

  /** Counts a claim's starts in each rate-limited handler's limiter. */
  started (jobs: ModelJob[]): void {
    for (const job of jobs) {
      const flow = this.flow.get(job.task)
      if (flow?.rate) flow.tat = Math.max(flow.tat ?? this.now, this.now) + 1000 / flow.rate.perSecond
    }
  }

  view (job: ModelJob): Observed {
    let position: number | null = null
    let inPriority: number | null = null
    if (job.status === 'queued') {
      const order = this.queued()
      position = order.indexOf(job) + 1
      inPriority = order.filter((j) => j.priority === job.priority).indexOf(job) + 1
    }
    return {
      job_id: job.id,
      entity_id: job.entity,
      task: job.task,
      status: job.status,
      priority: job.priority,
      position_in_queue: position,
      position_in_priority: inPriority,
      attempts: job.attempts,
      args: job.args,
      last_error: job.lastError,
      result: job.result,
      next_attempt_at: job.status === 'scheduled' ? new Date(job.retryAt as number).toISOString() : null,
      started: job.started,
      finished: FINISHED.has(job.status),
      priority_updated: job.priorityUpdated,
      progress: job.progress,
      lease_expires_at: job.status === 'processing' && job.heldUntil !== null ? new Date(job.heldUntil).toISOString() : null
    }
  }
}

/** The observable part of a job as the API shows it. */
function observe (body: Record<string, unknown>): Observed {
  return {
    job_id: body.job_id as string,
    entity_id: body.entity_id as string,
    task: body.task as string,
    status: body.status as Status,
    priority: body.priority as number,
    position_in_queue: body.position_in_queue as number | null,
    position_in_priority: body.position_in_priority as number | null,
    attempts: body.attempts as number,
    args: body.args,
    last_error: body.last_error as string | null,
    result: body.result,
    next_attempt_at: body.next_attempt_at as string | null,
    started: body.started_at !== null,
    finished: body.finished_at !== null,
    priority_updated: body.priority_updated_at !== null,
    progress: body.progress as Progress | null,
    lease_expires_at: body.lease_expires_at as string | null
  }
}

/** The same for a record JobQueue.claim returns (times in ms, positions not computed). */
function observeRecord (job: JobRecord): Omit<Observed, 'position_in_queue' | 'position_in_priority'> {
  return {
    job_id: job.job_id,
    entity_id: job.entity_id,
    task: job.task,
    status: job.status,
    priority: job.priority,
    attempts: job.attempts,
    args: JSON.parse(job.args),
    last_error: job.last_error,
    result: job.result === null ? null : JSON.parse(job.result),
    next_attempt_at: job.next_attempt_at === null ? null : new Date(job.next_attempt_at).toISOString(),
    started: job.started_at !== null,
    finished: job.finished_at !== null,
    priority_updated: job.priority_updated_at !== null,
    progress: job.progress === null ? null : { ...job.progress, at: new Date(job.progress.at).toISOString() },
    lease_expires_at: job.status === 'processing' && job.held_until !== null ? new Date(job.held_until).toISOString() : null
  }
}

const path = (ident: string) => encodeURIComponent(ident)

function expectError (res: LightMyRequestResponse, status: number, code: string, jobId: string | undefined, what: string): string {
  assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body}`)
  const body = res.json()
  assert.equal(body.statusCode, status, what)
  assert.equal(body.code, code, `${what}: ${res.body}`)
  assert.equal(body.job_id, jobId, `${what}: job_id of ${res.body}`)
  return `${status} ${code}`
}

function expectJob (res: LightMyRequestResponse, status: number, model: Model, job: ModelJob, what: string): string {
  assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body}`)
  assert.deepEqual(observe(res.json()), model.view(job), what)
  return `${status} ${job.status}`
}

/** Runs one command against the API (or JobQueue, for worker calls) and the model, and compares. */
async function step (app: FastifyInstance, worker: JobQueue, model: Model, cmd: Command, n: number): Promise<string> {
  const what = `step ${n} ${JSON.stringify(cmd)}`
  switch (cmd.kind) {
    case 'enqueue': {
      model.readied = false
      const entity = ENTITIES[cmd.entity]
      const payload: Record<string, unknown> = { task: cmd.task, entity_id: entity, args: [n] }
      if (cmd.priority !== 0) payload.priority = cmd.priority
      const target = model.now + cmd.delay.ms
      const sent = Date.now()
      if (cmd.delay.ms > 0) {
        // The API adds delay_ms to its own clock, a day behind the model's: asked for at the model's
        // time, the job is due a few ms later (the request's own time), learned from the answer.
        if (cmd.delay.via === 'delay_ms') payload.delay_ms = target - sent
        else payload.run_at = new Date(target).toISOString()
      }
      const res = await app.inject({ method: 'POST', url: '/jobs', payload })
      const slack = cmd.delay.via === 'delay_ms' ? Date.now() - sent : 0
      const answered = res.statusCode < 300 ? Date.parse(res.json().next_attempt_at) : NaN
      const due = cmd.delay.ms === 0 ? undefined : () => answered >= target && answered <= target + slack ? answered : target
      const { outcome, job } = model.enqueue(cmd.task, entity, cmd.priority || 1, [n], () => res.json().job_id, due)
      if (outcome === 'created' && due) assert.ok(answered >= target && answered <= target + slack, `${what}: due at ${answered}, not ${target} (+${slack})`)
      if (outcome === 'no_handler') return expectError(res, 422, 'JQ_ERR_NO_HANDLER', undefined, what)
      if (outcome === 'processing') {
        expectError(res, 409, 'JQ_ERR_ENTITY_PROCESSING', job?.id, what)
        assert.equal(res.json().outcome, 'processing', what)
        return '409 processing'
      }
      expectJob(res, outcome === 'created' ? 201 : 200, model, job as ModelJob, what)
      assert.equal(res.json().outcome, outcome, what)
      // Answered as its step left the job; then the script hands what became ready to idle workers.
      const handed = model.deliver()
      return `${res.statusCode} ${outcome}${outcome === 'created' ? '' : ` (${job?.status})`}${handed}`
    }
    case 'batch': {
      model.readied = false
      const payload = {
        jobs: cmd.items.map((item, i) => ({
          task: item.task,
          entity_id: ENTITIES[item.entity],
          args: [n, i],
          ...(item.priority ? { priority: item.priority } : {}),
          ...(item.runAfterMs ? { run_at: new Date(model.now + item.runAfterMs).toISOString() } : {})
        }))
      }
      const res = await app.inject({ method: 'POST', url: '/jobs/batch', payload })
      assert.equal(res.statusCode, 200, `${what}: ${res.statusCode} ${res.body}`)
      const results = res.json().results as Array<Record<string, unknown>>
      assert.equal(results.length, cmd.items.length, what)
      // Each item sees the ones before it and is answered with the state right after its own step,
      // as if the items had been separate calls in this order.
      const outcomes = []
      const seen = []
      for (const [i, item] of cmd.items.entries()) {
        const due = item.runAfterMs ? () => model.now + item.runAfterMs : undefined
        const { outcome, job } = model.enqueue(item.task, ENTITIES[item.entity], item.priority || 1, [n, i], () => results[i].job_id as string, due)
        outcomes.push({ outcome })
        seen.push(job
          ? { outcome, job_id: job.id, status: job.status, priority: job.priority, position_in_queue: model.view(job).position_in_queue }
          : { outcome, job_id: null, status: null, priority: null, position_in_queue: null })
      }
      assert.deepEqual(results.map(({ message: _, ...rest }) => rest), seen, what)
      for (const [i, r] of results.entries()) assert.equal(typeof r.message === 'string', r.outcome === 'no_handler', `${what}: message of item ${i}`)
      const handed = model.deliver()
      return `200 ${[...new Set(outcomes.map((o) => o.outcome))].sort().join('+')}${handed}`
    }
    case 'handler': {
      const url = `/handlers/${cmd.task}`
      if (cmd.maxAttempts === null) {
        const res = await app.inject({ method: 'DELETE', url })
        if (!model.handlers.delete(cmd.task)) return expectError(res, 404, 'JQ_ERR_HANDLER_NOT_FOUND', undefined, what)
        // Its limits, pause and settings go with it.
        model.flow.delete(cmd.task)
        model.policies.delete(cmd.task)
        assert.equal(res.statusCode, 204, `${what}: ${res.body}`)
        return '204 deleted'
      }
      // A setting left out takes its default (no limit); a handler's pause and rate limiter's state stay.
      const res = await app.inject({ method: 'PUT', url, payload: handlerSettings(cmd.maxAttempts, cmd.limits, cmd.policy) })
      const status = model.handlers.has(cmd.task) ? 200 : 201
      model.handlers.set(cmd.task, cmd.maxAttempts)
      model.policies.set(cmd.task, cmd.policy)
      const before = model.flow.get(cmd.task)
      model.flow.set(cmd.task, { ...cmd.limits, paused: before?.paused ?? false, tat: before?.tat ?? null })
      assert.equal(res.statusCode, status, `${what}: ${res.body}`)
      assert.deepEqual(handlerCounts(res.json()), modelCounts(model, cmd.task), what)
      return `${status} put${cmd.limits.maxConcurrency || cmd.limits.rate ? ' limited' : ''}${cmd.policy.async ? ' async' : ''}`
    }
    case 'pause': {
      const verb = cmd.pause ? 'pause' : 'resume'
      if (cmd.target === 'queue') {
        const res = await app.inject({ method: 'POST', url: `/queue/${verb}` })
        assert.equal(res.statusCode, 200, `${what}: ${res.body}`)
        model.queuePaused = cmd.pause
        assert.deepEqual(res.json(), { queue: app.jobQueue.queueName, paused: cmd.pause }, what)
        return `200 queue ${verb}d`
      }
      const res = await app.inject({ method: 'POST', url: `/handlers/${cmd.target}/${verb}` })
      const flow = model.flow.get(cmd.target)
      if (!flow) return expectError(res, 404, 'JQ_ERR_HANDLER_NOT_FOUND', undefined, what)
      flow.paused = cmd.pause
      assert.equal(res.statusCode, 200, `${what}: ${res.body}`)
      assert.deepEqual(handlerCounts(res.json()), modelCounts(model, cmd.target), what)
      return `200 handler ${verb}d`
    }
    case 'patch': {
      const ident = model.ident(cmd.ref)
      const res = await app.inject({ method: 'PATCH', url: `/jobs/${path(ident)}/priority`, payload: { priority: cmd.priority } })
      const job = model.resolve(ident)
      if (!job) return expectError(res, 404, 'JQ_ERR_JOB_NOT_FOUND', undefined, what)
      if (job.status === 'processing') return expectError(res, 409, 'JQ_ERR_JOB_PROCESSING', job.id, what)
      if (job.status !== 'queued' && job.status !== 'scheduled') return expectError(res, 409, 'JQ_ERR_JOB_NOT_WAITING', job.id, what)
      if (job.priority !== cmd.priority) {
        job.priority = cmd.priority
        job.priorityUpdated = true
      }
      return expectJob(res, 200, model, job, what)
    }
    case 'cancel': {
      const ident = model.ident(cmd.ref)
      const res = await app.inject({ method: 'DELETE', url: `/jobs/${path(ident)}` })
      const job = model.resolve(ident)
      if (!job) return expectError(res, 404, 'JQ_ERR_JOB_NOT_FOUND', undefined, what)
      if (job.status === 'processing') return expectError(res, 409, 'JQ_ERR_JOB_PROCESSING', job.id, what)
      assert.equal(res.statusCode, 204, `${what}: ${res.statusCode} ${res.body}`)
      assert.equal(res.body, '', what)
      if (isActive(job)) {
        job.status = 'cancelled'
        job.retryAt = null
        return '204 cancelled'
      }
      model.jobs.delete(job.id)
      if (model.entities.get(job.entity) === job.id) model.entities.delete(job.entity)
      return `204 deleted (${job.status})`
    }
    case 'status': {
      const ident = model.ident(cmd.ref)
      const res = await app.inject({ url: `/jobs/${path(ident)}` })
      const job = model.resolve(ident)
      if (!job) return expectError(res, 404, 'JQ_ERR_JOB_NOT_FOUND', undefined, what)
      return expectJob(res, 200, model, job, what)
    }
    case 'retry': {
      const ident = model.ident(cmd.ref)
      const res = await app.inject({ method: 'POST', url: `/jobs/${path(ident)}/retry` })
      const job = model.resolve(ident)
      if (!job) return expectError(res, 404, 'JQ_ERR_JOB_NOT_FOUND', undefined, what)
      if (job.status !== 'failed') return expectError(res, 409, 'JQ_ERR_JOB_NOT_FAILED', job.id, what)
      const otherId = model.entities.get(job.entity)
      const other = otherId === undefined ? undefined : model.jobs.get(otherId)
      if (other && other !== job && isActive(other)) return expectError(res, 409, 'JQ_ERR_ENTITY_BUSY', other.id, what)
      job.status = 'queued'
      job.attempts = 0
      job.started = false
      model.entities.set(job.entity, job.id)
      return expectJob(res, 200, model, job, what)
    }
    case 'claim': {
      const claimed = await worker.claim(cmd.count, cmd.worker, LEASE_MS, cmd.idle ? IDLE_MS : 0)
      // Housekeeping ran when time moved (`advance`): a claim finds nothing lapsed or due.
      const recovered = model.housekeep()
      assert.deepEqual(recovered, { lapsed: 0, handed: 0, returned: 0, due: 0 }, `${what}: housekeeping left to the claim`)
      // A claim first takes what was handed to the worker and not popped, confirming it.
      let taken: ModelJob[] = []
      if (cmd.count > 0) {
        model.idle.delete(cmd.worker)
        taken = model.list(cmd.worker).splice(0)
      }
      const queued = model.queued().length
      const expected = model.claimable(cmd.count - taken.length)
      assert.deepEqual(claimed.jobs.map((j) => j.job_id), [...taken, ...expected].map((j) => j.id), `${what}: claim order`)
      model.started(expected)
      for (const [i, job] of [...taken, ...expected].entries()) {
        const record = claimed.jobs[i]
        if (!taken.includes(job)) {
          job.status = 'processing'
          job.attempts++
          job.started = true
          job.heldUntil = null
          job.progress = null
        }
        job.deadline = model.now + LEASE_MS
        job.pickup = null
        await learnLease(worker, model, job, record, `${what}: claimed ${job.id}`)
      }
      const idle = cmd.idle && cmd.count > 0 && taken.length + expected.length < cmd.count
      if (idle) model.idle.set(cmd.worker, model.now + IDLE_MS)
      assert.equal(claimed.idle, idle, `${what}: registered as idle`)
      let held = ''
      if (expected.length < Math.min(cmd.count, queued)) held = model.queuePaused ? ' (queue paused)' : ' (held back by a paused handler)'
      if (model.claimable(cmd.count, true).length > expected.length) {
        const handedOff = model.processing().some((j) => j.heldUntil !== null && model.flow.get(j.task)?.maxConcurrency)
        held = ` (held back by a limit${handedOff ? ', handed-off jobs in flight' : ''})`
      }
      return `claimed ${expected.length}${taken.length > 0 ? ` and ${taken.length} handed over` : ''}${held}${idle ? ', idle' : ''}`
    }
    case 'pop': {
      const entry = await (app.jobQueue.redis as Redis).lpop(pickupKey(worker.keys, cmd.worker))
      const job = model.list(cmd.worker).shift()
      if (!job) {
        assert.equal(entry, null, what)
        return 'nothing handed over'
      }
      const record = worker.pickedUp(entry as string)
      assert.ok(record, `${what}: ${entry}`)
      await learnLease(worker, model, job, record, `${what}: popped ${job.id}`)
      return 'popped'
    }
    case 'leave': {
      const returned = await worker.leaveIdle(cmd.worker)
      model.idle.delete(cmd.worker)
      const list = model.list(cmd.worker).splice(0)
      for (const job of list) model.giveBack(job)
      assert.equal(returned, list.length, what)
      return `left, ${returned} given back`
    }
    case 'complete':
    case 'fail': {
      const lease = pickLease(model, cmd.pick, cmd.stale)
      if (!lease) return 'no lease to use'
      if (cmd.kind === 'complete') return await workerComplete(worker, model, lease, RESULTS[cmd.result % RESULTS.length], what)
      const job = model.jobs.get(lease.jobId)
      const held = model.isHeld(lease)
      const message = `attempt failed at step ${n}`
      const retryAt = cmd.retryInMs !== null ? model.now + cmd.retryInMs : null
      let got: string
      try {
        got = await worker.fail(lease.jobId, lease.token, message, retryAt)
      } catch (err) {
        got = (err as { code?: string }).code ?? String(err)
      }
      let expected: string
      if (!job) {
        expected = 'JQ_ERR_JOB_NOT_FOUND'
      } else if (!held) {
        expected = 'JQ_ERR_LEASE_LOST'
      } else {
        job.lease = null
        job.deadline = null
        job.heldUntil = null
        job.lastError = message
        if (retryAt !== null) {
          job.status = 'scheduled'
          job.retryAt = retryAt
        } else {
          job.status = 'failed'
          model.processed++
        }
        expected = job.status
      }
      assert.equal(got, expected, `${what}: lease ${JSON.stringify(lease)} (current ${JSON.stringify(job?.lease ?? null)})`)
      return `${held ? '' : 'stale '}${expected}`
    }
    case 'release': {
      const lease = pickLease(model, cmd.pick, cmd.stale)
      if (!lease) return 'no lease to use'
      const job = model.jobs.get(lease.jobId)
      const held = model.isHeld(lease)
      let got = 'released'
      try {
        await worker.release(lease.jobId, lease.token)
      } catch (err) {
        got = (err as { code?: string }).code ?? String(err)
      }
      let expected = 'released'
      if (!job) {
        expected = 'JQ_ERR_JOB_NOT_FOUND'
      } else if (!held) {
        expected = 'JQ_ERR_LEASE_LOST'
      } else {
        // back at its place, the attempt not counted, its last error (and progress) kept
        job.status = 'queued'
        job.attempts--
        job.started = false
        job.lease = null
        job.deadline = null
        job.heldUntil = null
      }
      assert.equal(got, expected, `${what}: lease ${JSON.stringify(lease)}`)
      return `${held ? '' : 'stale '}${expected}`
    }
    case 'extend': {
      const leases = [...new Map(cmd.picks.map((pick, i) => pickLease(model, pick, cmd.stale && i === 0))
        .filter((l): l is Lease => l !== undefined).map((l) => [l.jobId, l])).values()]
      if (leases.length === 0) return 'no lease to use'
      const lost = await worker.extendLeases(leases.map((l) => ({ jobId: l.jobId, lease: l.token })), LEASE_MS)
      // A job its handler took (202) is the handler's now: the worker's heartbeat no longer holds it.
      const keeps = (l: Lease) => model.isHeld(l) && model.jobs.get(l.jobId)?.heldUntil === null
      const expected = leases.filter((l) => !keeps(l)).map((l) => l.jobId)
      for (const l of leases) {
        if (!keeps(l)) continue
        const job = model.jobs.get(l.jobId) as ModelJob
        job.deadline = model.now + LEASE_MS
        // A job handed over is confirmed by the heartbeat: a whole lease.
        job.pickup = null
      }
      assert.deepEqual(lost, expected, `${what}: lost leases`)
      return `${leases.length - expected.length} extended, ${expected.length} lost`
    }
    case 'advance': {
      model.now += cmd.ms
      // Housekeeping at once, as the API's own (on the same clock) may run any moment from now.
      await worker.claim(0, 'housekeeping', 0)
      const { lapsed, handed, returned, due } = model.housekeep()
      const which = [handed > 0 ? `${handed} handed off` : '', returned > 0 ? `${returned} handed over, unconfirmed` : ''].filter(Boolean).join(', ')
      return `advanced${lapsed > 0 ? `, ${lapsed} lapsed${which ? ` (${which})` : ''}` : ''}${due > 0 ? ', due' : ''}`
    }
    case 'accept': {
      // What the worker does with a 202 (src/worker/attempt.ts): an async handler takes the job; for
      // any other handler a 202 is a 2xx like the rest, its JSON the result.
      const lease = pickLease(model, cmd.pick, cmd.stale)
      if (!lease) return 'no lease to use'
      const job = model.jobs.get(lease.jobId)
      const body = cmd.leaseMs === null ? null : JSON.stringify({ lease_ms: cmd.leaseMs })
      if (job && !model.handlers.has(job.task)) return 'no handler to answer'
      if (job && !model.policies.get(job.task)?.async) return `not async: ${await workerComplete(worker, model, lease, body, what)}`
      const held = model.isHeld(lease)
      const report: AttemptReport = { op: 'handoff', ...(cmd.leaseMs === null ? {} : { leaseMs: cmd.leaseMs }) }
      const record = await worker.report(lease.jobId, lease.counter, report).catch((err: { code?: string }) => err.code ?? String(err))
      const expected = !job ? 'JQ_ERR_JOB_NOT_FOUND' : held ? 'handed off' : 'JQ_ERR_CALLBACK_TOKEN_STALE'
      assert.equal(typeof record === 'string' ? record : 'handed off', expected, `${what}: lease ${JSON.stringify(lease)}`)
      if (held && typeof record !== 'string') {
        const taken = job as ModelJob
        taken.pickup = null
        taken.deadline = taken.heldUntil = model.now + (cmd.leaseMs ?? model.asyncLeaseMs(taken.task))
        const { position_in_queue: _q, position_in_priority: _p, ...expectedRecord } = model.view(taken)
        assert.deepEqual(observeRecord(record), expectedRecord, `${what}: the job handed off`)
      }
      return `${held ? '' : 'stale '}${expected}${cmd.leaseMs === null ? '' : ' with lease_ms'}`
    }
    case 'report':
      return await attemptReport(app, model, cmd, what)
  }
}

/** The lease a claimed or popped record carries, now the model's, and the record against the model. */
async function learnLease (worker: JobQueue, model: Model, job: ModelJob, record: JobRecord, what: string): Promise<void> {
  assert.equal(typeof record.lease, 'string', what)
  const token = record.lease as string
  // The callback token the worker would send with this attempt's callback.
  const callback = await worker.tokens.tokenFor(job.id, token)
  job.lease = { instance: model.leases.length, jobId: job.id, token, counter: token.slice(token.lastIndexOf(':') + 1), callback }
  model.leases.push(job.lease)
  const { position_in_queue: _q, position_in_priority: _p, ...expectedRecord } = model.view(job)
  assert.deepEqual(observeRecord(record), expectedRecord, what)
}

/** A worker's completion (2xx): counted while it holds the lease; repeating it after it counted changes nothing. */
async function workerComplete (worker: JobQueue, model: Model, lease: Lease, resultText: string | null, what: string): Promise<string> {
  const job = model.jobs.get(lease.jobId)
  const held = model.isHeld(lease)
  let got: string
  try {
    await worker.complete(lease.jobId, lease.token, resultText)
    got = 'completed'
  } catch (err) {
    got = (err as { code?: string }).code ?? String(err)
  }
  let expected: string
  if (!job) {
    expected = 'JQ_ERR_JOB_NOT_FOUND'
  } else if (job.status === 'completed' && job.lease === lease) {
    expected = 'completed'
  } else if (!held) {
    expected = 'JQ_ERR_LEASE_LOST'
  } else {
    // The record keeps the lease, so that a repeat is known.
    job.deadline = null
    job.heldUntil = null
    job.status = 'completed'
    job.result = resultText === null ? null : JSON.parse(resultText)
    model.processed++
    expected = job.status
  }
  assert.equal(got, expected, `${what}: lease ${JSON.stringify(lease)} (current ${JSON.stringify(job?.lease ?? null)})`)
  return `${held ? '' : 'stale '}${expected}`
}

/**
 * A handler's report through POST /jobs/{id}/{op} (or /queues/{queue}/jobs/{id}/{op}), bearing a
 * token of the kind the command asks for, against what the model says of it.
 */
async function attemptReport (app: FastifyInstance, model: Model, cmd: Extract<Command, { kind: 'report' }>, what: string): Promise<string> {
  if (model.leases.length === 0 && (cmd.token === 'current' || cmd.token === 'ended')) return 'no lease to use'
  const { target, token, lease, kind } = pickToken(model, cmd.token, cmd.pick)
  let payload: Record<string, unknown> | undefined
  if (cmd.op === 'heartbeat') payload = cmd.leaseMs === null ? (cmd.pick % 2 === 0 ? undefined : {}) : { lease_ms: cmd.leaseMs }
  const message = PROGRESS_MESSAGES[cmd.message % PROGRESS_MESSAGES.length]
  if (cmd.op === 'progress') {
    payload = {
      ...(cmd.percent === null ? {} : { percent: cmd.percent }),
      ...(message === undefined ? {} : { message }),
      ...(cmd.leaseMs === null ? {} : { lease_ms: cmd.leaseMs })
    }
  }
  const resultText = cmd.result === null ? null : RESULTS[cmd.result % RESULTS.length]
  if (cmd.op === 'complete') payload = resultText === null ? (cmd.pick % 2 === 0 ? undefined : {}) : { result: JSON.parse(resultText) }
  const error = `handler failed at ${model.now}`
  if (cmd.op === 'fail') payload = { error, ...(cmd.retry === null ? {} : { retry: cmd.retry }) }
  const prefix = cmd.scoped ? `/queues/${encodeURIComponent(app.jobQueue.queueName)}` : ''
  const res = await app.inject({
    method: 'POST',
    url: `${prefix}/jobs/${path(target)}/${cmd.op}`,
    headers: token === undefined ? {} : { 'jobq-callback-token': token },
    ...(payload === undefined ? {} : { payload })
  })
  const label = `${cmd.op} ${kind}`
  const unchanged = async (answer: string) => {
    const job = model.resolve(target)
    if (job) expectJob(await app.inject({ url: `/jobs/${path(target)}` }), 200, model, job, `${what}: ${target} after the report`)
    return `${label}: ${answer}`
  }
  if (kind === 'none') return await unchanged(expectError(res, 401, 'JQ_ERR_CALLBACK_TOKEN_MISSING', undefined, what))
  if (!lease) return await unchanged(expectError(res, 403, 'JQ_ERR_CALLBACK_TOKEN_INVALID', undefined, what))
  const job = model.jobs.get(lease.jobId)
  if (!job) return await unchanged(expectError(res, 404, 'JQ_ERR_JOB_NOT_FOUND', undefined, what))
  // The token's attempt: the one under way, or one whose complete (or fail) took effect, which a
  // repeat is answered with as it is; any other is stale.
  const ours = job.lease === lease
  if (!ours || job.status !== 'processing') {
    const repeated = ours && ((cmd.op === 'complete' && job.status === 'completed') || (cmd.op === 'fail' && job.status !== 'completed'))
    if (!repeated) return await unchanged(expectError(res, 409, 'JQ_ERR_CALLBACK_TOKEN_STALE', job.id, what))
    return `${label}: ${expectReported(res, model, job, what)} (repeated)`
  }
  // A report on the attempt confirms a pickup lease: the handler heard of it.
  job.pickup = null
  if (cmd.op === 'heartbeat' || cmd.op === 'progress') {
    job.deadline = model.now + (cmd.leaseMs ?? model.asyncLeaseMs(job.task))
    // Only a job its handler took shows its lease; a worker's own lease is the worker's business.
    if (job.heldUntil !== null) job.heldUntil = job.deadline
    if (cmd.op === 'progress') job.progress = { percent: cmd.percent, message: message ?? null, at: new Date(model.now).toISOString() }
  } else if (cmd.op === 'complete') {
    job.status = 'completed'
    if (resultText !== null) job.result = JSON.parse(resultText)
    model.processed++
  } else {
    job.lastError = error
    if (cmd.retry !== false && job.attempts < (model.handlers.get(job.task) ?? 1)) {
      job.status = 'scheduled'
      job.retryAt = model.now + model.retryDelay(job.task, job.attempts)
    } else {
      job.status = 'failed'
      model.processed++
    }
  }
  if (job.status !== 'processing') {
    job.deadline = null
    job.heldUntil = null
  }
  return `${label}: ${expectReported(res, model, job, what)}${job.heldUntil === null ? '' : ' (handed off)'}`
}

/**
 * A report's 200: the job as it is after, without positions (lua/reportAttempt does not look them
 * up; a job can be queued only when a fail is repeated after POST /retry).
 */
function expectReported (res: LightMyRequestResponse, model: Model, job: ModelJob, what: string): string {
  assert.equal(res.statusCode, 200, `${what}: ${res.statusCode} ${res.body}`)
  assert.deepEqual(observe(res.json()), { ...model.view(job), position_in_queue: null, position_in_priority: null }, what)
  return `200 ${job.status}`
}

/**
 * The job a report names and the token it bears: a lease's job with that lease's callback token
 * (held now, mostly by its handler; or ended, mostly the last of its job), a token of another job
 * or a made-up one, or none. `lease` is the attempt a genuine token of the named job is of.
 */
function pickToken (model: Model, kind: TokenKind, pick: number): { target: string, token?: string, lease?: Lease, kind: TokenKind } {
  const held = model.leases.filter((l) => model.isHeld(l))
  const handed = held.filter((l) => model.jobs.get(l.jobId)?.heldUntil !== null)
  const ended = model.leases.filter((l) => !model.isHeld(l))
  const last = ended.filter((l) => model.jobs.get(l.jobId)?.lease === l)
  const from = (leases: Lease[]) => leases[pick % leases.length]
  const any = held.length > 0 ? from(held) : model.leases.length > 0 ? from(model.leases) : undefined
  const target = any?.jobId ?? UNKNOWN[pick % UNKNOWN.length]
  switch (kind) {
    case 'current':
    case 'ended': {
      let leases = kind === 'current' ? (pick % 4 !== 0 && handed.length > 0 ? handed : held) : (pick % 2 === 0 && last.length > 0 ? last : ended)
      if (leases.length === 0) leases = kind === 'current' ? ended : held
      if (leases.length === 0) return { target, token: madeUpToken(pick), kind: 'made-up' }
      const lease = from(leases)
      return { target: lease.jobId, token: lease.callback, lease, kind: model.isHeld(lease) ? 'current' : 'ended' }
    }
    case 'other': {
      const others = model.leases.filter((l) => l.jobId !== target)
      if (others.length === 0) return { target, token: madeUpToken(pick), kind: 'made-up' }
      return { target, token: from(others).callback, kind }
    }
    case 'made-up':
      return { target, token: madeUpToken(pick, any), kind }
    case 'none':
      return { target, kind }
  }
}

/** A token no claim gave: of a counter nobody was given, a genuine one with its MAC altered, or not of the form at all. */
function madeUpToken (pick: number, lease?: Lease): string {
  if (lease && pick % 3 === 0) {
    const mac = lease.callback.slice(-43)
    return lease.callback.slice(0, -43) + (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1)
  }
  return pick % 3 === 1 ? `${999_000 + pick}.${'A'.repeat(43)}` : 'made-up'
}

/**
 * The lease a worker's call uses: one held now, or one that already ended (a late or repeated
 * answer); the other kind when there is none of the kind asked for.
 */
function pickLease (model: Model, pick: number, stale: boolean): Lease | undefined {
  // A job handed over and not popped yet has no lease a worker knows of.
  const held = model.processing().filter((j) => j.lease !== null).map((j) => j.lease as Lease)
  const ended = model.leases.filter((l) => !model.isHeld(l))
  const leases = (stale && ended.length > 0) || held.length === 0 ? ended : held
  return leases.length === 0 ? undefined : leases[pick % leases.length]
}

/** GET /queue's counts against the model, after every step. */
async function checkOverview (app: FastifyInstance, model: Model, what: string): Promise<void> {
  const res = await app.inject({ url: '/queue' })
  assert.equal(res.statusCode, 200, `${what}: ${res.body}`)
  const body = res.json()
  const queued = model.queued()
  assert.deepEqual({
    queued: body.queued,
    by_priority: body.by_priority,
    processing: body.processing,
    scheduled: body.scheduled,
    completed: body.completed,
    failed: body.failed,
    cancelled: body.cancelled,
    total_processed: body.total_processed,
    has_runtime: body.runtime_ms.min !== null,
    paused: body.paused
  }, {
    queued: queued.length,
    by_priority: Object.fromEntries([1, 2, 3].map((p) => [p, queued.filter((j) => j.priority === p).length])),
    processing: model.count('processing'),
    scheduled: model.count('scheduled'),
    completed: model.count('completed'),
    failed: model.count('failed'),
    cancelled: model.count('cancelled'),
    total_processed: model.processed,
    has_runtime: model.processed > 0,
    paused: model.queuePaused
  }, `${what}: GET /queue`)
  const handlers = (await app.inject({ url: '/handlers' })).json().handlers as Array<Record<string, unknown>>
  assert.deepEqual(handlers.map(handlerCounts), [...model.handlers.keys()].sort().map((task) => modelCounts(model, task)), `${what}: GET /handlers`)
  assert.deepEqual(await app.jobQueue.checkInvariants(), [], `${what}: invariants of the Redis keys`)
}

const burstOf = (rate: NonNullable<Rate>) => rate.burst ?? Math.ceil(rate.perSecond)

/** A handler's settings as PUT /handlers/{name} takes them. */
function handlerSettings (maxAttempts: number, limits: Limits, policy: Policy): Record<string, unknown> {
  const settings: Record<string, unknown> = { url: 'http://127.0.0.1:9/hook', max_attempts: maxAttempts }
  if (limits.maxConcurrency) settings.max_concurrency = limits.maxConcurrency
  if (limits.rate) settings.rate_per_second = limits.rate.perSecond
  if (limits.rate?.burst) settings.burst = limits.rate.burst
  if (policy.async) settings.async = true
  if (policy.asyncLeaseMs) settings.async_lease_ms = policy.asyncLeaseMs
  if (policy.backoffMs) settings.backoff_ms = policy.backoffMs
  return settings
}

/** What the test compares of a handler as GET /handlers shows it. */
function handlerCounts (h: Record<string, unknown>) {
  const { name, max_attempts: maxAttempts, max_concurrency: maxConcurrency, rate_per_second: rate, burst, paused, queued, scheduled, in_flight: inFlight } = h
  const { async, async_lease_ms: asyncLeaseMs, backoff_ms: backoffMs } = h
  return { name, maxAttempts, maxConcurrency, rate, burst, paused, queued, scheduled, inFlight, async, asyncLeaseMs, backoffMs }
}

function modelCounts (model: Model, task: string): ReturnType<typeof handlerCounts> {
  const flow = model.flow.get(task)
  return {
    name: task,
    maxAttempts: model.handlers.get(task),
    maxConcurrency: flow?.maxConcurrency ?? null,
    rate: flow?.rate?.perSecond ?? null,
    burst: flow?.rate ? burstOf(flow.rate) : null,
    paused: flow?.paused ?? false,
    queued: model.count('queued', task),
    scheduled: model.count('scheduled', task),
    inFlight: model.count('processing', task),
    async: model.policies.get(task)?.async ?? false,
    asyncLeaseMs: model.asyncLeaseMs(task),
    backoffMs: model.policies.get(task)?.backoffMs ?? DEFAULT_BACKOFF_MS
  }
}

/** Every job by id and every entity, both listings in order, and the Redis invariants. */
async function checkEverything (app: FastifyInstance, model: Model): Promise<void> {
  for (const ident of [...model.allJobIds, ...ENTITIES, ...UNKNOWN]) {
    const res = await app.inject({ url: `/jobs/${path(ident)}` })
    const job = model.resolve(ident)
    if (job) expectJob(res, 200, model, job, `final GET ${ident}`)
    else expectError(res, 404, 'JQ_ERR_JOB_NOT_FOUND', undefined, `final GET ${ident}`)
  }
  for (const [list, expected] of [['queued', model.queued()], ['processing', model.processing()]] as const) {
    const res = await app.inject({ url: `/queue?list=${list}&limit=1000` })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().next_cursor, null)
    assert.deepEqual(res.json().jobs.map(observe), expected.map((j) => model.view(j)), `final list=${list}`)
  }
  const handlers = (await app.inject({ url: '/handlers' })).json().handlers as Array<{ name: string, max_attempts: number }>
  assert.deepEqual(handlers.map((h) => [h.name, h.max_attempts]).sort(), [...model.handlers].sort(), 'final GET /handlers')
  assert.deepEqual(await app.jobQueue.checkInvariants(), [], 'invariants of the Redis keys')
}

const refArb: fc.Arbitrary<Ref> = fc.record({
  by: fc.constantFrom<Ref['by']>('entity', 'entity', 'job', 'job', 'unknown', 'queued', 'scheduled', 'processing', 'completed', 'failed', 'failed', 'cancelled'),
  index: fc.nat(63),
  viaEntity: fc.boolean()
})

const rateArb: fc.Arbitrary<Rate> = fc.constantFrom<Rate>(null, null, { perSecond: 1, burst: null }, { perSecond: 2, burst: 1 }, { perSecond: 0.5, burst: 2 })
const limitsArb: fc.Arbitrary<Limits> = fc.record({ maxConcurrency: fc.constantFrom(null, 1, 1, 2 as const), rate: rateArb })

const policyArb: fc.Arbitrary<Policy> = fc.record({
  async: fc.constantFrom(true, true, false),
  asyncLeaseMs: fc.constantFrom(null, 2000, 10_000 as const),
  backoffMs: fc.constantFrom(null, 1000, 2500 as const)
})
const reportLeaseArb = fc.constantFrom(null, null, 1000, 4000, 30_000 as const)

const taskArb = fc.constantFrom<Task>('ta', 'tb', 'ta', 'tb', 'ta', 'tb', 'nope')
const delayArb = fc.constantFrom(0, 0, 0, 500, 2500, 7500 as const)

/** One arbitrary per kind of command; a run draws them with the weights of its mix. */
const commandArbs: { [K in Command['kind']]: fc.Arbitrary<Extract<Command, { kind: K }>> } = {
  enqueue: fc.record({
    kind: fc.constant('enqueue' as const),
    task: taskArb,
    entity: fc.nat(ENTITIES.length - 1),
    priority: fc.constantFrom(0, 1, 2, 3 as const),
    delay: fc.record({ via: fc.constantFrom('delay_ms', 'run_at' as const), ms: delayArb })
  }),
  patch: fc.record({ kind: fc.constant('patch' as const), ref: refArb, priority: fc.constantFrom(1, 2, 3 as const) }),
  cancel: fc.record({ kind: fc.constant('cancel' as const), ref: refArb }),
  status: fc.record({ kind: fc.constant('status' as const), ref: refArb }),
  retry: fc.record({ kind: fc.constant('retry' as const), ref: refArb }),
  claim: fc.record({ kind: fc.constant('claim' as const), count: fc.constantFrom(0, 1, 1, 1, 2, 3), worker: fc.constantFrom('w1', 'w2' as const), idle: fc.boolean() }),
  pop: fc.record({ kind: fc.constant('pop' as const), worker: fc.constantFrom('w1', 'w2' as const) }),
  leave: fc.record({ kind: fc.constant('leave' as const), worker: fc.constantFrom('w1', 'w2' as const) }),
  complete: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(15), stale: fc.boolean(), result: fc.nat(RESULTS.length - 1) }),
  fail: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(15), stale: fc.boolean(), retryInMs: fc.constantFrom(null, null, 1000, 5000, 30_000) }),
  advance: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1000, 5000, LEASE_MS + 1) }),
  batch: fc.record({
    kind: fc.constant('batch' as const),
    items: fc.array(fc.record({ task: taskArb, entity: fc.nat(ENTITIES.length - 1), priority: fc.constantFrom(0, 1, 2, 3 as const), runAfterMs: delayArb }),
      { minLength: 1, maxLength: 4 })
  }),
  handler: fc.record({
    kind: fc.constant('handler' as const),
    task: fc.constantFrom('ta', 'tb' as const),
    maxAttempts: fc.constantFrom(null, 1, 2, 3),
    limits: limitsArb,
    policy: policyArb
  }),
  pause: fc.record({ kind: fc.constant('pause' as const), target: fc.constantFrom<'queue' | Task>('queue', 'ta', 'tb', 'ta', 'tb', 'nope'), pause: fc.boolean() }),
  release: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(15), stale: fc.boolean() }),
  extend: fc.record({ kind: fc.constant('extend' as const), picks: fc.array(fc.nat(15), { minLength: 1, maxLength: 3 }), stale: fc.boolean() }),
  accept: fc.record({ kind: fc.constant('accept' as const), pick: fc.nat(15), stale: fc.constantFrom(false, false, false, true), leaseMs: reportLeaseArb }),
  report: fc.record({
    kind: fc.constant('report' as const),
    op: fc.constantFrom<ReportOp>('heartbeat', 'progress', 'progress', 'complete', 'complete', 'fail', 'fail'),
    token: fc.constantFrom<TokenKind>('current', 'current', 'current', 'current', 'current', 'ended', 'ended', 'other', 'made-up', 'none'),
    pick: fc.nat(15),
    scoped: fc.boolean(),
    leaseMs: reportLeaseArb,
    percent: fc.constantFrom(null, 0, 37.5, 100 as const),
    message: fc.nat(PROGRESS_MESSAGES.length - 1),
    result: fc.option(fc.nat(RESULTS.length - 1)),
    retry: fc.constantFrom(null, true, false)
  })
}

function mix (weights: Partial<Record<Command['kind'], number>>, more: Array<fc.WeightedArbitrary<Command>> = []): fc.Arbitrary<Command> {
  return fc.oneof(...Object.entries(weights).map(([kind, weight]) => ({ weight, arbitrary: commandArbs[kind as Command['kind']] as fc.Arbitrary<Command> })), ...more)
}

/** Every kind of request, in proportions that keep each part of the queue busy. */
const everything = mix({ enqueue: 8, patch: 3, cancel: 2, status: 3, retry: 2, claim: 5, pop: 3, leave: 1, complete: 4, fail: 4, advance: 2, batch: 2, handler: 2, pause: 2, release: 1, extend: 2, accept: 2, report: 4 })
/**
 * Mostly jobs that async handlers take and report on, so that a run sees hand-offs, reports under
 * way and after, lapses, retries and max_concurrency with jobs held by handlers.
 */
const asyncHandlers = mix({ enqueue: 4, claim: 6, pop: 2, accept: 7, report: 10, advance: 6, extend: 2, complete: 1, fail: 1, release: 1, handler: 1, status: 1, cancel: 1, retry: 1, pause: 1 }, [{
  // Jobs to take, ready now.
  weight: 7,
  arbitrary: fc.record({
    kind: fc.constant('enqueue' as const),
    task: fc.constantFrom<Task>('ta', 'tb'),
    entity: fc.nat(ENTITIES.length - 1),
    priority: fc.constantFrom(0, 1, 2, 3 as const),
    delay: fc.constant<Delay>({ via: 'delay_ms', ms: 0 })
  })
}])

/**
 * Mostly idle workers handed jobs: claims that register, enqueues that hand over, pops, lapses of
 * pickup leases, heartbeats that confirm, outcomes before and after, and workers that leave.
 */
const idleWorkers = mix({ enqueue: 6, batch: 2, claim: 4, pop: 8, leave: 1, advance: 3, extend: 2, complete: 3, fail: 2, release: 1, accept: 2, report: 2, pause: 2, handler: 1, status: 1 }, [{
  weight: 4,
  arbitrary: fc.record({ kind: fc.constant('claim' as const), count: fc.constantFrom(1, 2, 3), worker: fc.constantFrom('w1', 'w2' as const), idle: fc.constant(true) })
}])

describe('queue model (fast-check)', () => {
  const redis = sharedRedis()

  // Found by the model: lease tokens were worker:attempt, and POST /retry resets attempts, so the same
  // worker claiming a retried job got the token of its earlier claim back.
  it('should not let an answer to a claim before POST /jobs/{id}/retry settle the claim after it', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'ta', 'http://127.0.0.1:9/hook', { max_attempts: 1 })
    const job = (await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'ta', entity_id: 'e' } })).json()
    const [first] = (await app.jobQueue.claim(1, 'w1', LEASE_MS)).jobs
    assert.equal(await app.jobQueue.fail(job.job_id, first.lease as string, 'for good', null), 'failed')
    assert.equal((await app.inject({ method: 'POST', url: `/jobs/${job.job_id}/retry` })).statusCode, 200)
    const [second] = (await app.jobQueue.claim(1, 'w1', LEASE_MS)).jobs
    assert.equal(second.job_id, job.job_id)
    assert.notEqual(second.lease, first.lease)
    await assert.rejects(app.jobQueue.complete(job.job_id, first.lease as string, '{"stale":true}'), { code: 'JQ_ERR_LEASE_LOST' })
    assert.equal((await app.inject({ url: `/jobs/${job.job_id}` })).json().status, 'processing')
    await app.jobQueue.complete(job.job_id, second.lease as string, '{"fresh":true}')
    assert.deepEqual((await app.inject({ url: `/jobs/${job.job_id}` })).json().result, { fresh: true })
  })

  it(`should behave like the model over random command sequences (seed ${SEED}, ${NUM_RUNS} runs)`, async (t) => {
    await checkAgainstModel(t, redis().url, everything, NUM_RUNS)
  })

  it(`should behave like the model while async handlers take jobs and report on them (seed ${SEED}, ${ASYNC_RUNS} runs)`, async (t) => {
    await checkAgainstModel(t, redis().url, asyncHandlers, ASYNC_RUNS)
  })

  it(`should behave like the model while enqueues hand jobs to idle workers (seed ${SEED}, ${PICKUP_RUNS} runs)`, async (t) => {
    await checkAgainstModel(t, redis().url, idleWorkers, PICKUP_RUNS)
  })
})

/** Runs `numRuns` random command sequences against a fresh queue and the model, step by step. */
async function checkAgainstModel (t: TestContext, redisUrl: string, commandArb: fc.Arbitrary<Command>, numRuns: number): Promise<void> {
  t.diagnostic(`fast-check seed ${SEED}, ${numRuns} runs (JOBQ_FC_SEED / JOBQ_FC_RUNS to change)`)
  const seen = new Map<string, number>()
  // Each run starts with limits and settings of its own, so that limits hold claims back often
  // enough and async handlers are there from the start.
  const startArb = fc.record({ ta: fc.tuple(limitsArb, policyArb), tb: fc.tuple(limitsArb, policyArb) })
  await fc.assert(fc.asyncProperty(startArb, fc.array(commandArb, { minLength: 10, maxLength: 80, size: 'max' }), async (start, commands) => {
    const cleanups: Array<() => unknown> = []
    try {
      // The queues' clock (the API's and the worker's) runs a day ahead, moved only by `advance`,
      // which runs housekeeping at once: the API's own, which may run at any moment, then finds
      // nothing more to do, so the model decides when leases lapse and retries come due.
      const model = new Model(Date.now() + DAY)
      const app = await buildTestApp({ after: (fn) => cleanups.push(fn) }, redisUrl, {}, { clock: () => model.now })
      for (const [task, maxAttempts] of Object.entries(HANDLERS)) {
        const [limits, policy] = start[task as 'ta' | 'tb']
        const res = await app.inject({ method: 'PUT', url: `/handlers/${task}`, payload: handlerSettings(maxAttempts, limits, policy) })
        assert.equal(res.statusCode, 201, res.body)
        model.flow.set(task, { ...limits, paused: false, tat: null })
        model.policies.set(task, policy)
      }
      const worker = new JobQueue({ redis: app.jobQueue.redis, queue: app.jobQueue.queueName, clock: () => model.now })
      for (const [n, cmd] of commands.entries()) {
        const outcome = `${cmd.kind}: ${await step(app, worker, model, cmd, n)}`
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1)
        await checkOverview(app, model, `step ${n} ${JSON.stringify(cmd)}`)
      }
      await checkEverything(app, model)
    } finally {
      for (const fn of cleanups.reverse()) await fn()
    }
  }), { seed: SEED, numRuns, path: PATH, includeErrorInReport: true, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true })
  const steps = [...seen.values()].reduce((a, b) => a + b, 0)
  t.diagnostic(`${steps} steps checked: ${[...seen].sort().map(([k, v]) => `${k} ×${v}`).join(', ')}`)
}
