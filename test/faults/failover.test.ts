import { describe, it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startCluster, startSentinels, type RedisNode } from '../redis-topologies.js'
import { report, round, spawnJobq, startApi, unexpectedOutput, waitFor } from './fault-helper.js'
import { checkHistories, coveredMs, enqueueUnderLoad, startRecordingHook } from './failover-helper.js'

const TARGET = 2000
const QUEUES = ['fo-a', 'fo-b', 'fo-c']
/** Cluster node timeout: a master silent this long is failed over. */
const NODE_TIMEOUT_MS = 2000

interface Topology {
  env: Record<string, string>
  /** The master to strike: the one serving the first queue. */
  victim: RedisNode
  /** True once another node serves as master in its place. */
  failedOver: () => Promise<boolean>
}

type Fault = 'kill' | 'hang'

/**
 * One run: an API and two workers on the topology, three queues, clients enqueueing over HTTP
 * until TARGET jobs are acknowledged; a third of the way in the master of the first queue is
 * killed or hung. Then every acknowledged job must complete, and every entity's history must be
 * linearizable against the queue's model.
 */
async function failoverRun (t: TestContext, scenario: string, topology: Topology, fault: Fault, waitReplicas: number): Promise<void> {
  const started = performance.now()
  const hook = await startRecordingHook(t)
  const env = { ...topology.env, JOBQ_WAIT_REPLICAS: String(waitReplicas), JOBQ_WAIT_TIMEOUT_MS: '1000', JOBQ_LEASE_MS: '4000' }
  const api = await startApi(t, env)
  for (const q of QUEUES) {
    const res = await api.client.send('PUT', `/queues/${q}/handlers/failover.task`, { url: hook.url, max_attempts: 20, backoff_ms: 100, timeout_ms: 5000 })
    assert.ok(res.status === 201 || res.status === 200, res.text)
  }
  const workerEnv = { ...env, JOBQ_QUEUES: QUEUES.join(','), JOBQ_CONCURRENCY: '16' }
  const workers = [spawnJobq(t, 'worker', workerEnv, 'worker 1'), spawnJobq(t, 'worker', workerEnv, 'worker 2')]

  let struckAt = 0
  let strike: Promise<void> | null = null
  const load = await enqueueUnderLoad({
    api: api.client,
    queues: QUEUES,
    target: TARGET,
    clients: 8,
    maxMs: 60_000,
    onAcknowledged: (count) => {
      if (count !== Math.floor(TARGET / 3) || strike) return
      struckAt = performance.now()
      strike = (async () => {
        if (fault === 'kill') {
          await topology.victim.kill()
          // As an orchestrator would, once a replica serves in its place: the node comes back as
          // that replica's replica. Until then its shard has no replica, and with
          // JOBQ_WAIT_REPLICAS=1 no write there can be acknowledged.
          await waitFor('a replica to take over', topology.failedOver, 30_000, 100).catch(() => {})
          await topology.victim.start()
        } else {
          topology.victim.pause()
          // Longer than the node timeout: the replica is promoted while the old master sleeps.
          await sleep(NODE_TIMEOUT_MS * 2)
          topology.victim.resume()
        }
      })()
    }
  })
  await strike
  const failedOver = await waitFor('a replica to serve in the old master\'s place', topology.failedOver, 30_000, 200).then(() => true, () => false)

  // Every acknowledged job completes: the queues drain.
  const counts = async () => {
    let pending = 0
    for (const q of QUEUES) {
      const res = await api.client.send('GET', `/queues/${q}`)
      if (res.status !== 200) return null
      pending += res.json.queued + res.json.processing + res.json.scheduled
    }
    return pending
  }
  await waitFor('the queues to drain', async () => await counts() === 0, 45_000, 250).catch(() => {})
  const views = await Promise.all(load.acknowledged.map(async (job) => {
    const res = await api.client.send('GET', `/queues/${job.queue}/jobs/${job.jobId}`)
    return res.status === 200 ? res.json.status as string : `HTTP ${res.status}`
  }))
  const lost = load.acknowledged.filter((_, i) => views[i] !== 'completed')
  const violations = checkHistories([...load.ops, ...hook.ops])
  const duplicates = [...hook.deliveries.values()].reduce((sum, n) => sum + n - 1, 0)
  const figures = {
    scenario,
    acknowledged: load.acknowledged.length,
    completed: load.acknowledged.length - lost.length,
    failed: views.filter((v) => v === 'failed').length,
    lost: lost.length,
    duplicate_dispatches: duplicates,
    recovery_ms: failedOver ? round(performance.now() - struckAt) : null,
    duration_ms: round(performance.now() - started),
    wait_replicas: waitReplicas,
    requests: load.ops.length,
    answered_503: load.unavailable.length,
    seconds_of_503: Math.round(coveredMs(load.unavailable) / 100) / 10,
    other_answers: load.unexpected.length,
    histories_checked: new Set(load.ops.map((op) => op.entity)).size,
    linearizable: violations === ''
  }
  report(t, figures)

  assert.ok(failedOver, 'a replica took over')
  assert.deepEqual(load.unexpected.slice(0, 5), [], 'every answer is 2xx, 409 or 503: never 500')
  assert.deepEqual(load.badRefusals.slice(0, 3), [], 'a 503 says the job may exist and carries Retry-After')
  assert.ok(load.acknowledged.length >= TARGET, `only ${load.acknowledged.length} jobs acknowledged`)
  // The API recovered by itself: it answers after the failover.
  for (const q of QUEUES) assert.equal((await api.client.send('GET', `/queues/${q}`)).status, 200)
  assert.ok(api.proc.running(), `the API exited:\n${api.proc.output()}`)
  for (const w of workers) assert.ok(w.running(), `${w.name} exited:\n${w.output()}`)
  if (waitReplicas === 0) return
  assert.deepEqual(lost.slice(0, 10).map((job, i) => [job, views[load.acknowledged.indexOf(job)] ?? i]), [],
    `${lost.length} of ${load.acknowledged.length} acknowledged jobs did not complete`)
  assert.equal(violations, '', `histories that are not linearizable:\n${violations}`)
  assert.deepEqual([api.proc, ...workers].flatMap(unexpectedOutput).filter((line) => !/Redis|replica|unavailable|ECONN|closed|timed out/i.test(line)).slice(0, 10), [],
    'no process logged an unexpected error')
}

async function clusterTopology (t: TestContext): Promise<Topology> {
  const cluster = await startCluster(t, { nodeTimeoutMs: NODE_TIMEOUT_MS })
  const victim = await cluster.masterOf(QUEUES[0])
  return {
    env: { REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.seeds },
    victim,
    failedOver: async () => {
      try {
        const now = await cluster.masterOf(QUEUES[0])
        return now !== victim && (await now.client.role() as [string])[0] === 'master'
      } catch {
        return false
      }
    }
  }
}

async function sentinelTopology (t: TestContext): Promise<Topology> {
  const group = await startSentinels(t, { downAfterMs: 1000 })
  return {
    env: { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SENTINELS: group.sentinelAddresses, REDIS_SENTINEL_MASTER: group.masterName },
    victim: group.master,
    failedOver: async () => await group.currentMasterPort().catch(() => group.master.port) !== group.master.port
  }
}

describe('failover under load: no acknowledged job lost', { timeout: 600_000 }, () => {
  for (const waitReplicas of [1, 0]) {
    it(`Redis Cluster, a master SIGKILLed (JOBQ_WAIT_REPLICAS=${waitReplicas})`, { timeout: 180_000 }, async (t) => {
      await failoverRun(t, `cluster-kill-wait${waitReplicas}`, await clusterTopology(t), 'kill', waitReplicas)
    })
    it(`Redis Cluster, a master hung past the node timeout (JOBQ_WAIT_REPLICAS=${waitReplicas})`, { timeout: 180_000 }, async (t) => {
      await failoverRun(t, `cluster-hang-wait${waitReplicas}`, await clusterTopology(t), 'hang', waitReplicas)
    })
    it(`Sentinel, the master SIGKILLed (JOBQ_WAIT_REPLICAS=${waitReplicas})`, { timeout: 180_000 }, async (t) => {
      await failoverRun(t, `sentinel-kill-wait${waitReplicas}`, await sentinelTopology(t), 'kill', waitReplicas)
    })
  }
})
