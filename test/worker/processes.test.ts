import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildTestApp, registerHandler, startRedis, type TestRedis } from '../helper.js'
import { enqueue, getJob, median, ok, startHookServer, startWorker, waitFor } from './worker-helper.js'

/** Script calls Redis has run so far (INFO commandstats). */
async function scriptCalls (redis: TestRedis): Promise<number> {
  const info = await redis.client.info('commandstats')
  return [...info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
}

/**
 * Whether a worker waits for work: subscribed to the queue's wake channel and sending no script
 * call for 50 ms. An idle worker holds no command open; it waits on its subscription.
 */
async function workerWaiting (redis: TestRedis, queue: string): Promise<boolean> {
  const [, subscribers] = await redis.client.pubsub('NUMSUB', `jobq:{${queue}}:wake`) as [string, number]
  if (subscribers < 1) return false
  const before = await scriptCalls(redis)
  await sleep(50)
  return await scriptCalls(redis) === before
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('worker processes', () => {
  it('should share one queue among several processes, running every job once when none fails', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hook = await startHookServer(t, (_d, res) => {
      setTimeout(() => res.writeHead(200).end(), Math.floor(Math.random() * 5))
    })
    await registerHandler(app, 'bulk.task', hook.url)
    const count = 300
    // A third waits before the workers start, the rest arrives while they run.
    const ids: string[] = []
    for (let i = 0; i < count / 3; i++) ids.push((await enqueue(app, { task: 'bulk.task', entity_id: `b${i}`, priority: 1 + (i % 3) })).job_id)
    const worker = await startWorker(t, {
      redisUrl: redis.url,
      queue: app.jobQueue.queueName,
      args: ['--processes', '3'],
      env: { JOBQ_CONCURRENCY: '8' },
      workers: 3
    })
    assert.equal(new Set(worker.workerPids()).size, 3)
    const more = await Promise.all(Array.from({ length: count - ids.length }, (_, i) =>
      enqueue(app, { task: 'bulk.task', entity_id: `b${ids.length + i}`, priority: 1 + (i % 3) })))
    ids.push(...more.map((j) => j.job_id))

    await waitFor('every job to complete', async () => {
      const queue = (await app.inject({ method: 'GET', url: '/queue' })).json()
      return queue.completed === count ? queue : undefined
    }, 60_000, 100)
    const queue = (await app.inject({ method: 'GET', url: '/queue' })).json()
    assert.equal(queue.failed, 0)
    assert.equal(queue.queued, 0)
    assert.equal(queue.processing, 0)
    assert.equal(queue.total_processed, count)
    const { min, avg, max } = queue.runtime_ms
    assert.ok(min !== null && min <= avg && avg <= max, `runtime statistics ${JSON.stringify(queue.runtime_ms)}`)

    const seen = new Map<string, number>()
    for (const d of hook.deliveries) seen.set(String(d.headers['webhook-id']), (seen.get(String(d.headers['webhook-id'])) ?? 0) + 1)
    const twice = [...seen].filter(([, n]) => n > 1)
    assert.deepEqual(twice, [], 'no job is dispatched twice')
    assert.equal(hook.deliveries.length, count)
    assert.deepEqual([...seen.keys()].sort(), [...ids].sort())
    assert.ok(hook.deliveries.every((d) => d.attempt === 1))
  })

  it('should restart a worker process that dies, and stop them all on SIGTERM with exit 0', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hook = await startHookServer(t)
    await registerHandler(app, 'sup.task', hook.url)
    const supervisor = await startWorker(t, {
      redisUrl: redis.url,
      queue: app.jobQueue.queueName,
      args: ['--processes', '2'],
      workers: 2
    })
    const [victim, survivor] = supervisor.workerPids()
    process.kill(victim, 'SIGKILL')
    await supervisor.waitForOutput('"worker started"', 3)
    const pids = supervisor.workerPids()
    assert.equal(pids.length, 3)
    const replacement = pids[2]
    assert.ok(![victim, survivor].includes(replacement))
    assert.ok(alive(survivor) && alive(replacement))

    const job = await enqueue(app, { task: 'sup.task', entity_id: 'after-restart' })
    await hook.waitForDeliveries(1)
    assert.equal(hook.deliveries[0].jobId, job.job_id)

    supervisor.child.kill('SIGTERM')
    assert.deepEqual(await supervisor.exited, { code: 0, signal: null }, supervisor.output())
    await waitFor('the workers to exit with their supervisor', () => !alive(survivor) && !alive(replacement), 5000)
  })

  it('should drain every worker when the whole process group gets the signal (Ctrl-C, systemd), and exit 0', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hook = await startHookServer(t, (_d, res) => {
      setTimeout(() => res.writeHead(200).end(), 1000)
    })
    await registerHandler(app, 'group.task', hook.url)
    const supervisor = await startWorker(t, {
      redisUrl: redis.url,
      queue: app.jobQueue.queueName,
      args: ['--processes', '2'],
      env: { JOBQ_CONCURRENCY: '2', JOBQ_SHUTDOWN_GRACE_MS: '10000' },
      workers: 2
    })
    const jobs = []
    for (let i = 0; i < 4; i++) jobs.push(await enqueue(app, { task: 'group.task', entity_id: `p${i}` }))
    await hook.waitForDeliveries(4)

    // A terminal's Ctrl-C (or systemd's stop) reaches every process of the group, and the supervisor
    // passes it on too: each worker hears it twice and must still drain. The order is forced here.
    for (const pid of supervisor.workerPids()) process.kill(pid, 'SIGINT')
    await supervisor.waitForOutput('"draining"', 2)
    supervisor.child.kill('SIGINT')
    assert.deepEqual(await supervisor.exited, { code: 0, signal: null }, supervisor.output())
    for (const job of jobs) {
      const done = await getJob(app, job.job_id)
      assert.equal(done.status, 'completed', `${done.entity_id}: ${supervisor.output()}`)
      assert.equal(done.attempts, 1)
    }
  })

  it('should wake an idle worker within milliseconds of an enqueue (no polling sleep)', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hook = await startHookServer(t, ok)
    await registerHandler(app, 'fast.task', hook.url)
    await startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName })
    // Warm up the connection pools and the code paths once.
    await enqueue(app, { task: 'fast.task', entity_id: 'warm-up' })
    await hook.waitForDeliveries(1)

    const latencies = []
    for (let i = 0; i < 20; i++) {
      await waitFor('the worker to wait for work, idle', () => workerWaiting(redis, app.jobQueue.queueName), 10_000, 10)
      const before = performance.now()
      await enqueue(app, { task: 'fast.task', entity_id: `l${i}` })
      const [delivery] = (await hook.waitForDeliveries(i + 2)).slice(-1)
      latencies.push(delivery.at - before)
    }
    const middle = median(latencies)
    // The seed polled every 0.5 s (250 ms on average); a waiting worker answers in a few ms.
    assert.ok(middle < 100, `median enqueue-to-handler latency ${middle.toFixed(1)} ms; all: ${latencies.map((l) => l.toFixed(0)).join(', ')}`)
  })

  it('should send Redis nothing while idle, serving several queues', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hook = await startHookServer(t, ok)
    await registerHandler(app, 'idle.task', hook.url)
    const other = `${app.jobQueue.queueName}-b`
    await app.inject({ method: 'PUT', url: `/queues/${other}/handlers/idle.task`, payload: { url: hook.url } })
    await startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName, env: { JOBQ_QUEUES: `${app.jobQueue.queueName},${other}` } })
    await waitFor('the worker to wait for work, idle', () => workerWaiting(redis, other), 10_000, 10)
    // The API's housekeeping runs scripts every few seconds: only the worker may be left.
    await app.close()
    const before = await scriptCalls(redis)
    await sleep(1500)
    assert.equal(await scriptCalls(redis), before, 'an idle worker ran scripts: it polls')
    // And it wakes for either queue.
    const again = await buildTestApp(t, redis.url)
    const res = await again.inject({ method: 'POST', url: `/queues/${other}/jobs`, payload: { task: 'idle.task', entity_id: 'b1' } })
    assert.equal(res.statusCode, 201)
    await hook.waitForDeliveries(1, undefined, 2000)
  })
})
