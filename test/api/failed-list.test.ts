import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, registerHandler, sharedRedis } from '../helper.js'

/** Enqueues jobs of `entities` and fails each for good, in that order. */
async function failJobs (app: FastifyInstance, entities: string[]): Promise<string[]> {
  const ids = []
  for (const entity of entities) {
    const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'f.task', entity_id: entity } })
    assert.equal(res.statusCode, 201, res.body)
    const [job] = (await app.jobQueue.claim(1, 'w', 30_000)).jobs
    assert.equal(await app.jobQueue.fail(job.job_id, job.lease!, `failed ${entity}`, null), 'failed')
    ids.push(job.job_id)
  }
  return ids
}

describe('GET /queue?list=failed', () => {
  const redis = sharedRedis()

  it('should page through the dead-letter set, oldest failure first, and go on past jobs retried meanwhile', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'f.task', 'http://127.0.0.1:9/hook')
    const ids = await failJobs(app, ['a', 'b', 'c', 'd', 'e'])

    const first = (await app.inject({ url: '/queue?list=failed&limit=2' })).json()
    assert.equal(first.failed, 5)
    assert.deepEqual(first.jobs.map((j: { job_id: string }) => j.job_id), ids.slice(0, 2))
    assert.equal(first.jobs[0].status, 'failed')
    assert.equal(first.jobs[0].last_error, 'failed a')
    // Retrying the listed jobs takes them out of the set; the cursor still marks the place.
    for (const id of ids.slice(0, 2)) assert.equal((await app.inject({ method: 'POST', url: `/jobs/${id}/retry` })).json().status, 'queued')
    const second = (await app.inject({ url: `/queue?list=failed&limit=2&cursor=${encodeURIComponent(first.next_cursor)}` })).json()
    assert.deepEqual(second.jobs.map((j: { job_id: string }) => j.job_id), ids.slice(2, 4))
    const last = (await app.inject({ url: `/queue?list=failed&limit=2&cursor=${encodeURIComponent(second.next_cursor)}` })).json()
    assert.deepEqual(last.jobs.map((j: { job_id: string }) => j.job_id), ids.slice(4))
    assert.equal(last.next_cursor, null)
  })

  it('should list a named queue\'s failed jobs under /queues/{queue}', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'f.task', 'http://127.0.0.1:9/hook')
    const [id] = await failJobs(app, ['x'])
    const named = (await app.inject({ url: `/queues/${app.jobQueue.queueName}?list=failed` })).json()
    assert.deepEqual(named.jobs.map((j: { job_id: string }) => j.job_id), [id])
  })
})
