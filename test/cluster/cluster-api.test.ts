import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, suiteContext, waitFor } from '../helper.js'
import { startCluster, type RedisNode, type TestCluster } from '../redis-topologies.js'
import { answer, ok, startHookServer, startWorker } from '../worker/worker-helper.js'
import { queueKeys, readyKey } from '../../src/queue/keys.js'

/** Waits for a job of a named queue to reach `status`. */
async function waitForStatus (app: FastifyInstance, queue: string, id: string, status: string): Promise<any> {
  return await waitFor(`job ${id} of ${queue} to be ${status}`, async () => {
    const job = (await app.inject({ method: 'GET', url: `/queues/${queue}/jobs/${id}` })).json()
    return job.status === status ? job : undefined
  }, 15_000, 50)
}

/** One queue name per master: a team's queues spread over the cluster. */
async function queuesOnEveryMaster (cluster: TestCluster, prefix: string): Promise<Map<string, RedisNode>> {
  const masters = await cluster.masters()
  const found = new Map<string, RedisNode>()
  for (let i = 0; found.size < masters.length && i < 1000; i++) {
    const name = `${prefix}-${i}`
    const master = await cluster.masterOf(name)
    if (![...found.values()].includes(master)) found.set(name, master)
  }
  return found
}

describe('on a Redis Cluster (3 masters, 3 replicas)', () => {
  const suite = suiteContext()
  let cluster: TestCluster
  const env = () => ({ REDIS_CLUSTER_NODES: cluster.seeds })

  it('should start a cluster whose every master has a replica', { timeout: 60_000 }, async () => {
    cluster = await startCluster(suite)
    assert.equal((await cluster.masters()).length, 3)
  })

  // First: a worker serving '*' also takes the jobs the later tests leave behind.
  it('should dispatch the jobs of every queue with one worker serving *, idle without polling', { timeout: 60_000 }, async (t) => {
    const app = await buildTestApp(t, cluster.url, env())
    const hook = await startHookServer(t, ok)
    const queues = [...(await queuesOnEveryMaster(cluster, 'star')).keys()]
    await app.inject({ method: 'PUT', url: `/queues/${queues[0]}/handlers/s.task`, payload: { url: hook.url } })
    await startWorker(t, { redisUrl: cluster.url, queue: queues[0], env: { ...env(), JOBQ_QUEUES: '*' } })
    // Queues made after the worker started are found through their wake channel.
    for (const q of queues.slice(1)) await app.inject({ method: 'PUT', url: `/queues/${q}/handlers/s.task`, payload: { url: hook.url } })
    for (const q of queues) {
      for (let i = 0; i < 10; i++) {
        const res = await app.inject({ method: 'POST', url: `/queues/${q}/jobs`, payload: { task: 's.task', entity_id: `${q}-${i}` } })
        assert.equal(res.statusCode, 201, res.body)
      }
    }
    await hook.waitForDeliveries(30, undefined, 15_000)
    const masters = await cluster.masters()
    const calls = async () => {
      let sum = 0
      for (const m of masters) {
        const info = await m.client.info('commandstats')
        for (const match of info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) sum += Number(match[1])
      }
      return sum
    }
    // The API's housekeeping runs scripts every few seconds: only the worker may be left.
    await app.close()
    await new Promise((resolve) => setTimeout(resolve, 500))
    const before = await calls()
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.equal(await calls(), before, 'an idle worker ran scripts on the cluster: it polls')
  })

  it('should let a process exit whose cluster client quit while the slot map was being refreshed', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/cluster/quit-during-refresh.ts', cluster.seeds, cluster.url],
      { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const code = await exited
    clearTimeout(timer)
    assert.match(output, /quit during a refresh/)
    assert.equal(code, 0, 'the process did not exit by itself: a timer of the closed client keeps it alive')
  })

  it('should keep each queue in one slot, its jobs on the master of its hash tag', async (t) => {
    const app = await buildTestApp(t, cluster.url, env())
    const hook = await startHookServer(t, ok)
    const queues = await queuesOnEveryMaster(cluster, 'spread')
    assert.equal(queues.size, 3, 'three queues on three masters')
    for (const name of queues.keys()) {
      const put = await app.inject({ method: 'PUT', url: `/queues/${name}/handlers/spread.task`, payload: { url: hook.url } })
      assert.equal(put.statusCode, 201, put.body)
      const jobs = Array.from({ length: 20 }, (_, i) => ({ task: 'spread.task', entity_id: `e${i}`, priority: 1 + (i % 3) }))
      const batch = await app.inject({ method: 'POST', url: `/queues/${name}/jobs/batch`, payload: { jobs } })
      assert.equal(batch.statusCode, 200, batch.body)
    }
    for (const [name, master] of queues) {
      assert.equal(await master.client.zcard(readyKey(queueKeys(name), 'spread.task')), 20, `${name}'s jobs are on its master`)
      for (const other of cluster.nodes.filter((n) => n !== master)) {
        const role = (await other.client.role() as [string])[0]
        // KEYS, not EXISTS: a node answers EXISTS of another node's slot with MOVED.
        if (role === 'master') assert.deepEqual(await other.client.keys(`jobq:{${name}}:*`), [], `${name} is on one master only`)
      }
    }
    const listed = await app.inject({ method: 'GET', url: '/queues' })
    for (const name of queues.keys()) {
      assert.deepEqual(listed.json().queues.find((q: { name: string }) => q.name === name)?.queued, 20)
    }
  })

  it('should serve every job route on the cluster: enqueue, read, raise, cancel, retry', async (t) => {
    const app = await buildTestApp(t, cluster.url, env())
    const hook = await startHookServer(t, answer(400))
    const q = 'routes'
    await app.inject({ method: 'PUT', url: `/queues/${q}/handlers/r.task`, payload: { url: hook.url, max_attempts: 1 } })
    const created = await app.inject({ method: 'POST', url: `/queues/${q}/jobs`, payload: { task: 'r.task', entity_id: 'x', priority: 3 } })
    assert.equal(created.statusCode, 201, created.body)
    const again = await app.inject({ method: 'POST', url: `/queues/${q}/jobs`, payload: { task: 'r.task', entity_id: 'x', priority: 2 } })
    assert.equal(again.json().outcome, 'priority_raised')
    const patched = await app.inject({ method: 'PATCH', url: `/queues/${q}/jobs/x/priority`, payload: { priority: 1 } })
    assert.equal(patched.json().priority, 1)
    assert.equal((await app.inject({ method: 'GET', url: `/queues/${q}/jobs/${created.json().job_id}` })).json().status, 'queued')
    const other = await app.inject({ method: 'POST', url: `/queues/${q}/jobs`, payload: { task: 'r.task', entity_id: 'y' } })
    assert.equal((await app.inject({ method: 'DELETE', url: `/queues/${q}/jobs/y` })).statusCode, 204)
    assert.equal((await app.inject({ method: 'GET', url: `/queues/${q}/jobs/${other.json().job_id}` })).json().status, 'cancelled')

    await startWorker(t, { redisUrl: cluster.url, queue: q, env: { ...env(), JOBQ_QUEUES: q } })
    const failed = await waitForStatus(app, q, created.json().job_id, 'failed')
    assert.equal(failed.attempts, 1)
    hook.respond = ok
    const retried = await app.inject({ method: 'POST', url: `/queues/${q}/jobs/x/retry` })
    assert.equal(retried.statusCode, 200, retried.body)
    await waitForStatus(app, q, created.json().job_id, 'completed')
  })

  it('should acknowledge a write only once a replica has it (JOBQ_WAIT_REPLICAS), else 503 that is safe to repeat', async (t) => {
    const replicated = await buildTestApp(t, cluster.url, { ...env(), JOBQ_WAIT_REPLICAS: '1' })
    const hook = await startHookServer(t, ok)
    await replicated.inject({ method: 'PUT', url: '/queues/waited/handlers/w.task', payload: { url: hook.url } })
    const res = await replicated.inject({ method: 'POST', url: '/queues/waited/jobs', payload: { task: 'w.task', entity_id: 'w1' } })
    assert.equal(res.statusCode, 201, res.body)

    // Two replicas are asked for; each master has one.
    const strict = await buildTestApp(t, cluster.url, { ...env(), JOBQ_WAIT_REPLICAS: '2', JOBQ_WAIT_TIMEOUT_MS: '200' })
    const refused = await strict.inject({ method: 'POST', url: '/queues/waited/jobs', payload: { task: 'w.task', entity_id: 'w2' } })
    assert.equal(refused.statusCode, 503, refused.body)
    assert.equal(refused.json().code, 'JQ_ERR_NOT_REPLICATED')
    assert.match(refused.json().message, /may exist/)
    assert.equal(refused.headers['retry-after'], '1')
    // It ran on the master: the same request through a client that asks for one replica finds it.
    const repeated = await replicated.inject({ method: 'POST', url: '/queues/waited/jobs', payload: { task: 'w.task', entity_id: 'w2' } })
    assert.equal(repeated.statusCode, 200, repeated.body)
    assert.equal(repeated.json().outcome, 'exists')
  })
})
