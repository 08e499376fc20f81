import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { check, formatFailure, type Model, type Operation } from '../lib/linearizability.js'
import { buildTestApp, registerHandler, sharedRedis } from '../helper.js'

/**
 * Linearizability of the job routes under concurrency: many clients call POST /jobs, PATCH
 * /jobs/{entity_id}/priority, DELETE /jobs/{entity_id} and GET /jobs/{entity_id} at once over real
 * HTTP connections (so concurrent enqueues share script calls, as in production), each call's input,
 * answer and call/return times are recorded, and each entity's history must be explainable by some
 * order of its calls, each taking effect at one instant between its call and its return, on a model
 * of one entity in a queue no worker takes from.
 *
 * Positions are not compared (they depend on the other entities); everything else the model knows is.
 * Replay the same plans with JOBQ_LIN_SEED=<seed> (timing still differs from run to run).
 */
const SEED = Number(process.env.JOBQ_LIN_SEED ?? 20261130)
const ROUNDS = 3
const ENTITIES = 40
/** Waves fired after the opening burst; each entity gets about one call in each. */
const WAVES = 6
const TASK = 'lin.task'

type Input =
  | { kind: 'enqueue', priority: number }
  | { kind: 'patch', priority: number }
  | { kind: 'delete' }
  | { kind: 'get' }

/** What the model compares of an answer: HTTP status, then the body's fields (undefined when absent). */
interface Output {
  http: number
  outcome?: string
  status?: string
  priority?: number
  job_id?: string
  code?: string
  /** The answer as received, for reports. */
  raw: string
}

/** One entity: no job; a queued job; a cancelled job still readable by entity_id until deleted. */
type State =
  | { kind: 'none' }
  | { kind: 'queued' | 'cancelled', priority: number, jobId: string }

const NONE: State = { kind: 'none' }

function isJob (out: Output, http: number, status: string, priority: number, jobId: string | null): boolean {
  return out.http === http && out.status === status && out.priority === priority && (jobId === null || out.job_id === jobId)
}

function isError (out: Output, http: number, code: string, jobId?: string): boolean {
  return out.http === http && out.code === code && out.job_id === jobId
}

/**
 * The documented semantics (README, routes in src/api/routes/jobs.ts, the Lua scripts), for one
 * entity addressed by its entity_id, without a worker: no job is ever processing, scheduled or finished
 * other than by cancellation.
 */
const entityModel: Model<State, Input, Output> = {
  init: () => NONE,
  step (state, input, out) {
    switch (input.kind) {
      case 'enqueue': {
        if (state.kind !== 'queued') {
          // No active job (none, or the latest one cancelled): a new job, with a job_id never seen here.
          if (!isJob(out, 201, 'queued', input.priority, null) || out.outcome !== 'created' || typeof out.job_id !== 'string') return null
          if (state.kind === 'cancelled' && out.job_id === state.jobId) return null
          return { kind: 'queued', priority: input.priority, jobId: out.job_id }
        }
        if (input.priority < state.priority) {
          if (!isJob(out, 200, 'queued', input.priority, state.jobId) || out.outcome !== 'priority_raised') return null
          return { ...state, priority: input.priority }
        }
        return isJob(out, 200, 'queued', state.priority, state.jobId) && out.outcome === 'exists' ? state : null
      }
      case 'patch':
        if (state.kind === 'none') return isError(out, 404, 'JQ_ERR_JOB_NOT_FOUND') ? state : null
        if (state.kind === 'cancelled') return isError(out, 409, 'JQ_ERR_JOB_NOT_WAITING', state.jobId) ? state : null
        return isJob(out, 200, 'queued', input.priority, state.jobId) && out.outcome === undefined
          ? { ...state, priority: input.priority }
          : null
      case 'delete':
        if (state.kind === 'none') return isError(out, 404, 'JQ_ERR_JOB_NOT_FOUND') ? state : null
        if (out.http !== 204 || out.raw !== '') return null
        // A waiting job is cancelled (and stays readable); a cancelled one is forgotten.
        return state.kind === 'queued' ? { ...state, kind: 'cancelled' } : NONE
      case 'get':
        if (state.kind === 'none') return isError(out, 404, 'JQ_ERR_JOB_NOT_FOUND') ? state : null
        return isJob(out, 200, state.kind, state.priority, state.jobId) && out.outcome === undefined ? state : null
    }
  },
  hash: (state) => state.kind === 'none' ? 'none' : `${state.kind}:${state.priority}:${state.jobId}`,
  describeState: (state) => state.kind === 'none' ? 'none' : `${state.kind}(priority ${state.priority}, ${state.jobId})`,
  describe: (op) => `${describeInput(op.input).padEnd(24)} -> ${op.output.http} ${op.output.raw}`,
  readOnly: (input) => input.kind === 'get'
}

function describeInput (input: Input): string {
  switch (input.kind) {
    case 'enqueue': return `POST /jobs priority ${input.priority}`
    case 'patch': return `PATCH priority ${input.priority}`
    case 'delete': return 'DELETE'
    case 'get': return 'GET'
  }
}

/** Deterministic pseudo-random integers below n (a 32-bit LCG, high bits). */
function prng (seed: number): (n: number) => number {
  let s = seed >>> 0
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return Math.floor((s / 2 ** 32) * n)
  }
}

/**
 * A round's calls, wave by wave (a wave's calls leave in one synchronous loop; the next wave follows
 * at once, once half of it is answered, or once every call so far is). The opening burst gives every entity 2-4 enqueues at
 * once, which the API answers from one script call; later waves mix every kind, a few enqueues still
 * in pairs.
 */
function plan (random: (n: number) => number, entities: string[]): Array<Array<{ entity: string, input: Input }>> {
  const priority = () => 1 + random(3)
  const waves: Array<Array<{ entity: string, input: Input }>> = [[]]
  for (const entity of entities) {
    for (let i = 2 + random(3); i > 0; i--) waves[0].push({ entity, input: { kind: 'enqueue', priority: priority() } })
  }
  for (let w = 0; w < WAVES; w++) {
    const wave: Array<{ entity: string, input: Input }> = []
    for (const entity of entities) {
      const roll = random(20)
      if (roll < 5) {
        wave.push({ entity, input: { kind: 'enqueue', priority: priority() } })
        if (roll === 0) wave.push({ entity, input: { kind: 'enqueue', priority: priority() } })
      } else if (roll < 9) wave.push({ entity, input: { kind: 'patch', priority: priority() } })
      else if (roll < 13) wave.push({ entity, input: { kind: 'delete' } })
      else if (roll < 19) wave.push({ entity, input: { kind: 'get' } })
    }
    // Shuffled, so an entity's calls are not always side by side.
    for (let i = wave.length - 1; i > 0; i--) {
      const j = random(i + 1);
      [wave[i], wave[j]] = [wave[j], wave[i]]
    }
    waves.push(wave)
  }
  return waves
}

/** Resolves once `count` of `promises` have. */
function firstOf (promises: Array<Promise<unknown>>, count: number): Promise<void> {
  return new Promise((resolve) => {
    let settled = 0
    if (count <= 0) resolve()
    for (const p of promises) {
      p.then(() => {
        if (++settled === count) resolve()
      })
    }
  })
}

function toOutput (http: number, raw: string): Output {
  const out: Output = { http, raw }
  if (raw === '') return out
  let body: Record<string, unknown>
  try {
    body = JSON.parse(raw)
  } catch {
    return out
  }
  for (const field of ['outcome', 'status', 'job_id', 'code'] as const) {
    if (typeof body[field] === 'string') out[field] = body[field] as string
  }
  if (typeof body.priority === 'number') out.priority = body.priority
  // Shorter reports: what the model compares, not the timestamps, args and positions.
  const { job_id: jobId, status, priority, outcome, code, message } = body
  out.raw = JSON.stringify({ job_id: jobId, status, priority, outcome, code, message })
  return out
}

describe('job routes under concurrent clients', () => {
  const redis = sharedRedis()

  it('should be linearizable per entity: every answer fits one order of the calls', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, TASK, 'http://127.0.0.1:9/x')
    const origin = await app.listen({ host: '127.0.0.1', port: 0 })
    const pool = new Pool(origin, { connections: 256 })
    t.after(() => pool.close())

    /** Sends one call; resolves (never rejects) with it as an operation. */
    const send = async (entity: string, input: Input): Promise<Operation<Input, Output>> => {
      const path = `/jobs${input.kind === 'enqueue' ? '' : `/${encodeURIComponent(entity)}`}${input.kind === 'patch' ? '/priority' : ''}`
      const method = { enqueue: 'POST', patch: 'PATCH', delete: 'DELETE', get: 'GET' }[input.kind] as 'POST' | 'PATCH' | 'DELETE' | 'GET'
      const body = input.kind === 'enqueue'
        ? JSON.stringify({ task: TASK, entity_id: entity, priority: input.priority })
        : input.kind === 'patch' ? JSON.stringify({ priority: input.priority }) : undefined
      const call = performance.now()
      let output: Output
      try {
        const res = await pool.request({ method, path, body, headers: body === undefined ? {} : { 'content-type': 'application/json' } })
        output = toOutput(res.statusCode, await res.body.text())
      } catch (err) {
        output = { http: 0, raw: `request failed: ${String(err)}` }
      }
      return { input, output, call, ret: performance.now() }
    }

    // Connections opened before the rounds, so that the opening bursts arrive together.
    await Promise.all(Array.from({ length: 256 }, () => pool.request({ method: 'GET', path: '/healthz' }).then((res) => res.body.dump())))

    const started = performance.now()
    const failures: Array<{ round: number, size: number, text: string }> = []
    let calls = 0
    /** How often each kind of call got each answer: the paths the histories cover. */
    const answers = new Map<string, number>()
    for (let round = 0; round < ROUNDS; round++) {
      const random = prng(SEED + round)
      const entities = Array.from({ length: ENTITIES }, (_, i) => `r${round}-e${i}`)
      const pending: Array<Promise<{ entity: string, op: Operation<Input, Output> }>> = []
      for (const wave of plan(random, entities)) {
        const sent = wave.map(({ entity, input }) => send(entity, input).then((op) => ({ entity, op })))
        pending.push(...sent)
        // The next wave overlaps this one, or part of it, or waits until all is quiet.
        const pace = random(3)
        if (pace === 0) await Promise.all(pending)
        else if (pace === 1) await firstOf(sent, Math.ceil(sent.length / 2))
        else await sleep(random(3))
      }
      const done = await Promise.all(pending)
      calls += done.length
      for (const { op } of done) {
        const answer = `${op.input.kind} ${op.output.http}${op.output.outcome ? ` ${op.output.outcome}` : ''}${op.input.kind === 'get' ? ` ${op.output.status ?? ''}` : ''}`.trim()
        answers.set(answer, (answers.get(answer) ?? 0) + 1)
      }

      const created = done.filter(({ op }) => op.output.outcome === 'created').map(({ op }) => op.output.job_id)
      assert.equal(new Set(created).size, created.length, `round ${round}: a job_id was created twice`)
      for (const entity of entities) {
        const history = done.filter((d) => d.entity === entity).map((d) => d.op)
        const result = check(history, entityModel)
        if (!result.ok) {
          failures.push({
            round,
            size: result.smallest.length,
            text: `entity ${entity} (round ${round}, seed ${SEED + round}, ${history.length} calls): ${formatFailure(result, entityModel)}`
          })
        }
      }
    }
    const ms = Math.round(performance.now() - started)
    const perRound = Array.from({ length: ROUNDS }, (_, r) => failures.filter((f) => f.round === r).length)
    t.diagnostic(`${calls} calls over ${ROUNDS} rounds of ${ENTITIES} entities in ${ms} ms; entities failing per round: ${perRound.join(', ')}`)
    t.diagnostic(`answers: ${[...answers].sort().map(([answer, n]) => `${answer}: ${n}`).join(', ')}`)
    // The smallest counterexamples first: they show the fault with the least around it.
    const shown = failures.sort((a, b) => a.size - b.size).slice(0, 3).map((f) => f.text)
    assert.equal(failures.length, 0,
      `${failures.length} of ${ROUNDS * ENTITIES} entity histories are not linearizable; the smallest:\n\n${shown.join('\n\n')}`)
  })
})
