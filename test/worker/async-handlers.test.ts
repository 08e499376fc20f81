import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, sharedRedis, uniqueQueueName } from '../helper.js'
import { answer, enqueue, getJob, startHookServer, startWorker, waitFor, waitForStatus, type Delivery } from './worker-helper.js'

/** Registers a handler with any settings (registerHandler takes numbers only). */
async function putHandler (app: FastifyInstance, name: string, body: Record<string, unknown>): Promise<void> {
  const res = await app.inject({ method: 'PUT', url: `/handlers/${name}`, payload: body })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body)
}

/** POSTs a report on an attempt, bearing `token` (none when undefined). */
async function report (app: FastifyInstance, jobId: string, op: string, token: string | undefined, payload: unknown = {}) {
  const headers: Record<string, string> = token === undefined ? {} : { 'jobq-callback-token': token }
  const res = await app.inject({ method: 'POST', url: `/jobs/${jobId}/${op}`, headers, payload: payload as Record<string, unknown> })
  return { status: res.statusCode, body: res.json() }
}

const tokenOf = (d: Delivery) => String(d.headers['jobq-callback-token'])

describe('async handlers: 202, then heartbeat, progress, complete and fail through the API', () => {
  const redis = sharedRedis()

  it('should leave a job a 202 took processing, free the slot, and let the token alone finish it', async (t) => {
    const app = await buildTestApp(t, redis().url, { JOBQ_API_KEYS: 'client-key-0123456789', JOBQ_ADMIN_KEYS: 'admin-key-0123456789' })
    const admin = { authorization: 'Bearer admin-key-0123456789' }
    const hook = await startHookServer(t, answer(202, { lease_ms: 60_000 }))
    const put = await app.inject({ method: 'PUT', url: '/handlers/video.encode', headers: admin, payload: { url: hook.url, async: true } })
    assert.equal(put.statusCode, 201)
    assert.deepEqual([put.json().async, put.json().async_lease_ms], [true, 300_000])
    const worker = await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, env: { JOBQ_CONCURRENCY: '1', LOG_LEVEL: 'debug' } })
    const created = await app.inject({ method: 'POST', url: '/jobs', headers: { authorization: 'Bearer client-key-0123456789' }, payload: { task: 'video.encode', entity_id: 'v1' } })
    const jobId = created.json().job_id as string
    const [delivery] = await hook.waitForDeliveries(1)
    const token = tokenOf(delivery)
    assert.match(token, /^\d+\.[A-Za-z0-9_-]{43}$/)
    assert.equal(delivery.json.callback_token, token, 'the token is also in the signed body')

    // One slot, and the first job is the handler's now: a second job is dispatched at once.
    await app.inject({ method: 'POST', url: '/jobs', headers: { authorization: 'Bearer client-key-0123456789' }, payload: { task: 'video.encode', entity_id: 'v2' } })
    await hook.waitForDeliveries(2)

    const held = await waitFor('the hand-off written', async () => {
      const job = (await app.inject({ url: `/jobs/${jobId}`, headers: { authorization: 'Bearer client-key-0123456789' } })).json()
      return job.lease_expires_at !== null && job
    })
    assert.equal(held.status, 'processing')
    const leaseLeft = Date.parse(held.lease_expires_at) - Date.now()
    assert.ok(leaseLeft > 50_000 && leaseLeft <= 60_000, `the 202's lease_ms: ${leaseLeft}`)

    // No key needed with the token; none, another's or a made-up one changes nothing.
    assert.equal((await report(app, jobId, 'heartbeat', undefined)).status, 401)
    const other = tokenOf(hook.deliveries[1])
    assert.equal((await report(app, jobId, 'heartbeat', other)).status, 403)
    assert.equal((await report(app, jobId, 'heartbeat', '1.' + 'A'.repeat(43))).status, 403)
    assert.equal((await report(app, jobId, 'complete', 'made-up')).status, 403)
    assert.equal((await report(app, jobId, 'progress', token, { percent: 101 })).status, 400)
    const tooLong = await report(app, jobId, 'progress', token, { message: 'é'.repeat(600) })
    assert.equal(tooLong.status, 400)
    assert.match(tooLong.body.message, /message/)

    const progress = await report(app, jobId, 'progress', token, { percent: 40, message: 'encoding', lease_ms: 120_000 })
    assert.equal(progress.status, 200, JSON.stringify(progress.body))
    assert.deepEqual([progress.body.progress.percent, progress.body.progress.message], [40, 'encoding'])
    assert.ok(Date.parse(progress.body.lease_expires_at) - Date.now() > 100_000)

    const done = await report(app, jobId, 'complete', token, { result: { url: 's3://v1.mp4' } })
    assert.equal(done.status, 200, JSON.stringify(done.body))
    assert.deepEqual([done.body.status, done.body.result, done.body.lease_expires_at], ['completed', { url: 's3://v1.mp4' }, null])
    // A repeat after a lost reply: the same answer, nothing more.
    const again = await report(app, jobId, 'complete', token, { result: { url: 'other' } })
    assert.equal(again.status, 200)
    assert.deepEqual(again.body.result, { url: 's3://v1.mp4' })
    assert.equal((await report(app, jobId, 'fail', token, { error: 'late' })).status, 409)

    // Tokens never appear in GET answers or in any log line (the worker logs at debug here).
    const seen = (await app.inject({ url: `/jobs/${jobId}`, headers: { authorization: 'Bearer client-key-0123456789' } })).body
    for (const d of hook.deliveries) {
      assert.ok(!seen.includes(tokenOf(d)))
      assert.ok(!worker.output().includes(tokenOf(d)), 'a token in the worker\'s log')
    }
    assert.deepEqual(await app.jobQueue.checkInvariants(), [])
  })

  it('should fail an attempt whose handler stops reporting, retry it, and refuse the old token', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const hook = await startHookServer(t, answer(202))
    await putHandler(app, 'report.build', { url: hook.url, async: true, async_lease_ms: 1000, backoff_ms: 0, max_attempts: 3 })
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, env: { JOBQ_CONCURRENCY: '2' } })
    const job = await enqueue(app, { task: 'report.build', entity_id: 'r1' })
    const [first] = await hook.waitForDeliveries(1)
    const second = (await hook.waitForDeliveries(2, undefined, 20_000))[1]
    assert.deepEqual([first.attempt, second.attempt], [1, 2])
    const retried = await getJob(app, job.job_id)
    assert.equal(retried.last_error, 'no heartbeat within lease')
    assert.equal((await report(app, job.job_id, 'complete', tokenOf(first))).status, 409)
    const failed = await report(app, job.job_id, 'fail', tokenOf(second), { error: 'bad input', retry: false })
    assert.equal(failed.status, 200)
    assert.deepEqual([failed.body.status, failed.body.last_error], ['failed', 'bad input'])
    assert.equal((await report(app, job.job_id, 'fail', tokenOf(second), { error: 'bad input', retry: false })).status, 200, 'a repeated fail')
    assert.deepEqual(await app.jobQueue.checkInvariants(), [])
  })

  it('should complete a job whose handler is not async when it answers 202, as any 2xx', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const hook = await startHookServer(t, answer(202, { queued: true }))
    await putHandler(app, 'plain', { url: hook.url })
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName })
    const job = await enqueue(app, { task: 'plain', entity_id: 'p1' })
    const done = await waitForStatus(app, job.job_id, 'completed')
    assert.deepEqual(done.result, { queued: true })
  })

  it('should count async jobs against max_concurrency until they finish', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const hook = await startHookServer(t, answer(202))
    await putHandler(app, 'limited', { url: hook.url, async: true, max_concurrency: 2 })
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, env: { JOBQ_CONCURRENCY: '8' } })
    for (let i = 0; i < 5; i++) await enqueue(app, { task: 'limited', entity_id: `l${i}` })
    await hook.waitForDeliveries(2)
    await sleep(500)
    assert.equal(hook.deliveries.length, 2, 'two held by their handler: no third dispatch')
    const view = (await app.inject('/handlers/limited')).json()
    assert.deepEqual([view.in_flight, view.queued], [2, 3])
    assert.equal((await report(app, hook.deliveries[0].jobId, 'complete', tokenOf(hook.deliveries[0]))).status, 200)
    await hook.waitForDeliveries(3)
    await sleep(300)
    assert.equal(hook.deliveries.length, 3)
  })

  it('should finish 1,000 jobs taken with 202 and completed 1 to 3 s later in about 3 s, with 4 slots', async (t) => {
    const queue = uniqueQueueName()
    const app = await buildTestApp(t, redis().url, { JOBQ_QUEUE: queue })
    const pending: Array<Promise<unknown>> = []
    const hook = await startHookServer(t, (d, res) => {
      res.writeHead(202).end()
      pending.push(sleep(1000 + Math.random() * 2000).then(() => report(app, d.jobId, 'complete', tokenOf(d), { result: { ok: true } })))
    })
    await putHandler(app, 'slow', { url: hook.url, async: true })
    const jobs = Array.from({ length: 1000 }, (_, i) => ({ task: 'slow', entity_id: `s${i}` }))
    for (let i = 0; i < jobs.length; i += 500) {
      assert.equal((await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs: jobs.slice(i, i + 500) } })).statusCode, 200)
    }
    const started = Date.now()
    await startWorker(t, { redisUrl: redis().url, queue, env: { JOBQ_CONCURRENCY: '4' } })
    await waitFor('1,000 completed', async () => (await app.jobQueue.overview()).completed === 1000 || undefined, 60_000)
    const seconds = (Date.now() - started) / 1000
    await Promise.all(pending)
    // 1,000 x 2 s / 4 slots would be 500 s; taken with 202, the slots are free at once.
    assert.ok(seconds < 30, `${seconds} s`)
    t.diagnostic(`1,000 async jobs completed in ${seconds.toFixed(1)} s after the worker started (including its start)`)
    assert.deepEqual(await app.jobQueue.checkInvariants(), [])
  })
})
