import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, jobKey, registerHandler, sharedRedis, snapshotQueue, type Cleanup } from '../helper.js'
import { queueKeys } from '../../src/queue/keys.js'

async function appWithHandler (t: Cleanup, url: string, overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await buildTestApp(t, url, overrides)
  await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
  return app
}

async function enqueue (app: FastifyInstance, entity: string, priority = 1) {
  const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: entity, priority } })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body)
  return res.json()
}

/** Claims the next job as a worker would; it must be `jobId`. Returns its lease. */
async function claim (app: FastifyInstance, jobId: string): Promise<string> {
  const { jobs } = await app.jobQueue.claim(1, 'worker-1', 30_000)
  assert.equal(jobs[0]?.job_id, jobId)
  return jobs[0].lease as string
}

async function complete (app: FastifyInstance, jobId: string, result: string | null = null): Promise<void> {
  await app.jobQueue.complete(jobId, await claim(app, jobId), result)
}

async function failForGood (app: FastifyInstance, jobId: string, error = 'handler said 400'): Promise<void> {
  assert.equal(await app.jobQueue.fail(jobId, await claim(app, jobId), error, null), 'failed')
}

const get = (app: FastifyInstance, ident: string) => app.inject({ url: `/jobs/${encodeURIComponent(ident)}` })
const del = (app: FastifyInstance, ident: string) => app.inject({ method: 'DELETE', url: `/jobs/${encodeURIComponent(ident)}` })
const retry = (app: FastifyInstance, ident: string) => app.inject({ method: 'POST', url: `/jobs/${encodeURIComponent(ident)}/retry` })
const overview = async (app: FastifyInstance) => (await app.inject({ url: '/queue' })).json()

describe('DELETE /jobs/{id}', () => {
  const redis = sharedRedis()

  it('should cancel a queued job (204) and free its entity for a new job', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const job = await enqueue(app, 'e1', 2)
    await enqueue(app, 'e2', 2)
    const res = await del(app, job.job_id)
    assert.equal(res.statusCode, 204)
    assert.equal(res.body, '')

    const cancelled = (await get(app, job.job_id)).json()
    assert.deepEqual([cancelled.status, cancelled.position_in_queue, cancelled.position_in_priority], ['cancelled', null, null])
    assert.notEqual(cancelled.finished_at, null)
    assert.equal((await get(app, 'e2')).json().position_in_queue, 1)
    const counts = await overview(app)
    assert.deepEqual([counts.queued, counts.by_priority['2'], counts.cancelled], [1, 1, 1])

    const again = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1' } })
    assert.equal(again.statusCode, 201)
    assert.equal(again.json().outcome, 'created')
    assert.notEqual(again.json().job_id, job.job_id)
    assert.equal((await get(app, 'e1')).json().job_id, again.json().job_id)
    assert.equal((await get(app, job.job_id)).json().status, 'cancelled')
  })

  it('should cancel by entity_id too', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const job = await enqueue(app, 'by-entity')
    assert.equal((await del(app, 'by-entity')).statusCode, 204)
    assert.equal((await get(app, job.job_id)).json().status, 'cancelled')
    assert.equal((await overview(app)).queued, 0)
  })

  it('should answer 409 naming the job while it is processing, and change nothing', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const job = await enqueue(app, 'busy')
    await claim(app, job.job_id)
    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    for (const ident of [job.job_id, 'busy']) {
      const res = await del(app, ident)
      assert.equal(res.statusCode, 409)
      const body = res.json()
      assert.deepEqual([body.statusCode, body.error, body.code], [409, 'Conflict', 'JQ_ERR_JOB_PROCESSING'])
      assert.equal(body.job_id, job.job_id)
      assert.ok(body.message.includes(job.job_id))
    }
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)
    assert.equal((await get(app, 'busy')).json().status, 'processing')
  })

  it('should answer 404 for an unknown job', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const res = await del(app, 'nobody')
    assert.equal(res.statusCode, 404)
    assert.deepEqual(res.json(), { statusCode: 404, error: 'Not Found', code: 'JQ_ERR_JOB_NOT_FOUND', message: 'No job or entity nobody' })
  })

  it('should forget a finished job (completed, failed or cancelled) and its entity', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const keys = queueKeys(app.jobQueue.queueName)
    const completed = await enqueue(app, 'done')
    await complete(app, completed.job_id, '{"ok":true}')
    const failed = await enqueue(app, 'dead')
    await failForGood(app, failed.job_id)
    const cancelled = await enqueue(app, 'gone')
    assert.equal((await del(app, cancelled.job_id)).statusCode, 204)
    assert.deepEqual([(await overview(app)).completed, (await overview(app)).failed, (await overview(app)).cancelled], [1, 1, 1])

    for (const [entity, job] of [['done', completed], ['dead', failed], ['gone', cancelled]]) {
      assert.equal((await del(app, entity)).statusCode, 204)
      assert.equal((await get(app, job.job_id)).statusCode, 404)
      assert.equal((await get(app, entity)).statusCode, 404)
      assert.equal(await redis().client.hget(keys.entities, entity), null)
      assert.equal(await redis().client.hexists(keys.jobs, jobKey(job.job_id)), 0)
      assert.equal((await del(app, job.job_id)).statusCode, 404)
    }
    const counts = await overview(app)
    assert.deepEqual([counts.completed, counts.failed, counts.cancelled, counts.total_processed], [0, 0, 0, 2])
  })

  it('should forget an old finished job without touching the newer job of its entity', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const old = await enqueue(app, 'e')
    await complete(app, old.job_id)
    const current = await enqueue(app, 'e')
    assert.notEqual(current.job_id, old.job_id)
    assert.equal((await del(app, old.job_id)).statusCode, 204)
    const read = (await get(app, 'e')).json()
    assert.deepEqual([read.job_id, read.status], [current.job_id, 'queued'])
  })
})

describe('completion and failure', () => {
  const redis = sharedRedis()

  it('should free the entity on completion while the finished job stays readable by entity_id', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const job = await enqueue(app, 'e1')
    await complete(app, job.job_id, '{"sent":[1,2],"empty":{}}')
    const done = (await get(app, 'e1')).json()
    assert.deepEqual([done.job_id, done.status, done.attempts, done.position_in_queue, done.result],
      [job.job_id, 'completed', 1, null, { sent: [1, 2], empty: {} }])
    assert.notEqual(done.finished_at, null)

    const next = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1' } })
    assert.equal(next.statusCode, 201)
    assert.notEqual(next.json().job_id, job.job_id)
    assert.equal((await get(app, 'e1')).json().job_id, next.json().job_id)
    assert.equal((await get(app, job.job_id)).json().status, 'completed')
  })

  it('should free the entity when a job fails for good', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const job = await enqueue(app, 'e1')
    await failForGood(app, job.job_id, 'handler answered 404')
    const failed = (await get(app, 'e1')).json()
    assert.deepEqual([failed.status, failed.last_error, failed.attempts], ['failed', 'handler answered 404', 1])
    const next = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1' } })
    assert.equal(next.statusCode, 201)
    assert.notEqual(next.json().job_id, job.job_id)
  })
})

describe('POST /jobs/{id}/retry', () => {
  const redis = sharedRedis()

  it('should put a failed job back in the queue at its priority and first-enqueue place', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const job = await enqueue(app, 'e1', 2)
    await failForGood(app, job.job_id, 'boom')
    await enqueue(app, 'e2', 2)
    await enqueue(app, 'e3', 1)
    assert.equal((await overview(app)).failed, 1)

    const res = await retry(app, 'e1')
    assert.equal(res.statusCode, 200)
    const body = res.json()
    assert.deepEqual(
      [body.job_id, body.status, body.priority, body.attempts, body.started_at, body.finished_at, body.position_in_queue, body.position_in_priority],
      [job.job_id, 'queued', 2, 0, null, null, 2, 1])
    assert.equal(body.queued_at, job.queued_at)
    const counts = await overview(app)
    assert.deepEqual([counts.failed, counts.queued, counts.by_priority['2']], [0, 3, 2])
    // it holds its entity again
    const again = await enqueue(app, 'e1', 3)
    assert.deepEqual([again.outcome, again.job_id], ['exists', job.job_id])
    // and runs again
    const { jobs } = await app.jobQueue.claim(3, 'w', 30_000)
    assert.deepEqual(jobs.map((j) => j.entity_id), ['e3', 'e1', 'e2'])
  })

  it('should answer 409 for a job that is not failed and 404 for an unknown one', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const queued = await enqueue(app, 'queued')
    const processing = await enqueue(app, 'processing')
    const completed = await enqueue(app, 'completed')
    await complete(app, queued.job_id)
    // 'queued' is now completed; enqueue it again to have a queued one
    const requeued = await enqueue(app, 'queued')
    await claim(app, processing.job_id)
    await complete(app, completed.job_id)
    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    for (const [ident, status] of [[requeued.job_id, 'queued'], ['processing', 'processing'], ['completed', 'completed']]) {
      const res = await retry(app, ident)
      assert.equal(res.statusCode, 409, `${ident}: ${res.body}`)
      assert.equal(res.json().code, 'JQ_ERR_JOB_NOT_FAILED')
      assert.match(res.json().message, new RegExp(`is ${status}; only a failed job`))
    }
    const missing = await retry(app, 'nobody')
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.json().code, 'JQ_ERR_JOB_NOT_FOUND')
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)
  })

  it('should answer 409 naming the other job when the entity has another active job', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const failed = await enqueue(app, 'e1')
    await failForGood(app, failed.job_id)
    const other = await enqueue(app, 'e1')
    assert.equal(other.outcome, 'created')
    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    const res = await retry(app, failed.job_id)
    assert.equal(res.statusCode, 409)
    const body = res.json()
    assert.equal(body.code, 'JQ_ERR_ENTITY_BUSY')
    assert.equal(body.job_id, other.job_id)
    assert.ok(body.message.includes(other.job_id) && body.message.includes('e1'), body.message)
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)
    assert.equal((await get(app, failed.job_id)).json().status, 'failed')

    // once the other job is gone, the retry goes through
    await complete(app, other.job_id)
    assert.equal((await retry(app, failed.job_id)).statusCode, 200)
    assert.equal((await get(app, 'e1')).json().job_id, failed.job_id)
  })
})

describe('retention of finished jobs', () => {
  const redis = sharedRedis()

  it('should expire completed jobs after JOBQ_COMPLETED_RETENTION_MS, with their entity pointer', async (t) => {
    const app = await appWithHandler(t, redis().url, { JOBQ_COMPLETED_RETENTION_MS: '500' })
    const keys = queueKeys(app.jobQueue.queueName)
    const job = await enqueue(app, 'e1')
    const kept = await enqueue(app, 'e2')
    await complete(app, job.job_id)
    await app.jobQueue.housekeeping()
    // polling by entity_id reads completed until the retention ends
    assert.equal((await get(app, 'e1')).json().status, 'completed')
    assert.equal((await overview(app)).completed, 1)

    await sleep(550)
    await app.jobQueue.housekeeping()
    assert.equal((await get(app, 'e1')).statusCode, 404)
    assert.equal((await get(app, job.job_id)).statusCode, 404)
    assert.equal(await redis().client.hget(keys.entities, 'e1'), null)
    assert.equal(await redis().client.hexists(keys.jobs, jobKey(job.job_id)), 0)
    const counts = await overview(app)
    assert.deepEqual([counts.completed, counts.total_processed, counts.queued], [0, 1, 1])
    assert.equal((await get(app, kept.job_id)).json().status, 'queued')
  })

  it('should keep the entity pointer of a newer job when the old finished job expires', async (t) => {
    const app = await appWithHandler(t, redis().url, { JOBQ_COMPLETED_RETENTION_MS: '200' })
    const old = await enqueue(app, 'e1')
    await complete(app, old.job_id)
    const current = await enqueue(app, 'e1')
    await sleep(250)
    await app.jobQueue.housekeeping()
    assert.equal((await get(app, old.job_id)).statusCode, 404)
    assert.equal((await get(app, 'e1')).json().job_id, current.job_id)
  })

  it('should expire failed jobs after JOBQ_FAILED_RETENTION_MS, and cancelled ones after the completed retention', async (t) => {
    const app = await appWithHandler(t, redis().url, { JOBQ_FAILED_RETENTION_MS: '300', JOBQ_COMPLETED_RETENTION_MS: '900' })
    const failed = await enqueue(app, 'f')
    await failForGood(app, failed.job_id)
    const cancelled = await enqueue(app, 'c')
    assert.equal((await del(app, 'c')).statusCode, 204)
    await sleep(350)
    await app.jobQueue.housekeeping()
    assert.equal((await get(app, 'f')).statusCode, 404)
    assert.equal((await get(app, 'c')).json().status, 'cancelled')
    await sleep(600)
    await app.jobQueue.housekeeping()
    assert.equal((await get(app, cancelled.job_id)).statusCode, 404)
    assert.equal((await get(app, 'c')).statusCode, 404)
    const counts = await overview(app)
    assert.deepEqual([counts.failed, counts.cancelled], [0, 0])
  })
})
