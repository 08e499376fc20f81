import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, suiteContext, waitFor } from '../helper.js'
import { startCluster, type TestCluster } from '../redis-topologies.js'
import { ok, startHookServer, startWorker } from '../worker/worker-helper.js'
import { openStream } from '../events/sse-helper.js'

describe('event streams on a Redis Cluster (3 masters, 3 replicas)', () => {
  const suite = suiteContext()
  let cluster: TestCluster
  const env = () => ({ REDIS_CLUSTER_NODES: cluster.seeds })

  it('should start a cluster', { timeout: 60_000 }, async () => {
    cluster = await startCluster(suite)
    assert.equal((await cluster.masters()).length, 3)
  })

  it('should stream each queue\'s events from the master of its slot, resume them, and wake waiters', { timeout: 90_000 }, async (t) => {
    const app = await buildTestApp(t, cluster.url, env())
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const hook = await startHookServer(t, ok)
    // Two queues on two different masters: each reader's XREAD BLOCK goes to its own slot's node.
    const names: string[] = []
    const masters = new Set<number>()
    for (let i = 0; names.length < 2 && i < 1000; i++) {
      const port = (await cluster.masterOf(`ev-${i}`)).port
      if (!masters.has(port)) {
        masters.add(port)
        names.push(`ev-${i}`)
      }
    }
    for (const q of names) {
      const put = await app.inject({ method: 'PUT', url: `/queues/${q}/handlers/ev.task`, payload: { url: hook.url } })
      assert.equal(put.statusCode, 201, put.body)
    }
    const streams = await Promise.all(names.map((q) => openStream(t, `${url}/queues/${q}/events`)))
    await waitFor('streams connected', () => streams.every((s) => s.comments.includes('connected')))
    await startWorker(t, { redisUrl: cluster.url, queue: names[0], env: { ...env(), JOBQ_QUEUES: names.join(',') } })
    for (const q of names) {
      for (let i = 0; i < 5; i++) {
        const res = await app.inject({ method: 'POST', url: `/queues/${q}/jobs`, payload: { task: 'ev.task', entity_id: `e${i}` } })
        assert.equal(res.statusCode, 201, res.body)
      }
      const waited = await app.inject({ method: 'GET', url: `/queues/${q}/jobs/e4?wait_ms=30000` })
      assert.equal(waited.json().status, 'completed')
    }
    for (const [i, stream] of streams.entries()) {
      const events = await stream.waitForEvents(15)
      assert.ok(events.every((e) => e.data.queue === names[i]))
      assert.deepEqual(events.filter((e) => e.data.type === 'job.completed').map((e) => e.data.entity_id).sort(), ['e0', 'e1', 'e2', 'e3', 'e4'])
      const resumed = await openStream(t, `${url}/queues/${names[i]}/events?last_event_id=${events[4].id}`)
      await resumed.waitForEvents(events.length - 5)
      assert.deepEqual(resumed.events.map((e) => e.id), events.slice(5).map((e) => e.id))
    }
  })
})
