import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, registerHandler, startRedis, suiteContext } from '../helper.js'

describe('POST /jobs/batch', () => {
  const suite = suiteContext()
  let app: FastifyInstance
  before(async () => {
    const redis = await startRedis(suite)
    app = await buildTestApp(suite, redis.url)
    await registerHandler(app, 'h', 'http://127.0.0.1:9/')
  })

  it('should give each job its own outcome, in order, with the dedup rules of POST /jobs', async () => {
    await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'h', entity_id: 'old', priority: 3 } })
    const res = await app.inject({
      method: 'POST',
      url: '/jobs/batch',
      payload: {
        jobs: [
          { task: 'h', entity_id: 'a', priority: 2 },
          { task: 'h', entity_id: 'a', priority: 3 },
          { task: 'h', entity_id: 'old', priority: 1 },
          { task: 'nope', entity_id: 'b' },
          { task: 'h', entity_id: 'a', priority: 1, args: [1] }
        ]
      }
    })
    assert.equal(res.statusCode, 200)
    const results = res.json().results
    assert.deepEqual(results.map((r: { outcome: string }) => r.outcome), ['created', 'exists', 'priority_raised', 'no_handler', 'priority_raised'])
    assert.equal(results[0].job_id, results[1].job_id)
    assert.equal(results[0].job_id, results[4].job_id)
    assert.equal(results[3].job_id, null)
    assert.match(results[3].message, /^task: no handler named nope/)
    // Positions are read once the whole batch is in: a (raised to 1, enqueued after old) is second.
    assert.deepEqual([results[2].position_in_queue, results[4].position_in_queue], [1, 2])
    const a = await app.inject({ method: 'GET', url: '/jobs/a' })
    assert.deepEqual([a.json().priority, a.json().args], [1, []])
  })

  it('should refuse an empty batch, more than 1000 jobs, or a bad item, naming it, and store nothing', async () => {
    const before = (await app.inject({ method: 'GET', url: '/queue' })).json().queued
    const empty = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs: [] } })
    assert.equal(empty.statusCode, 400)
    const tooMany = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs: Array.from({ length: 1001 }, (_, i) => ({ task: 'h', entity_id: `x${i}` })) } })
    assert.equal(tooMany.statusCode, 400)
    assert.match(tooMany.json().message, /body\.jobs/)
    const badItem = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs: [{ task: 'h', entity_id: 'ok' }, { task: 'h', entity_id: 'bad', priority: 9 }] } })
    assert.equal(badItem.statusCode, 400)
    assert.match(badItem.json().message, /body\.jobs\.1\.priority/)
    assert.equal((await app.inject({ method: 'GET', url: '/queue' })).json().queued, before)
  })

  it('should enqueue 1000 jobs in one request', async () => {
    const jobs = Array.from({ length: 1000 }, (_, i) => ({ task: 'h', entity_id: `bulk-${i}`, priority: (i % 3) + 1, args: [i] }))
    const res = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs } })
    assert.equal(res.statusCode, 200)
    assert.equal(res.json().results.filter((r: { outcome: string }) => r.outcome === 'created').length, 1000)
    assert.deepEqual(await app.jobQueue.checkInvariants(), [])
  })
})
