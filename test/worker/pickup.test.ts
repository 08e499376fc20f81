import { describe, it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { buildTestApp, freePort, registerHandler, sharedRedis, startRedis, type Cleanup } from '../helper.js'
import { JobQueue } from '../../src/queue/job-queue.js'
import { pickupKey } from '../../src/queue/keys.js'
import { decodeEntry } from '../../src/events/event.js'
import type { NewJob, Priority } from '../../src/queue/job.js'
import { enqueue, getJob, startHookServer, startWorker, waitFor, waitForStatus } from './worker-helper.js'

/** A day ahead of the real clock, so the app's own housekeeping never sees the test's leases lapse. */
const DAY = 86_400_000
/** lua/includes/pickup.lua PICKUP_LEASE_MS */
const PICKUP_LEASE_MS = 5000

async function setup (t: Cleanup, url: string) {
  const app = await buildTestApp(t, url)
  await registerHandler(app, 'task', 'http://127.0.0.1:9/hook', { max_attempts: 3 })
  const clock = { now: Date.now() + DAY }
  const queue = new JobQueue({ redis: app.jobQueue.redis, queue: app.jobQueue.queueName, clock: () => clock.now })
  const client = app.jobQueue.redis as Redis
  const list = (worker: string) => client.lrange(pickupKey(queue.keys, worker), 0, -1)
  const idle = async () => await client.zrange(queue.keys.idle, '0', '-1')
  return { app, queue, clock, client, list, idle }
}

const newJob = (entity: string, priority: Priority = 2, task = 'task'): NewJob =>
  ({ task, entity_id: entity, priority, args: '[]', kwargs: '{}', metadata: '{}' })

describe('direct delivery to idle workers (lua/includes/pickup.lua)', () => {
  const redis = sharedRedis()

  it('should push the next ready job to an idle worker, and put it back unrun when its pickup lease lapses', async (t) => {
    const { queue, clock, client, list, idle } = await setup(t, redis().url)
    const none = await queue.claim(4, 'w1', 30_000, 60_000)
    assert.deepEqual([none.jobs, none.idle], [[], true])
    assert.equal(Number(await client.zscore(queue.keys.idle, 'w1')), clock.now + 60_000)

    const [{ job: created }] = await queue.enqueueMany([newJob('a')])
    const entries = await list('w1')
    assert.equal(entries.length, 1)
    const job = queue.pickedUp(entries[0])
    assert.ok(job)
    assert.deepEqual([job.job_id, job.status, job.attempts, job.args], [created?.job_id, 'processing', 1, '[]'])
    assert.match(String(job.lease), /^w1:1:\d+$/)
    const stored = await queue.get(job.job_id)
    assert.equal(stored.lease, `pickup/${job.lease}`, 'the record says the worker has not confirmed it')
    assert.equal(Number(await client.zscore(queue.keys.processing, '1')), clock.now + PICKUP_LEASE_MS)
    assert.deepEqual(await idle(), [], 'one job per registration')
    assert.deepEqual(await queue.checkInvariants(), [])

    // The worker died before popping it: the lapse puts it back at its place, no attempt counted.
    clock.now += PICKUP_LEASE_MS + 1
    const { recovered } = await queue.claim(0, 'housekeeping', 0)
    assert.equal(recovered, 1)
    const back = await queue.get(job.job_id)
    assert.deepEqual([back.status, back.attempts, back.lease, back.started_at, back.position_in_queue, back.last_error],
      ['queued', 0, null, null, 1, null])
    assert.deepEqual(await list('w1'), [])
    const events = await client.xrange(queue.keys.events, '-', '+')
    assert.deepEqual(events.map(([, f]) => decodeEntry('q', f).type), ['job.enqueued', 'job.started', 'job.released'])
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should confirm a popped job with the worker\'s own token and a whole lease, and take its outcome either way', async (t) => {
    const { queue, clock, client, list } = await setup(t, redis().url)
    await queue.claim(4, 'w1', 30_000, 60_000)
    await queue.enqueueMany([newJob('a')])
    const a = queue.pickedUp(await client.lpop(pickupKey(queue.keys, 'w1')) as string)
    assert.ok(a)
    // Popped, not confirmed yet: still the worker's to settle (it holds the plain token).
    assert.deepEqual(await queue.checkInvariants(), [])
    assert.deepEqual(await queue.extendLeases([{ jobId: a.job_id, lease: a.lease as string }], 30_000), [])
    assert.equal((await queue.get(a.job_id)).lease, a.lease)
    assert.equal(Number(await client.zscore(queue.keys.processing, '1')), clock.now + 30_000)
    clock.now += PICKUP_LEASE_MS + 1
    assert.equal((await queue.claim(0, 'housekeeping', 0)).recovered, 0, 'a confirmed job keeps its whole lease')
    await queue.complete(a.job_id, a.lease as string, '{"ok":true}')
    assert.equal((await queue.get(a.job_id)).status, 'completed')

    // Registered again by its claim; this time the outcome comes before the confirmation.
    await queue.claim(4, 'w1', 30_000, 60_000)
    await queue.enqueueMany([newJob('b')])
    const b = queue.pickedUp((await list('w1'))[0])
    assert.ok(b)
    await client.del(pickupKey(queue.keys, 'w1'))
    await queue.complete(b.job_id, b.lease as string, null)
    const done = await queue.get(b.job_id)
    assert.deepEqual([done.status, done.lease], ['completed', b.lease])
    await queue.complete(b.job_id, b.lease as string, null)
    assert.deepEqual(await queue.get(b.job_id), done, 'a repeated completion changes nothing')
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should let a claim take what was pushed to the worker\'s list before it popped it', async (t) => {
    const { queue, clock, list } = await setup(t, redis().url)
    await queue.claim(2, 'w1', 30_000, 60_000)
    await queue.enqueueMany([newJob('a'), newJob('b')])
    assert.equal((await list('w1')).length, 1)
    const claimed = await queue.claim(2, 'w1', 30_000, 60_000)
    assert.deepEqual(claimed.jobs.map((j) => [j.entity_id, j.status, j.attempts]), [['a', 'processing', 1], ['b', 'processing', 1]])
    for (const job of claimed.jobs) assert.match(String(job.lease), /^w1:1:\d+$/)
    assert.equal(claimed.idle, false, 'it claimed all it asked for')
    assert.deepEqual(await list('w1'), [])
    const a = await queue.get(claimed.jobs[0].job_id)
    assert.equal(a.lease, claimed.jobs[0].lease)
    clock.now += PICKUP_LEASE_MS + 1
    assert.equal((await queue.claim(0, 'housekeeping', 0)).recovered, 0)
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should leave a wake-up marker in the list when a claim runs beside the wait it is to end', async (t) => {
    // A claim runs beside its worker's pop: the marker pushed to end that pop (the worker stops)
    // must still be there, else the pop runs to its timeout.
    const { queue, list } = await setup(t, redis().url)
    await queue.claim(2, 'w1', 30_000, 60_000)
    await queue.enqueueMany([newJob('a')])
    await queue.wakePickup('w1', 60_000)
    const claimed = await queue.claim(2, 'w1', 30_000, 60_000)
    assert.deepEqual(claimed.jobs.map((j) => j.entity_id), ['a'])
    assert.deepEqual(await list('w1'), [''])
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should deliver what a claim would: nothing while the queue is paused, the first job by priority, none that is due later', async (t) => {
    const { queue, list, idle } = await setup(t, redis().url)
    await queue.setPaused(true)
    assert.equal((await queue.claim(4, 'w1', 30_000, 60_000)).idle, true)
    await queue.enqueueMany([newJob('paused')])
    assert.deepEqual([await list('w1'), await idle()], [[], ['w1']])
    await queue.setPaused(false)
    const [paused] = (await queue.claim(4, 'w1', 30_000, 60_000)).jobs
    assert.equal(paused.entity_id, 'paused')

    await queue.enqueueMany([{ ...newJob('later'), due_at: Date.now() + 2 * DAY }, newJob('low', 3), newJob('high', 1)])
    const [entry] = await list('w1')
    assert.equal(queue.pickedUp(entry)?.entity_id, 'high')
    assert.equal((await queue.get('low')).status, 'queued')
    assert.equal((await queue.get('later')).status, 'scheduled')
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should deliver nothing a handler\'s limit or pause holds back', async (t) => {
    const { app, queue, list, idle } = await setup(t, redis().url)
    await registerHandler(app, 'limited', 'http://127.0.0.1:9/hook', { max_concurrency: 1 })
    await queue.claim(4, 'w1', 30_000, 60_000)
    await queue.claim(4, 'w2', 30_000, 60_000)
    await queue.enqueueMany([newJob('l1', 2, 'limited')])
    await queue.enqueueMany([newJob('l2', 2, 'limited')])
    assert.equal((await list('w2')).length + (await list('w1')).length, 1, 'the second waits for the first one\'s slot')
    assert.equal((await idle()).length, 1)
    assert.equal((await queue.get('l2')).status, 'queued')

    const res = await app.inject({ method: 'POST', url: '/handlers/task/pause' })
    assert.equal(res.statusCode, 200)
    await queue.enqueueMany([newJob('t1')])
    assert.equal((await queue.get('t1')).status, 'queued')
    assert.equal((await idle()).length, 1)
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should give back the jobs in a worker\'s list when it leaves, and repeat that harmlessly', async (t) => {
    const { queue, client, list, idle } = await setup(t, redis().url)
    await queue.claim(4, 'w1', 30_000, 60_000)
    await queue.enqueueMany([newJob('a')])
    assert.equal(await queue.leaveIdle('w1'), 1)
    const a = await queue.get('a')
    assert.deepEqual([a.status, a.attempts, a.position_in_queue], ['queued', 0, 1])
    assert.deepEqual([await list('w1'), await idle(), await client.exists(pickupKey(queue.keys, 'w1'))], [[], [], 0])
    assert.equal(await queue.leaveIdle('w1'), 0)
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should report a pickup list entry that names no job handed to that worker', async (t) => {
    const { queue, client } = await setup(t, redis().url)
    await queue.enqueueMany([newJob('a')])
    const a = await queue.get('a')
    await client.rpush(pickupKey(queue.keys, 'w9'), `1 ${a.job_id} []`, 'junk', '')
    const problems = await queue.checkInvariants()
    assert.equal(problems.length, 2, problems.join('\n'))
    assert.match(problems[0], /waits in the pickup list of w9 but is queued/)
    assert.match(problems[1], /pickup list of w9 holds junk, which names no job/)
  })
})

describe('idle workers waiting on their pickup list', () => {
  async function setupWorkers (t: TestContext) {
    const redis = await startRedis(t)
    // Housekeeping every second: a pickup lease that lapses is seen soon after.
    const app = await buildTestApp(t, redis.url, { JOBQ_LEASE_MS: '2000' })
    const hook = await startHookServer(t)
    await registerHandler(app, 'pick.task', hook.url)
    const queue = app.jobQueue.queueName
    const keys = app.jobQueue.keys
    const runWorker = (env: Record<string, string> = {}) =>
      startWorker(t, { redisUrl: redis.url, queue, env: { JOBQ_LEASE_MS: '2000', JOBQ_CONCURRENCY: '2', ...env } })
    const idle = async () => await redis.client.zrange(keys.idle, '0', '-1')
    const workerId = (w: Awaited<ReturnType<typeof runWorker>>) => JSON.parse(w.output().split('\n').find((l) => l.includes('"worker started"')) as string).worker as string
    return { redis, app, hook, keys, runWorker, idle, workerId }
  }

  it('should hand a job to an idle worker without a wake message, and register it again after', async (t) => {
    const { redis, app, hook, keys, runWorker, idle, workerId } = await setupWorkers(t)
    const port = await freePort()
    const worker = await runWorker({ JOBQ_METRICS_PORT: String(port) })
    const id = workerId(worker)
    await waitFor('the worker to register as idle', async () => (await idle()).includes(id))
    const listener = new Redis(redis.url)
    t.after(() => listener.disconnect())
    const wakes: string[] = []
    listener.on('message', (_channel: string, message: string) => wakes.push(message))
    await listener.subscribe(keys.wake)

    for (let i = 0; i < 5; i++) {
      const job = await enqueue(app, { task: 'pick.task', entity_id: `e${i}` })
      await hook.waitForDeliveries(i + 1)
      const done = await waitForStatus(app, job.job_id, 'completed')
      assert.equal(done.attempts, 1)
      await waitFor('the worker to register again', async () => (await idle()).includes(id))
    }
    await sleep(100)
    assert.deepEqual(wakes, [], 'every job went straight to the waiting worker')
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    assert.match(metrics, /^jobq_jobs_handed_over_total\{queue="[^"]+"\} 5$/m)
    assert.deepEqual(await app.jobQueue.checkInvariants(), [])
  })

  it('should put back the job handed to a SIGKILLed idle worker without counting an attempt, for another worker to run', async (t) => {
    const { redis, app, hook, keys, runWorker, idle, workerId } = await setupWorkers(t)
    const survivor = await runWorker()
    await waitFor('the first worker to register as idle', async () => (await idle()).includes(workerId(survivor)))
    // Registered last, the doomed worker is the one the next job is handed to.
    const doomed = await runWorker()
    const doomedId = workerId(doomed)
    await waitFor('the second worker to register as idle', async () => (await idle())[1] === doomedId)
    doomed.child.kill('SIGKILL')
    assert.equal((await doomed.exited).signal, 'SIGKILL')

    const job = await enqueue(app, { task: 'pick.task', entity_id: 'orphan' })
    assert.deepEqual(await redis.client.lrange(pickupKey(keys, doomedId), 0, -1).then((l) => l.length), 1)
    assert.equal((await getJob(app, job.job_id)).status, 'processing')
    const [delivery] = await hook.waitForDeliveries(1, () => true, 15_000)
    assert.equal(delivery.attempt, 1, 'the attempt that never reached a handler was not counted')
    const done = await waitForStatus(app, job.job_id, 'completed')
    assert.equal(done.attempts, 1)
    assert.equal(hook.of(job.job_id).length, 1)
    assert.equal(await redis.client.exists(pickupKey(keys, doomedId)), 0)
    const types = (await redis.client.xrange(keys.events, '-', '+')).map(([, f]) => decodeEntry('q', f).type)
    assert.deepEqual(types, ['job.enqueued', 'job.started', 'job.released', 'job.started', 'job.completed'])
    assert.deepEqual(await app.jobQueue.checkInvariants(), [])
  })

  it('should leave the idle workers when it stops', async (t) => {
    const { redis, keys, runWorker, idle, workerId } = await setupWorkers(t)
    const worker = await runWorker()
    const id = workerId(worker)
    await waitFor('the worker to register as idle', async () => (await idle()).includes(id))
    worker.child.kill('SIGTERM')
    assert.deepEqual(await worker.exited, { code: 0, signal: null })
    assert.deepEqual(await idle(), [])
    assert.equal(await redis.client.exists(pickupKey(keys, id)), 0)
  })
})
