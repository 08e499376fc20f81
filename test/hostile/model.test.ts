import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { JobQueue } from '../../src/queue/job-queue.js'
import type { JobRecord } from '../../src/queue/job.js'
import { buildTestApp, jobKey, registerHandler, sharedRedis } from '../helper.js'

/**
 * Model-based property test: random sequences of API requests and worker calls run against the real
 * API (app.inject) and Redis, and step by step against a small in-memory model of the queue written
 * here from the documented semantics (issue 2, README). Same HTTP statuses, outcomes, error codes,
 * statuses, priorities, positions, attempts, errors and results, and the same claim order.
 * Flow control (issue 13) too: delayed jobs (delay_ms, run_at), max_concurrency, and pausing the
 * queue or a handler; a claim takes jobs in priority then first-enqueue order among the handlers
 * that may dispatch now. The Redis invariants are checked after every step.
 *
 * Replay a failure with JOBQ_FC_SEED=<seed> (and JOBQ_FC_PATH=<path> from fast-check's report).
 */
const SEED = Number(process.env.JOBQ_FC_SEED ?? 20260511)
const NUM_RUNS = Number(process.env.JOBQ_FC_RUNS ?? 80)
const PATH = process.env.JOBQ_FC_PATH

const DAY = 86_400_000
const LEASE_MS = 20_000
/** Tasks with a handler and its max_attempts; commands also name `nope`, which has none. */
const HANDLERS: Record<string, number> = { ta: 1, tb: 2 }
/** A small pool, so entities collide: one with characters a path has to encode. */
const ENTITIES = ['a', 'b', 'c', 'd', 'e', 'f', 'ü/ß x?#%&']
const UNKNOWN = ['nobody', '000000000000']
const RESULTS = [null, '{"ok":true}', '[1,"two"]', '"text"', '0']

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
/** How long after the model's now a job asks to run (0: now), and how it asks. */
type Delay = { via: 'delay_ms' | 'run_at', ms: 0 | 500 | 2500 | 7500 }
type Command =
  | { kind: 'enqueue', task: Task, entity: number, priority: 0 | 1 | 2 | 3, delay: Delay }
  | { kind: 'batch', items: Array<{ task: Task, entity: number, priority: 0 | 1 | 2 | 3, runAfterMs: 0 | 500 | 2500 | 7500 }> }
  | { kind: 'handler', task: 'ta' | 'tb', maxAttempts: number | null, limits: Limits }
  | { kind: 'pause', target: 'queue' | Task, pause: boolean }
  | { kind: 'patch', ref: Ref, priority: 1 | 2 | 3 }
  | { kind: 'cancel', ref: Ref }
  | { kind: 'status', ref: Ref }
  | { kind: 'retry', ref: Ref }
  | { kind: 'claim', count: number, worker: 'w1' | 'w2' }
  | { kind: 'complete', pick: number, stale: boolean, result: number }
  | { kind: 'fail', pick: number, stale: boolean, retryInMs: number | null }
  | { kind: 'release', pick: number, stale: boolean }
  | { kind: 'extend', picks: number[], stale: boolean }
  | { kind: 'advance', ms: number }

interface Lease { instance: number, jobId: string, token: string }

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
  lease: Lease | null
  /** The lease that completed it: repeating that completion is answered "recorded already". */
  completedBy: Lease | null
  deadline: number | null
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
  queuePaused = false
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
      completedBy: null,
      deadline: null,
      retryAt: due ? due() : null,
      lastError: null,
      result: null
    }
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
      priority_updated: job.priorityUpdated
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
    priority_updated: body.priority_updated_at !== null
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
    priority_updated: job.priority_updated_at !== null
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
      return `${res.statusCode} ${outcome}${outcome === 'created' ? '' : ` (${job?.status})`}`
    }
    case 'batch': {
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
      return `200 ${[...new Set(outcomes.map((o) => o.outcome))].sort().join('+')}`
    }
    case 'handler': {
      const url = `/handlers/${cmd.task}`
      if (cmd.maxAttempts === null) {
        const res = await app.inject({ method: 'DELETE', url })
        if (!model.handlers.delete(cmd.task)) return expectError(res, 404, 'JQ_ERR_HANDLER_NOT_FOUND', undefined, what)
        // Its limits and pause go with it.
        model.flow.delete(cmd.task)
        assert.equal(res.statusCode, 204, `${what}: ${res.body}`)
        return '204 deleted'
      }
      // A setting left out takes its default (no limit); a handler's pause and rate limiter's state stay.
      const res = await app.inject({ method: 'PUT', url, payload: { url: 'http://127.0.0.1:9/hook', max_attempts: cmd.maxAttempts, ...limitSettings(cmd.limits) } })
      const status = model.handlers.has(cmd.task) ? 200 : 201
      model.handlers.set(cmd.task, cmd.maxAttempts)
      const before = model.flow.get(cmd.task)
      model.flow.set(cmd.task, { ...cmd.limits, paused: before?.paused ?? false, tat: before?.tat ?? null })
      assert.equal(res.statusCode, status, `${what}: ${res.body}`)
      assert.deepEqual(handlerCounts(res.json()), modelCounts(model, cmd.task), what)
      return `${status} put${cmd.limits.maxConcurrency || cmd.limits.rate ? ' limited' : ''}`
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
      const before = model.queued().length
      const claimed = await worker.claim(cmd.count, cmd.worker, LEASE_MS)
      // housekeeping first: lapsed leases (failed once out of attempts), then due retries
      for (const job of model.processing().filter((j) => (j.deadline as number) <= model.now)) {
        // The message names the worker (the token less its attempt and counter), never the lease token.
        job.lastError = `lease expired: worker ${job.lease?.token.replace(/:[^:]*:[^:]*$/, '')} did not answer in time`
        job.lease = null
        job.deadline = null
        if (job.attempts >= (model.handlers.get(job.task) ?? 1)) {
          job.status = 'failed'
          model.processed++
        } else {
          job.status = 'queued'
          job.started = false
        }
      }
      for (const job of model.jobs.values()) {
        if (job.status === 'scheduled' && (job.retryAt as number) <= model.now) {
          job.status = 'queued'
          job.retryAt = null
        }
      }
      const lapsedOrDue = model.queued().length
      const expected = model.claimable(cmd.count)
      assert.deepEqual(claimed.jobs.map((j) => j.job_id), expected.map((j) => j.id), `${what}: claim order`)
      model.started(expected)
      for (const [i, job] of expected.entries()) {
        const record = claimed.jobs[i]
        job.status = 'processing'
        job.attempts++
        job.started = true
        job.deadline = model.now + LEASE_MS
        assert.equal(typeof record.lease, 'string', what)
        job.lease = { instance: model.leases.length, jobId: job.id, token: record.lease as string }
        model.leases.push(job.lease)
        const { position_in_queue: _q, position_in_priority: _p, ...expectedRecord } = model.view(job)
        assert.deepEqual(observeRecord(record), expectedRecord, `${what}: claimed ${job.id}`)
      }
      let held = ''
      if (expected.length < Math.min(cmd.count, lapsedOrDue)) held = model.queuePaused ? ' (queue paused)' : ' (held back by a paused handler)'
      if (model.claimable(cmd.count, true).length > expected.length) held = ' (held back by a limit)'
      return `claimed ${expected.length}${lapsedOrDue > before ? ' after recovering' : ''}${held}`
    }
    case 'complete':
    case 'fail': {
      const lease = pickLease(model, cmd.pick, cmd.stale)
      if (!lease) return 'no lease to use'
      const job = model.jobs.get(lease.jobId)
      const held = job?.lease === lease
      const message = `attempt failed at step ${n}`
      const retryAt = cmd.kind === 'fail' && cmd.retryInMs !== null ? model.now + cmd.retryInMs : null
      const resultText = cmd.kind === 'complete' ? RESULTS[cmd.result % RESULTS.length] : null
      let got: string
      try {
        got = cmd.kind === 'complete'
          ? (await worker.complete(lease.jobId, lease.token, resultText), 'completed')
          : await worker.fail(lease.jobId, lease.token, message, retryAt)
      } catch (err) {
        got = (err as { code?: string }).code ?? String(err)
      }
      let expected: string
      if (!job) {
        expected = 'JQ_ERR_JOB_NOT_FOUND'
      } else if (cmd.kind === 'complete' && job.status === 'completed' && job.completedBy === lease) {
        expected = 'completed'
      } else if (job.status !== 'processing' || !held) {
        expected = 'JQ_ERR_LEASE_LOST'
      } else {
        if (cmd.kind === 'complete') job.completedBy = lease
        job.lease = null
        job.deadline = null
        if (cmd.kind === 'complete') {
          job.status = 'completed'
          job.result = resultText === null ? null : JSON.parse(resultText)
          model.processed++
        } else {
          job.lastError = message
          if (retryAt !== null) {
            job.status = 'scheduled'
            job.retryAt = retryAt
          } else {
            job.status = 'failed'
            model.processed++
          }
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
      const held = job?.lease === lease
      let got = 'released'
      try {
        await worker.release(lease.jobId, lease.token)
      } catch (err) {
        got = (err as { code?: string }).code ?? String(err)
      }
      let expected = 'released'
      if (!job) {
        expected = 'JQ_ERR_JOB_NOT_FOUND'
      } else if (job.status !== 'processing' || !held) {
        expected = 'JQ_ERR_LEASE_LOST'
      } else {
        // back at its place, the attempt not counted, its last error kept
        job.status = 'queued'
        job.attempts--
        job.started = false
        job.lease = null
        job.deadline = null
      }
      assert.equal(got, expected, `${what}: lease ${JSON.stringify(lease)}`)
      return `${held ? '' : 'stale '}${expected}`
    }
    case 'extend': {
      const leases = [...new Map(cmd.picks.map((pick, i) => pickLease(model, pick, cmd.stale && i === 0))
        .filter((l): l is Lease => l !== undefined).map((l) => [l.jobId, l])).values()]
      if (leases.length === 0) return 'no lease to use'
      const lost = await worker.extendLeases(leases.map((l) => ({ jobId: l.jobId, lease: l.token })), LEASE_MS)
      const expected = leases.filter((l) => model.jobs.get(l.jobId)?.lease !== l).map((l) => l.jobId)
      for (const l of leases) {
        const job = model.jobs.get(l.jobId)
        if (job?.lease === l) job.deadline = model.now + LEASE_MS
      }
      assert.deepEqual(lost, expected, `${what}: lost leases`)
      return `${leases.length - expected.length} extended, ${expected.length} lost`
    }
    case 'advance':
      model.now += cmd.ms
      return 'advanced'
  }
}

/**
 * The lease a worker's call uses: one held now, or one that already ended (a late or repeated
 * answer); the other kind when there is none of the kind asked for.
 */
function pickLease (model: Model, pick: number, stale: boolean): Lease | undefined {
  const held = model.processing().map((j) => j.lease as Lease)
  const ended = model.leases.filter((l) => model.jobs.get(l.jobId)?.lease !== l)
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

/** A handler's limits as PUT /handlers/{name} takes them. */
function limitSettings (limits: Limits): Record<string, number> {
  const settings: Record<string, number> = {}
  if (limits.maxConcurrency) settings.max_concurrency = limits.maxConcurrency
  if (limits.rate) settings.rate_per_second = limits.rate.perSecond
  if (limits.rate?.burst) settings.burst = limits.rate.burst
  return settings
}

/** What the test compares of a handler as GET /handlers shows it. */
function handlerCounts (h: Record<string, unknown>) {
  const { name, max_attempts: maxAttempts, max_concurrency: maxConcurrency, rate_per_second: rate, burst, paused, queued, scheduled, in_flight: inFlight } = h
  return { name, maxAttempts, maxConcurrency, rate, burst, paused, queued, scheduled, inFlight }
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
    inFlight: model.count('processing', task)
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

const taskArb = fc.constantFrom<Task>('ta', 'tb', 'ta', 'tb', 'ta', 'tb', 'nope')
const delayArb = fc.constantFrom(0, 0, 0, 500, 2500, 7500 as const)

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('enqueue' as const),
      task: taskArb,
      entity: fc.nat(ENTITIES.length - 1),
      priority: fc.constantFrom(0, 1, 2, 3 as const),
      delay: fc.record({ via: fc.constantFrom('delay_ms', 'run_at' as const), ms: delayArb })
    })
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('patch' as const), ref: refArb, priority: fc.constantFrom(1, 2, 3 as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), ref: refArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('status' as const), ref: refArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), ref: refArb }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('claim' as const), count: fc.constantFrom(0, 1, 1, 1, 2, 3), worker: fc.constantFrom('w1', 'w2' as const) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(15), stale: fc.boolean(), result: fc.nat(RESULTS.length - 1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(15), stale: fc.boolean(), retryInMs: fc.constantFrom(null, null, 1000, 5000, 30_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1000, 5000, LEASE_MS + 1) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      items: fc.array(fc.record({ task: taskArb, entity: fc.nat(ENTITIES.length - 1), priority: fc.constantFrom(0, 1, 2, 3 as const), runAfterMs: delayArb }),
        { minLength: 1, maxLength: 4 })
    })
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('handler' as const),
      task: fc.constantFrom('ta', 'tb' as const),
      maxAttempts: fc.constantFrom(null, 1, 2, 3),
      limits: limitsArb
    })
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pause' as const), target: fc.constantFrom<'queue' | Task>('queue', 'ta', 'tb', 'ta', 'tb', 'nope'), pause: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(15), stale: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extend' as const), picks: fc.array(fc.nat(15), { minLength: 1, maxLength: 3 }), stale: fc.boolean() }) }
)

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
    t.diagnostic(`fast-check seed ${SEED}, ${NUM_RUNS} runs (JOBQ_FC_SEED / JOBQ_FC_RUNS to change)`)
    const seen = new Map<string, number>()
    // Each run starts with limits of its own, so that they hold claims back often enough.
    const startArb = fc.record({ ta: limitsArb, tb: limitsArb })
    await fc.assert(fc.asyncProperty(startArb, fc.array(commandArb, { minLength: 10, maxLength: 80, size: 'max' }), async (limits, commands) => {
      const cleanups: Array<() => unknown> = []
      try {
        const app = await buildTestApp({ after: (fn) => cleanups.push(fn) }, redis().url)
        // The worker's clock runs a day ahead, moved only by `advance`: the API's own housekeeping
        // (on the real clock) then never finds a lease lapsed or a retry due, so the model decides when.
        const model = new Model(Date.now() + DAY)
        for (const [task, maxAttempts] of Object.entries(HANDLERS)) {
          const start = limits[task as 'ta' | 'tb']
          await registerHandler(app, task, 'http://127.0.0.1:9/hook', { max_attempts: maxAttempts, ...limitSettings(start) })
          model.flow.set(task, { ...start, paused: false, tat: null })
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
    }), { seed: SEED, numRuns: NUM_RUNS, path: PATH, includeErrorInReport: true })
    const steps = [...seen.values()].reduce((a, b) => a + b, 0)
    t.diagnostic(`${steps} steps checked: ${[...seen].sort().map(([k, v]) => `${k} ×${v}`).join(', ')}`)
  })
})
