import { test } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedis } from '../helper.js'
import { queueKeys } from '../../src/queue/keys.js'
import { answerOk, assertQueueSound, queueContents, report, round, spawnJobq, startApi, startHook, type ApiClient, type ApiResponse, unexpectedOutput } from './fault-helper.js'

const MAXMEMORY = 8 * 1024 * 1024
/** Filler keys take Redis to this far below maxmemory; jobs fill the rest. */
const HEADROOM = 1536 * 1024
const FILLER = 'x'.repeat(256 * 1024)
const ARG = 'y'.repeat(16 * 1024)
const MAX_FILL_REQUESTS = 1000
const LEASE_MS = 3000
/** Longer than the lease: such a callback keeps its job only through heartbeats. */
const SLOW_CALLBACK_MS = 4500
const WORKER_CONCURRENCY = 8

/** A refusal because Redis is full: 503 (or 507) in the one error shape, saying so. */
function assertFull (res: ApiResponse, what: string): void {
  assert.ok(res.status === 503 || res.status === 507, `${what}: ${res.status} ${res.text}`)
  assert.equal(res.json?.statusCode, res.status, what)
  assert.equal(typeof res.json?.error, 'string', what)
  assert.match(res.json?.message ?? '', /out of memory/i, what)
  assert.equal(res.json?.code, 'JQ_ERR_REDIS_UNAVAILABLE', what)
  if (res.status === 503) assert.ok(res.headers['retry-after'], `${what}: no Retry-After`)
}

async function usedMemory (info: () => Promise<string>): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await info())?.[1])
}

test('Redis out of memory: enqueue answers 503, nothing is half-written, and it works again once memory frees', { timeout: 120_000 }, async (t) => {
  const started = performance.now()
  const redis = await startRedis(t, ['--maxmemory', String(MAXMEMORY), '--maxmemory-policy', 'noeviction'])
  const queue = 'faults-redis-oom'
  // The first callbacks of the worker started while Redis is full outlast its lease a little: they
  // need their heartbeats to go through.
  const slow = { left: 0 }
  const fast = answerOk(5)
  const hook = await startHook(t, (req, res, delivery) => {
    if (slow.left <= 0) return fast(req, res, delivery)
    slow.left--
    setTimeout(() => { if (!res.destroyed) res.writeHead(200).end() }, SLOW_CALLBACK_MS)
    return 'slow'
  })
  const api = await startApi(t, { REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_LEASE_MS: String(LEASE_MS) })
  const client: ApiClient = api.client
  await client.putHandler('oom.task', { url: hook.url, max_attempts: 5, timeout_ms: 5000, backoff_ms: 50 })
  const info = () => redis.client.info('memory')

  // Other data of the same Redis takes most of the memory...
  const fillers: string[] = []
  while (await usedMemory(info) < MAXMEMORY - HEADROOM && fillers.length < 100) {
    const key = `other-app:filler:${fillers.length}`
    await redis.client.set(key, FILLER)
    fillers.push(key)
  }
  // ...and jobs the rest, until the API refuses one.
  const acknowledged: string[] = []
  let refusal: ApiResponse | null = null
  for (let i = 0; i < MAX_FILL_REQUESTS && !refusal; i++) {
    const res = await client.send('POST', '/jobs', { task: 'oom.task', entity_id: `fill-${i}`, args: [ARG] })
    if (res.status === 201) acknowledged.push(res.json.job_id)
    else refusal = res
  }
  assert.ok(refusal, `${MAX_FILL_REQUESTS} jobs fitted in ${MAXMEMORY} bytes`)
  assertFull(refusal, 'the first refused POST /jobs')
  const filledAt = performance.now()
  const jobsBeforeFull = acknowledged.length
  const memoryWhenFull = await usedMemory(info)
  // Full, but only just: used memory moves by a few kB as requests come and go, so a later write
  // could slip in again. Take the limit 1 MB under what is used (as if other data had grown), so
  // every write from here on is refused.
  const fullLimit = memoryWhenFull - 1024 * 1024
  await redis.client.config('SET', 'maxmemory', String(fullLimit))

  // Full: every write is refused cleanly and changes nothing; reads still work.
  const keys = queueKeys(queue)
  const before = await queueContents(redis.client, queue)
  const seqBefore = await redis.client.get(keys.seq)
  const refused: Array<[string, ApiResponse]> = []
  for (let i = 0; i < 3; i++) {
    refused.push([`POST /jobs refused-${i}`, await client.send('POST', '/jobs', { task: 'oom.task', entity_id: `refused-${i}`, args: [ARG] })])
  }
  refused.push(['POST /jobs/batch', await client.send('POST', '/jobs/batch', {
    jobs: [0, 1, 2].map((i) => ({ task: 'oom.task', entity_id: `refused-batch-${i}` }))
  })])
  refused.push(['PATCH /jobs/fill-0/priority', await client.send('PATCH', '/jobs/fill-0/priority', { priority: 3 })])
  refused.push(['PUT /handlers/oom.other', await client.send('PUT', '/handlers/oom.other', { url: hook.url })])
  for (const [what, res] of refused) assertFull(res, what)
  // Enqueueing an entity that already waits writes nothing, so it is answered as usual.
  assert.equal((await client.send('POST', '/jobs', { task: 'oom.task', entity_id: 'fill-0' })).json?.outcome, 'exists')
  await client.expect(404, 'GET', '/jobs/refused-0')
  await client.expect(404, 'GET', '/jobs/refused-batch-0')
  const whileFull = await client.jobs(acknowledged)
  const notQueued = acknowledged.filter((id) => whileFull.get(id).status !== 'queued')
  assert.deepEqual(notQueued, [], 'every job answered 201 is readable and queued')
  assert.deepEqual(await queueContents(redis.client, queue), before, 'the refused writes left the queue exactly as it was')
  assert.equal(await redis.client.get(keys.seq), seqBefore)
  await assertQueueSound(redis.url, queue, client)

  // A worker started while Redis is full: claiming, extending leases and completing only move what
  // is there, so it runs every job, once, the slow ones included.
  slow.left = WORKER_CONCURRENCY
  const worker = spawnJobq(t, 'worker', {
    REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_CONCURRENCY: String(WORKER_CONCURRENCY), JOBQ_LEASE_MS: String(LEASE_MS)
  })
  let whileFullCompleted = 0
  for (let i = 0; i < 150 && whileFullCompleted < acknowledged.length; i++) {
    await sleep(100)
    whileFullCompleted = (await client.expect(200, 'GET', '/queue')).completed
  }
  const stillFull = await usedMemory(info) > fullLimit
  const ranWhileFull = await client.jobs(acknowledged)
  const notOnce = acknowledged.filter((id) => ranWhileFull.get(id).status !== 'completed' ||
    ranWhileFull.get(id).attempts !== 1 || hook.byJob.get(id)?.length !== 1)

  // Memory frees (the other data goes); enqueue works again without a restart.
  const freedAt = performance.now()
  await redis.client.del(...fillers)
  let recoveredAt: number | null = null
  for (let i = 0; i < 100 && recoveredAt === null; i++) {
    const res = await client.send('POST', '/jobs', { task: 'oom.task', entity_id: `after-${i}` })
    if (res.status === 201) {
      acknowledged.push(res.json.job_id)
      recoveredAt = performance.now()
    } else {
      assertFull(res, 'POST /jobs before memory is reclaimed')
      await sleep(50)
    }
  }
  assert.ok(recoveredAt !== null, 'enqueue works again once memory is freed')
  for (let i = 0; i < 20; i++) {
    acknowledged.push((await client.expect(201, 'POST', '/jobs', { task: 'oom.task', entity_id: `more-${i}`, args: [ARG] })).job_id)
  }

  await client.drained(60_000)
  const views = await client.jobs(acknowledged)
  const notCompleted = acknowledged.filter((id) => views.get(id).status !== 'completed')
  const figures = {
    scenario: 'redis-oom',
    acknowledged: acknowledged.length,
    completed: acknowledged.length - notCompleted.length,
    failed: acknowledged.filter((id) => views.get(id).status === 'failed').length,
    lost: notCompleted.length,
    duplicate_dispatches: hook.duplicateDispatches(),
    // From the memory being freed to the first 201.
    recovery_ms: round(recoveredAt - freedAt),
    duration_ms: round(performance.now() - started),
    maxmemory: MAXMEMORY,
    used_memory_when_full: memoryWhenFull,
    maxmemory_while_full: fullLimit,
    jobs_before_full: jobsBeforeFull,
    refusal: `${refusal.status} ${refusal.json?.message}`,
    fill_ms: round(filledAt - started),
    completed_while_full: whileFullCompleted,
    slow_callbacks_while_full: hook.deliveries.filter((d) => d.answer === 'slow').length,
    not_run_exactly_once_while_full: notOnce.length,
    still_full_after_worker: stillFull
  }
  report(t, figures)

  assert.deepEqual(notOnce.slice(0, 10).map((id) => [id, ranWhileFull.get(id).status, ranWhileFull.get(id).attempts,
    ranWhileFull.get(id).last_error, hook.byJob.get(id)?.map((d) => d.answer)]), [],
  'while Redis is full, every job already queued completes at its first attempt, callbacks longer than the lease included')
  assert.deepEqual(notCompleted.slice(0, 10).map((id) => [id, views.get(id).status, views.get(id).last_error]), [],
    `${notCompleted.length} jobs answered 201 did not complete`)
  assert.ok(api.proc.running(), `the API exited:\n${api.proc.output()}`)
  assert.deepEqual([api.proc, worker].flatMap(unexpectedOutput).slice(0, 10), [], 'no process logged an error or crashed')
  assert.ok(worker.running(), `the worker exited:\n${worker.output()}`)
  await assertQueueSound(redis.url, queue, client)
})
