import { describe, it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { performance } from 'node:perf_hooks'
import type { ServerResponse } from 'node:http'
import { buildTestApp, registerHandler, startRedis } from '../helper.js'
import { enqueue, getJob, ok, startHookServer, startWorker, waitFor, waitForStatus, type Responder } from './worker-helper.js'

async function setup (t: TestContext, respond: Responder, redisArgs: string[] = []) {
  const redis = await startRedis(t, redisArgs)
  const app = await buildTestApp(t, redis.url)
  const hook = await startHookServer(t, respond)
  const runWorker = (env: Record<string, string>) =>
    startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName, env })
  return { redis, app, hook, runWorker }
}

describe('worker leases', () => {
  it('should re-dispatch the jobs of a SIGKILLed worker to another once the lease lapses, counting the attempt', async (t) => {
    // First attempts are never answered (their worker dies holding them); later ones succeed.
    const { app, hook, runWorker } = await setup(t, (d, res) => {
      if (d.attempt > 1) res.writeHead(200).end()
    })
    await registerHandler(app, 'crash.task', hook.url)
    await registerHandler(app, 'crash.once', hook.url, { max_attempts: 1 })
    const jobs = []
    for (let i = 0; i < 3; i++) jobs.push(await enqueue(app, { task: 'crash.task', entity_id: `k${i}` }))
    const lastChance = await enqueue(app, { task: 'crash.once', entity_id: 'k-once' })
    const doomed = await runWorker({ JOBQ_LEASE_MS: '1000', JOBQ_CONCURRENCY: '4' })
    await hook.waitForDeliveries(4)
    // Heartbeats keep the lease while the worker lives: well past one lease, nothing is taken back.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    for (const job of [...jobs, lastChance]) assert.equal((await getJob(app, job.job_id)).status, 'processing')
    assert.equal(hook.deliveries.length, 4)

    doomed.child.kill('SIGKILL')
    assert.equal((await doomed.exited).signal, 'SIGKILL')
    const killedAt = performance.now()
    await runWorker({ JOBQ_LEASE_MS: '1000', JOBQ_CONCURRENCY: '4' })

    for (const job of jobs) {
      const done = await waitForStatus(app, job.job_id, 'completed', 10_000)
      assert.equal(done.attempts, 2)
      const deliveries = hook.of(job.job_id)
      assert.deepEqual(deliveries.map((d) => d.attempt), [1, 2])
      assert.equal(deliveries[1].headers['webhook-id'], job.job_id)
      assert.ok(deliveries[1].at > killedAt)
    }
    // A lapsed lease on the last allowed attempt ends the job failed, saying why.
    const failed = await waitForStatus(app, lastChance.job_id, 'failed')
    assert.equal(failed.attempts, 1)
    assert.match(String(failed.last_error), /lease expired/)
    assert.equal(hook.of(lastChance.job_id).length, 1)
  })

  it('should not let a late answer from a worker that lost its lease overwrite the newer attempt', async (t) => {
    const held = new Map<number, ServerResponse>()
    const { app, hook, runWorker } = await setup(t, (d, res) => { held.set(d.attempt, res) })
    await registerHandler(app, 'late.task', hook.url, { timeout_ms: 60_000 })
    const job = await enqueue(app, { task: 'late.task', entity_id: 'late' })
    const frozen = await runWorker({ JOBQ_LEASE_MS: '1000' })
    await hook.waitForDeliveries(1)
    // A hung worker: alive, holding the callback, but no longer renewing its lease.
    frozen.child.kill('SIGSTOP')
    await runWorker({ JOBQ_LEASE_MS: '1000' })
    await hook.waitForDeliveries(2)
    assert.deepEqual(hook.deliveries.map((d) => d.attempt), [1, 2])

    // The first attempt's answer arrives once its worker runs again: too late to count.
    held.get(1)?.writeHead(200, { 'content-type': 'application/json' }).end('{"from":1}')
    frozen.child.kill('SIGCONT')
    await frozen.waitForOutput('outcome not recorded')
    const running = await getJob(app, job.job_id)
    assert.equal(running.status, 'processing')
    assert.equal(running.attempts, 2)

    held.get(2)?.writeHead(200, { 'content-type': 'application/json' }).end('{"from":2}')
    const done = await waitForStatus(app, job.job_id, 'completed')
    assert.deepEqual(done.result, { from: 2 })
    assert.equal(done.attempts, 2)
    assert.equal(hook.deliveries.length, 2)
  })

  it('should let in-flight callbacks finish on SIGTERM, claim nothing more, and exit 0', async (t) => {
    const { app, hook, runWorker } = await setup(t, (_d, res) => {
      setTimeout(() => res.writeHead(200).end(), 800)
    })
    await registerHandler(app, 'drain.task', hook.url)
    const jobs = []
    for (let i = 0; i < 4; i++) jobs.push(await enqueue(app, { task: 'drain.task', entity_id: `g${i}` }))
    const worker = await runWorker({ JOBQ_CONCURRENCY: '3', JOBQ_SHUTDOWN_GRACE_MS: '10000' })
    await hook.waitForDeliveries(3)

    worker.child.kill('SIGTERM')
    const exit = await worker.exited
    assert.deepEqual(exit, { code: 0, signal: null }, worker.output())
    for (const job of jobs.slice(0, 3)) {
      const done = await getJob(app, job.job_id)
      assert.equal(done.status, 'completed', `${job.entity_id} finished before the worker exited`)
      assert.equal(done.attempts, 1)
    }
    const waiting = await getJob(app, jobs[3].job_id)
    assert.equal(waiting.status, 'queued')
    assert.equal(waiting.attempts, 0)
    assert.equal(hook.deliveries.length, 3)
  })

  it('should keep draining when SIGTERM comes again', async (t) => {
    const { app, hook, runWorker } = await setup(t, (_d, res) => {
      setTimeout(() => res.writeHead(200).end(), 1000)
    })
    await registerHandler(app, 'twice.task', hook.url)
    const job = await enqueue(app, { task: 'twice.task', entity_id: 'twice' })
    const worker = await runWorker({ JOBQ_SHUTDOWN_GRACE_MS: '10000' })
    await hook.waitForDeliveries(1)

    worker.child.kill('SIGTERM')
    await worker.waitForOutput('"draining"')
    worker.child.kill('SIGTERM')
    assert.deepEqual(await worker.exited, { code: 0, signal: null }, worker.output())
    assert.equal((await getJob(app, job.job_id)).status, 'completed')
  })

  it('should exit 0 on SIGTERM while Redis is away', async (t) => {
    const { redis, runWorker } = await setup(t, ok)
    const worker = await runWorker({})
    await redis.stop()
    // An idle worker waits on its subscription: it hears of the lost connection without a claim.
    await sleep(1000)
    worker.child.kill('SIGTERM')
    assert.deepEqual(await worker.exited, { code: 0, signal: null }, worker.output())
  })

  it('should put back, uncounted, the callbacks still running when the SIGTERM grace period ends, and exit 0', async (t) => {
    let healthy = false
    const held: ServerResponse[] = []
    const { app, hook, runWorker } = await setup(t, (_d, res) => {
      if (healthy) res.writeHead(200).end()
      else held.push(res)
    })
    await registerHandler(app, 'stuck.task', hook.url, { timeout_ms: 60_000 })
    const jobs = []
    for (let i = 0; i < 2; i++) jobs.push(await enqueue(app, { task: 'stuck.task', entity_id: `s${i}`, priority: 2 }))
    const worker = await runWorker({ JOBQ_CONCURRENCY: '4', JOBQ_SHUTDOWN_GRACE_MS: '300' })
    await hook.waitForDeliveries(2)

    const signalled = performance.now()
    worker.child.kill('SIGTERM')
    const exit = await worker.exited
    assert.deepEqual(exit, { code: 0, signal: null }, worker.output())
    assert.ok(performance.now() - signalled < 5000, 'the worker does not wait for the callbacks past the grace period')
    for (const [i, job] of jobs.entries()) {
      const back = await getJob(app, job.job_id)
      assert.equal(back.status, 'queued')
      assert.equal(back.attempts, 0, 'the interrupted attempt is not counted')
      assert.equal(back.position_in_queue, i + 1, 'back at its old place')
      assert.equal(back.last_error, null)
    }

    // Another worker runs them as first attempts.
    healthy = true
    for (const res of held) res.destroy()
    await runWorker({})
    for (const job of jobs) {
      const done = await waitForStatus(app, job.job_id, 'completed')
      assert.equal(done.attempts, 1)
      assert.deepEqual(hook.of(job.job_id).map((d) => d.attempt), [1, 1])
    }
  })

  it('should record an outcome reached while Redis was away once Redis returns, and keep working without a restart', async (t) => {
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => { release = resolve })
    // Persist every write, so the restarted Redis still holds the queue.
    const { redis, app, hook, runWorker } = await setup(t, async (d, res) => {
      if (d.json.entity_id === 'during') await released
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ entity: d.json.entity_id }))
    }, ['--appendonly', 'yes', '--appendfsync', 'always'])
    await registerHandler(app, 'outage.task', hook.url)
    const worker = await runWorker({ JOBQ_LEASE_MS: '20000' })
    const job = await enqueue(app, { task: 'outage.task', entity_id: 'during' })
    await hook.waitForDeliveries(1)

    await redis.stop()
    release()
    // The handler has answered; the worker cannot write the outcome and keeps trying.
    await worker.waitForOutput('could not record the outcome', 1, 10_000)
    await redis.start()

    const done = await waitForStatus(app, job.job_id, 'completed', 20_000)
    assert.deepEqual(done.result, { entity: 'during' })
    assert.equal(done.attempts, 1)
    assert.equal(hook.deliveries.length, 1)

    // The same worker process goes on claiming.
    assert.equal(worker.child.exitCode, null)
    const after = await enqueue(app, { task: 'outage.task', entity_id: 'after' })
    const next = await waitForStatus(app, after.job_id, 'completed', 20_000)
    assert.equal(next.attempts, 1)
    await waitFor('the worker to be alive', () => worker.child.exitCode === null)
  })
})
