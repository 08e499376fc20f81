import { test } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedis } from '../helper.js'
import { answerOk, assertQueueSound, percentile, report, round, spawnJobq, startApi, startHook, unexpectedOutput } from './fault-helper.js'

const CLIENTS = 4
const MAX_REQUESTS = 4000
const LOAD_BEFORE_MS = 3000
const DOWN_MS = 2500
const LOAD_AFTER_MS = 3000
/** The "answered within a few seconds", also while Redis is away. */
const ANSWER_WITHIN_MS = 5000

interface Sent {
  sentAt: number
  doneAt: number
  status: number | null
  error: string | null
  jobId: string | null
  body: any
  retryAfter: unknown
}

test('Redis restarted mid-load with appendfsync always: every job answered 201 completes', { timeout: 120_000 }, async (t) => {
  const started = performance.now()
  // Same port and dir on restart, so the append-only file is loaded again.
  const redis = await startRedis(t, ['--appendonly', 'yes', '--appendfsync', 'always'])
  const queue = 'faults-redis-restart'
  const hook = await startHook(t, answerOk(5))
  const api = await startApi(t, { REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_LEASE_MS: '3000' })
  await api.client.putHandler('restart.task', { url: hook.url, max_attempts: 10, timeout_ms: 5000, backoff_ms: 100 })
  const workerEnv = { REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_CONCURRENCY: '8', JOBQ_LEASE_MS: '3000' }
  const workers = [spawnJobq(t, 'worker', workerEnv, 'worker 1'), spawnJobq(t, 'worker', workerEnv, 'worker 2')]

  // A client that keeps POSTing new entities, each answer recorded with its timing.
  const sent: Sent[] = []
  const load = { stop: false }
  let next = 0
  const loops = Array.from({ length: CLIENTS }, async () => {
    while (!load.stop && next < MAX_REQUESTS) {
      const n = next++
      const sentAt = performance.now()
      const entry: Sent = { sentAt, doneAt: 0, status: null, error: null, jobId: null, body: null, retryAfter: undefined }
      try {
        const res = await api.client.send('POST', '/jobs', { task: 'restart.task', entity_id: `r${n}`, priority: 1 + (n % 3) }, 15_000)
        entry.status = res.status
        entry.body = res.json
        entry.retryAfter = res.headers['retry-after']
        if (res.status === 201) entry.jobId = res.json.job_id
      } catch (err) {
        entry.error = String((err as Error).message)
      }
      entry.doneAt = performance.now()
      sent.push(entry)
      await sleep(10)
    }
  })

  await sleep(LOAD_BEFORE_MS)
  const downAt = performance.now()
  await redis.stop()
  await sleep(DOWN_MS)
  const restartAt = performance.now()
  await redis.start()
  const upAt = performance.now()
  const firstAfter = () => sent.filter((s) => s.status === 201 && s.sentAt >= upAt).sort((a, b) => a.doneAt - b.doneAt)[0]
  // Load goes on until the API has taken jobs again for a while (bounded).
  while (performance.now() - upAt < 15_000 && (!firstAfter() || performance.now() - firstAfter().doneAt < LOAD_AFTER_MS)) {
    await sleep(100)
  }
  load.stop = true
  await Promise.all(loops)

  const acknowledged = sent.filter((s) => s.status === 201).map((s) => s.jobId as string)
  const unavailable = sent.filter((s) => s.status === 503)
  const whileDown = unavailable.filter((s) => s.sentAt >= downAt && s.sentAt < upAt)
  const other = sent.filter((s) => s.status !== 201 && s.status !== 503)
  const first = firstAfter()

  const final = await api.client.drained(60_000)
  const views = await api.client.jobs(acknowledged)
  const notCompleted = acknowledged.filter((id) => views.get(id)?.status !== 'completed')
  const latencies = sent.map((s) => s.doneAt - s.sentAt)
  const figures = {
    scenario: 'redis-restart',
    acknowledged: acknowledged.length,
    completed: acknowledged.length - notCompleted.length,
    failed: acknowledged.filter((id) => views.get(id)?.status === 'failed').length,
    lost: notCompleted.length,
    duplicate_dispatches: hook.duplicateDispatches(),
    // From the restarted Redis answering PING to the first 201 the API gave after it.
    recovery_ms: first ? round(first.doneAt - upAt) : null,
    duration_ms: round(performance.now() - started),
    requests: sent.length,
    answered_503: unavailable.length,
    answered_503_while_down: whileDown.length,
    other_answers: other.length,
    redis_down_ms: round(upAt - downAt),
    redis_restart_ms: round(upAt - restartAt),
    latency_p50_ms: round(percentile(latencies, 0.5) ?? 0),
    latency_max_ms: round(Math.max(...latencies)),
    jobs_completed_in_redis: final.completed
  }
  report(t, figures)

  assert.deepEqual(other.slice(0, 10).map((s) => [s.status, s.error, s.body]), [], 'every request answered 201 or 503')
  assert.ok(acknowledged.length > 100, `only ${acknowledged.length} jobs were taken`)
  assert.ok(whileDown.length > 0, 'the API answered 503 while Redis was down')
  for (const s of unavailable) {
    assert.equal(s.body?.statusCode, 503)
    assert.equal(s.body?.error, 'Service Unavailable')
    assert.equal(s.body?.code, 'JQ_ERR_REDIS_UNAVAILABLE')
    assert.equal(typeof s.body?.message, 'string')
    assert.equal(s.retryAfter, '1')
  }
  assert.ok(Math.max(...latencies) < ANSWER_WITHIN_MS, `an answer took ${round(Math.max(...latencies))} ms`)
  assert.ok(first, 'the API took jobs again after Redis returned, without a restart')
  assert.deepEqual(notCompleted.slice(0, 20).map((id) => [id, views.get(id)?.status, views.get(id)?.last_error]), [],
    `${notCompleted.length} of ${acknowledged.length} jobs answered 201 did not complete`)
  assert.ok(final.completed >= acknowledged.length)

  assert.ok(api.proc.running(), `the API exited:\n${api.proc.output()}`)
  assert.deepEqual([api.proc, ...workers].flatMap(unexpectedOutput).slice(0, 10), [], 'no process logged an error or crashed')
  for (const w of workers) assert.ok(w.running(), `${w.name} exited:\n${w.output()}`)
  await api.client.expect(200, 'GET', '/readyz')
  await assertQueueSound(redis.url, queue, api.client)
})
