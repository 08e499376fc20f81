import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildTestApp, startRedis, waitFor } from '../helper.js'
import { ok, startHookServer, startWorker } from './worker-helper.js'

describe('pausing and resuming a queue', () => {
  it('should dispatch nothing while paused, keep taking jobs in their places, and pick up at once on resume', { timeout: 60_000 }, async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url, { JOBQ_ADMIN_KEYS: 'admin-key-0123456789' })
    const admin = { authorization: 'Bearer admin-key-0123456789' }
    const hook = await startHookServer(t, ok)
    const put = await app.inject({ method: 'PUT', url: '/handlers/p.task', headers: admin, payload: { url: hook.url } })
    assert.equal(put.statusCode, 201, put.body)
    await startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName })

    const paused = await app.inject({ method: 'POST', url: '/queue/pause', headers: admin })
    assert.deepEqual(paused.json(), { queue: app.jobQueue.queueName, paused: true })
    assert.equal((await app.inject({ method: 'POST', url: '/queue/pause', headers: admin })).json().paused, true, 'pausing twice is harmless')
    const jobs = []
    for (const [i, priority] of [3, 1, 2].entries()) {
      const res = await app.inject({ method: 'POST', url: '/jobs', headers: admin, payload: { task: 'p.task', entity_id: `p${i}`, priority } })
      assert.equal(res.statusCode, 201)
      jobs.push(res.json())
    }
    const view = (await app.inject({ url: '/queue', headers: admin })).json()
    assert.deepEqual([view.paused, view.queued], [true, 3])
    // Changes go on while paused.
    assert.equal((await app.inject({ method: 'PATCH', url: '/jobs/p0/priority', headers: admin, payload: { priority: 2 } })).statusCode, 200)
    await sleep(700)
    assert.equal(hook.deliveries.length, 0, 'a paused queue dispatched a job')

    const resumed = await app.inject({ method: 'POST', url: '/queue/resume', headers: admin })
    assert.deepEqual(resumed.json().paused, false)
    const delivered = await hook.waitForDeliveries(3, undefined, 2000)
    // In priority, then first-enqueue order: p1 (1), p0 (raised to 2, first), p2 (2).
    assert.deepEqual(delivered.map((d) => d.json.entity_id), ['p1', 'p0', 'p2'])
    for (const job of jobs) {
      await waitFor(`${job.job_id} to complete`, async () => (await app.inject({ url: `/jobs/${job.job_id}`, headers: admin })).json().status === 'completed')
    }
    assert.equal((await app.inject({ url: '/queue', headers: admin })).json().paused, false)
  })

  it('should pause a named queue only, need an admin key, and answer 404 for an unknown queue', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url, { JOBQ_API_KEYS: 'client-key-0123456789', JOBQ_ADMIN_KEYS: 'admin-key-0123456789' })
    const admin = { authorization: 'Bearer admin-key-0123456789' }
    const client = { authorization: 'Bearer client-key-0123456789' }
    await app.inject({ method: 'PUT', url: '/queues/alpha/handlers/t', headers: admin, payload: { url: 'http://127.0.0.1:9/x' } })
    await app.inject({ method: 'PUT', url: '/queues/beta/handlers/t', headers: admin, payload: { url: 'http://127.0.0.1:9/x' } })
    assert.equal((await app.inject({ method: 'POST', url: '/queues/alpha/pause', headers: client })).statusCode, 403)
    assert.equal((await app.inject({ method: 'POST', url: '/queues/alpha/pause', headers: admin })).json().paused, true)
    assert.equal((await app.inject({ method: 'POST', url: '/queues/nowhere/pause', headers: admin })).statusCode, 404)
    const list = (await app.inject({ url: '/queues', headers: client })).json().queues
    assert.deepEqual(list.map((q: { name: string, paused: boolean }) => [q.name, q.paused]).filter(([n]: [string]) => n === 'alpha' || n === 'beta'),
      [['alpha', true], ['beta', false]])
    assert.equal((await app.jobQueue.claim(1, 'w', 1000)).jobs.length, 0)
  })
})
