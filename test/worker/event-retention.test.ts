import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, registerHandler, startRedis } from '../helper.js'
import { ok, startHookServer, startWorker } from './worker-helper.js'

describe('event stream retention without an API', () => {
  it('should keep the event stream near JOBQ_EVENTS_RETENTION when only workers run', { timeout: 60_000 }, async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hook = await startHookServer(t, ok)
    await registerHandler(app, 'kept.task', hook.url)
    const jobs = Array.from({ length: 3000 }, (_, i) => ({ task: 'kept.task', entity_id: `k${i}` }))
    for (let i = 0; i < jobs.length; i += 1000) {
      const res = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs: jobs.slice(i, i + 1000) } })
      assert.equal(res.statusCode, 200, res.body)
    }
    // No API from here on: its housekeeping is what trimmed the stream until now.
    await app.close()
    const events = `jobq:{${app.jobQueue.queueName}}:events`
    const client = redis.client
    assert.equal(await client.xlen(events), 3000)

    // A 3 s lease: the worker's heartbeat, which trims after every 500 jobs claimed, runs every second.
    await startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName, env: { JOBQ_EVENTS_RETENTION: '100', JOBQ_LEASE_MS: '3000' } })
    await hook.waitForDeliveries(3000, undefined, 45_000)
    // Each job wrote enqueued, started and completed: 9,000 entries untrimmed. A worker trims after
    // every 500 jobs it claims, and `MAXLEN ~` trims whole stream nodes (100 entries each by
    // default): what stays is the retention, a node, and the events of the jobs claimed since the
    // last trim (fewer than 500, three events each).
    const bound = 100 + 100 + 3 * 500
    let length = await client.xlen(events)
    for (let i = 0; i < 40 && length > bound; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      length = await client.xlen(events)
    }
    assert.ok(length >= 100 && length <= bound, `the stream holds ${length} entries`)
  })
})
