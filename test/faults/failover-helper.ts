import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Cleanup } from '../helper.js'
import { check, formatFailure, type Model, type Operation } from '../lib/linearizability.js'
import type { ApiClient } from './fault-helper.js'

// ---------------------------------------------------------------------------------------------
// What the clients and the handler saw, as operations per entity

/** An enqueue (its answer, or null when it failed or was refused with 503: it may have taken effect), or a callback the handler received. */
export type EntityInput = { kind: 'enqueue', priority: number } | { kind: 'delivery', jobId: string }
export type EntityOutput = { status: number, outcome?: string, jobId?: string } | null

export interface EntityOp extends Operation<EntityInput, EntityOutput> {
  entity: string
}

/**
 * One entity's job as the clients can know it: none yet, or job `job` (`?` when an enqueue whose
 * answer was lost created it) waiting or being processed. Its completion is not observed: an enqueue
 * answered `created` while the entity's job was being processed says that job finished meanwhile.
 * `past` keeps the entity's earlier jobs, whose late callbacks at-least-once delivery allows.
 */
interface EntityState {
  job: string | null
  phase: 'none' | 'queued' | 'processing'
  past: string[]
  /**
   * An enqueue whose answer was lost while the job was being processed: should that job have
   * finished first (unobserved), the enqueue created a new one, which may show up next.
   */
  pending?: boolean
}

const sameJob = (known: string | null, named: string | undefined) => known === '?' || known === named

export const entityModel: Model<EntityState, EntityInput, EntityOutput> = {
  init: () => ({ job: null, phase: 'none', past: [] }),
  step (state, input, output) {
    // The new job a lost enqueue made after the running one finished, first seen now.
    const adopt = (jobId: string, phase: EntityState['phase']): EntityState => ({
      job: jobId, phase, past: state.job && state.job !== '?' ? [...state.past, state.job] : state.past, pending: false
    })
    if (input.kind === 'delivery') {
      if (state.phase !== 'none' && sameJob(state.job, input.jobId)) return { ...state, job: input.jobId, phase: 'processing' }
      if (state.past.includes(input.jobId)) return state
      return state.pending ? adopt(input.jobId, 'processing') : null
    }
    // Lost or refused: placed last (it never returned), it may equally not have happened.
    if (output === null) {
      if (state.phase === 'none') return { ...state, job: '?', phase: 'queued' }
      return state.phase === 'processing' ? { ...state, pending: true } : state
    }
    if (output.status === 201) {
      // A second job while the first had not even been dispatched would be a duplicate.
      if (state.phase === 'queued') return null
      const past = state.job && state.job !== '?' ? [...state.past, state.job] : state.past
      return { job: output.jobId ?? '?', phase: 'queued', past }
    }
    if (state.pending && output.jobId !== undefined && !sameJob(state.job, output.jobId) && !state.past.includes(output.jobId)) {
      return adopt(output.jobId, output.status === 409 ? 'processing' : 'queued')
    }
    if (state.phase === 'none' || !sameJob(state.job, output.jobId)) return null
    // exists or priority_raised (200), or 409 while its job runs (claimed a moment before its callback arrives).
    if (output.status === 200 || output.status === 409) return { ...state, job: output.jobId ?? state.job }
    return null
  },
  hash: (s) => `${s.job}|${s.phase}|${s.past.join(',')}|${s.pending === true}`,
  describe: (op) => `[${op.call.toFixed(1)} .. ${op.ret === Infinity ? 'never' : op.ret.toFixed(1)}] ${JSON.stringify(op.input)} -> ${JSON.stringify(op.output)}`
}

/**
 * Checks every entity's history against the model; returns a report of the first violations
 * (each with the smallest history that shows it), empty when every history is linearizable.
 */
export function checkHistories (ops: EntityOp[], maxReports = 3): string {
  const byEntity = new Map<string, EntityOp[]>()
  for (const op of ops) {
    const list = byEntity.get(op.entity)
    if (list) list.push(op)
    else byEntity.set(op.entity, [op])
  }
  const reports: string[] = []
  for (const [entity, history] of byEntity) {
    const result = check(history, entityModel)
    if (!result.ok) reports.push(`entity ${entity}:\n${formatFailure(result, entityModel)}`)
    if (reports.length >= maxReports) break
  }
  return reports.join('\n\n')
}

// ---------------------------------------------------------------------------------------------
// The handler: records each callback as a delivery of its entity

export interface RecordingHook {
  url: string
  ops: EntityOp[]
  /** Deliveries per webhook-id (queue and job). */
  deliveries: Map<string, number>
}

/** A handler on 127.0.0.1 answering 200 after up to `maxDelayMs`, recording each callback. */
export async function startRecordingHook (t: Cleanup, maxDelayMs = 5): Promise<RecordingHook> {
  const ops: EntityOp[] = []
  const deliveries = new Map<string, number>()
  const server = createServer((req, res) => {
    const call = performance.now()
    req.resume()
    req.on('end', () => {
      const webhookId = String(req.headers['webhook-id'] ?? '')
      const queue = String(req.headers['jobq-queue'] ?? '')
      const entity = `${queue}/${decodeURIComponent(String(req.headers['jobq-entity-id'] ?? ''))}`
      const jobId = webhookId.slice(webhookId.indexOf(':') + 1)
      deliveries.set(webhookId, (deliveries.get(webhookId) ?? 0) + 1)
      setTimeout(() => {
        if (res.destroyed) return
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
        ops.push({ entity, input: { kind: 'delivery', jobId }, output: { status: 200 }, call, ret: performance.now() })
      }, Math.floor(Math.random() * maxDelayMs))
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/hook`, ops, deliveries }
}

// ---------------------------------------------------------------------------------------------
// The clients: enqueue over HTTP until enough jobs are acknowledged, some entities more than once

export interface Acknowledged {
  queue: string
  entity: string
  jobId: string
}

export interface LoadResult {
  ops: EntityOp[]
  acknowledged: Acknowledged[]
  /** [sent, answered] times of every 503, and of every request that got no answer. */
  unavailable: Array<[number, number]>
  /** Answers that are neither 2xx, 409 nor 503, with their bodies: each is a failure. */
  unexpected: string[]
  /** 503 bodies that do not say what the client should do. */
  badRefusals: string[]
}

export interface LoadOptions {
  api: ApiClient
  queues: string[]
  /** Stop once this many jobs were answered 201. */
  target: number
  clients: number
  /** Told of each acknowledged job, so a scenario can strike at a chosen moment. */
  onAcknowledged?: (count: number) => void
  /** Longest run, whatever was acknowledged. */
  maxMs: number
}

/**
 * Enqueues new entities over HTTP across the queues, and sends one in four requests for an entity
 * enqueued a moment before (by this client or another), so entities see concurrent and repeated
 * enqueues. Each request is recorded as an operation of its entity.
 */
export async function enqueueUnderLoad (options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { ops: [], acknowledged: [], unavailable: [], unexpected: [], badRefusals: [] }
  const recent: Array<[string, string]> = []
  let next = 0
  const started = performance.now()
  const done = () => result.acknowledged.length >= options.target || performance.now() - started > options.maxMs
  await Promise.all(Array.from({ length: options.clients }, async () => {
    while (!done()) {
      const n = next++
      const [queue, entity] = n % 4 === 3 && recent.length > 0
        ? recent[Math.floor(Math.random() * recent.length)]
        : [options.queues[n % options.queues.length], `e${n}`]
      recent.push([queue, entity])
      if (recent.length > 50) recent.shift()
      const priority = 1 + (n % 3)
      const call = performance.now()
      let output: EntityOutput = null
      let ret = Infinity
      try {
        const res = await options.api.send('POST', `/queues/${queue}/jobs`, { task: 'failover.task', entity_id: entity, priority }, 20_000)
        const answered = performance.now()
        if (res.status === 503) {
          result.unavailable.push([call, answered])
          if (!/may|unavailable/i.test(String(res.json?.message)) || res.headers['retry-after'] === undefined) result.badRefusals.push(res.text)
        } else if (res.status === 201 || res.status === 200 || res.status === 409) {
          output = { status: res.status, outcome: res.json.outcome, jobId: res.json.job_id }
          ret = answered
          if (res.status === 201) {
            result.acknowledged.push({ queue, entity, jobId: res.json.job_id })
            options.onAcknowledged?.(result.acknowledged.length)
          }
        } else {
          result.unexpected.push(`${res.status} ${res.text.slice(0, 300)}`)
        }
      } catch {
        result.unavailable.push([call, performance.now()])
      }
      result.ops.push({ entity: `${queue}/${entity}`, input: { kind: 'enqueue', priority }, output, call, ret })
      if (output === null) await sleep(50)
    }
  }))
  return result
}

/** Total time covered by the given [from, to] intervals, counting overlaps once. */
export function coveredMs (intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  let total = 0
  let end = -Infinity
  for (const [from, to] of sorted) {
    if (to <= end) continue
    total += to - Math.max(from, end)
    end = to
  }
  return total
}
