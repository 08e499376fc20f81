import { test } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { startRedis } from '../helper.js'
import { assertQueueSound, report, round, seededRandom, spawnJobq, startApi, startHook, type HookDelivery, unexpectedOutput } from './fault-helper.js'

const JOBS = 400
const MAX_ATTEMPTS = 3
const TIMEOUT_MS = 1000
const BACKOFF_MS = 20
/** Each fault kind gets 10% of callbacks: 30% in all. */
const FAULTS = ['500', 'hang', 'reset'] as const
const FAULT_SHARE = 0.1

/** What the last failed attempt of each kind leaves in last_error (src/worker/dispatch.ts). */
const ERROR_OF: Record<string, RegExp> = {
  500: /^handler answered 500/,
  hang: /no answer within timeout_ms/,
  reset: /^request failed: (?!no answer)/
}

test('handler chaos: 30% of callbacks get 500, a hang or a reset; each job ends as the retry policy says', { timeout: 120_000 }, async (t) => {
  const started = performance.now()
  const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31))
  t.diagnostic(`seed ${seed} (CHAOS_SEED=${seed} replays the handler's sequence of choices)`)
  const random = seededRandom(seed)
  const redis = await startRedis(t)
  const queue = 'faults-handler-chaos'
  const hung = new Set<{ destroy: () => void }>()
  const hook = await startHook(t, (req, res) => {
    const r = random()
    const fault = r < FAULT_SHARE * FAULTS.length ? FAULTS[Math.floor(r / FAULT_SHARE)] : null
    if (fault === '500') {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"chaos"}')
    } else if (fault === 'hang') {
      // Never answers; the worker gives up at timeout_ms. Dropped after the test at the latest.
      hung.add(res)
    } else if (fault === 'reset') {
      req.socket.destroy()
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    }
    return fault ?? 'ok'
  })
  t.after(() => { for (const res of hung) res.destroy() })
  const api = await startApi(t, { REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_LEASE_MS: '10000' })
  await api.client.putHandler('chaos.task', { url: hook.url, max_attempts: MAX_ATTEMPTS, timeout_ms: TIMEOUT_MS, backoff_ms: BACKOFF_MS })
  const workerEnv = { REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_CONCURRENCY: '16', JOBQ_LEASE_MS: '10000' }
  const workers = [spawnJobq(t, 'worker', workerEnv, 'worker 1'), spawnJobq(t, 'worker', workerEnv, 'worker 2')]

  const ids = await api.client.enqueueBatch('chaos.task', 'c', JOBS)
  assert.equal(ids.length, JOBS)
  const final = await api.client.drained(90_000, (q) => q.completed + q.failed >= JOBS)
  const drainedAt = performance.now()
  const views = await api.client.jobs(ids)

  // Each job against the policy: attempts 1..k reach the handler once each, in order; the job
  // completes at the first 2xx, or fails after max_attempts failed attempts with the last one's error.
  const wrong: string[] = []
  let completed = 0
  let failed = 0
  let duplicates = 0
  for (const id of ids) {
    const view = views.get(id)
    const deliveries: HookDelivery[] = hook.byJob.get(id) ?? []
    const attempts = deliveries.map((d) => d.attempt)
    duplicates += attempts.length - new Set(attempts).size
    const expectedAttempts = Array.from({ length: deliveries.length }, (_, i) => i + 1)
    const okAt = deliveries.findIndex((d) => d.answer === 'ok')
    const last = deliveries[deliveries.length - 1]
    const says = `${id}: status ${view.status}, attempts ${view.attempts}, last_error ${JSON.stringify(view.last_error)}, ` +
      `handler saw ${JSON.stringify(deliveries.map((d) => [d.attempt, d.answer]))}`
    if (view.status === 'completed') completed++
    if (view.status === 'failed') failed++
    if (JSON.stringify(attempts) !== JSON.stringify(expectedAttempts)) {
      wrong.push(`${says}: attempts did not reach the handler once each, in order`)
    } else if (okAt >= 0) {
      if (view.status !== 'completed' || view.attempts !== okAt + 1 || okAt !== deliveries.length - 1) {
        wrong.push(`${says}: should have completed at attempt ${okAt + 1}`)
      }
    } else if (view.status !== 'failed' || view.attempts !== MAX_ATTEMPTS || deliveries.length !== MAX_ATTEMPTS) {
      wrong.push(`${says}: should have failed after exactly ${MAX_ATTEMPTS} failed attempts`)
    } else if (!ERROR_OF[last.answer].test(view.last_error ?? '')) {
      wrong.push(`${says}: last_error does not name the last attempt's fault (${last.answer})`)
    }
  }
  // How long a job took to get past the handler's faults: first callback to the one that completed it.
  let recoveryMs = 0
  for (const id of ids) {
    const deliveries = hook.byJob.get(id) ?? []
    const last = deliveries[deliveries.length - 1]
    if (deliveries.length > 1 && last.answer === 'ok') recoveryMs = Math.max(recoveryMs, last.at - deliveries[0].at)
  }
  const answers = new Map<string, number>()
  for (const d of hook.deliveries) answers.set(d.answer, (answers.get(d.answer) ?? 0) + 1)
  const figures = {
    scenario: 'handler-chaos',
    acknowledged: ids.length,
    completed,
    failed,
    lost: ids.length - completed - failed,
    duplicate_dispatches: duplicates,
    recovery_ms: round(recoveryMs),
    duration_ms: round(performance.now() - started),
    seed,
    callbacks: hook.deliveries.length,
    answers: Object.fromEntries(answers),
    policy_violations: wrong.length,
    drain_ms: round(drainedAt - started),
    retried_then_completed: ids.filter((id) => views.get(id).status === 'completed' && views.get(id).attempts > 1).length
  }
  report(t, figures)

  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} jobs did not end as the retry policy says`)
  assert.equal(completed + failed, JOBS, 'every job ended completed or failed')
  assert.equal(final.queued + final.processing + final.scheduled, 0, 'no job stuck')
  assert.equal(duplicates, 0)
  for (const fault of [...FAULTS, 'ok']) assert.ok((answers.get(fault) ?? 0) > 0, `no callback got ${fault}: the scenario did not exercise it`)
  assert.ok(api.proc.running(), `the API exited:\n${api.proc.output()}`)
  assert.deepEqual([api.proc, ...workers].flatMap(unexpectedOutput).slice(0, 10), [], 'no process logged an error or crashed')
  for (const w of workers) assert.ok(w.running(), `${w.name} exited:\n${w.output()}`)
  await assertQueueSound(redis.url, queue, api.client)
})
