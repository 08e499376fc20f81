import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, registerHandler, sharedRedis, type Cleanup } from '../helper.js'
import { JobQueue } from '../../src/queue/job-queue.js'
import type { NewJob, Priority } from '../../src/queue/job.js'

/**
 * The test's clock runs a day ahead of the real one, so the app's own housekeeping timer (on the real
 * clock) never sees the test's leases lapse or retries fall due, and cannot race the test.
 */
const DAY = 86_400_000

/** The app (for HTTP reads) and a JobQueue on the same queue whose clock the test moves. */
async function setup (t: Cleanup, url: string, maxAttempts = 5) {
  const app = await buildTestApp(t, url)
  await registerHandler(app, 'task', 'http://127.0.0.1:9/hook', { max_attempts: maxAttempts })
  const clock = { now: Date.now() + DAY }
  const queue = new JobQueue({ redis: app.jobQueue.redis, queue: app.jobQueue.queueName, clock: () => clock.now })
  return { app, queue, clock }
}

const newJob = (entity: string, priority: Priority = 1, task = 'task'): NewJob =>
  ({ task, entity_id: entity, priority, args: '[]', kwargs: '{}', metadata: '{}' })

const get = async (app: FastifyInstance, ident: string) => (await app.inject({ url: `/jobs/${ident}` })).json()

describe('JobQueue: retries, leases and other worker states', () => {
  const redis = sharedRedis()

  it('should hold the entity while a job waits to retry (scheduled), and let it be raised, moved or cancelled', async (t) => {
    const { app, queue, clock } = await setup(t, redis().url)
    const { job } = await queue.enqueue(newJob('e1', 2))
    const [claimed] = (await queue.claim(1, 'w1', 30_000)).jobs
    assert.equal(await queue.fail(job.job_id, claimed.lease as string, 'HTTP 503', clock.now + 60_000), 'scheduled')

    const scheduled = await get(app, 'e1')
    assert.deepEqual(
      [scheduled.status, scheduled.attempts, scheduled.last_error, scheduled.position_in_queue, scheduled.position_in_priority],
      ['scheduled', 1, 'HTTP 503', null, null])
    assert.equal(scheduled.next_attempt_at, new Date(clock.now + 60_000).toISOString())
    assert.equal((await app.inject({ url: '/queue' })).json().scheduled, 1)

    const same = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1', priority: 3 } })
    assert.deepEqual([same.statusCode, same.json().outcome, same.json().job_id], [200, 'exists', job.job_id])
    const raised = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1', priority: 1 } })
    assert.deepEqual([raised.statusCode, raised.json().outcome, raised.json().status, raised.json().priority], [200, 'priority_raised', 'scheduled', 1])
    const moved = await app.inject({ method: 'PATCH', url: '/jobs/e1/priority', payload: { priority: 3 } })
    assert.deepEqual([moved.statusCode, moved.json().status, moved.json().priority, moved.json().position_in_queue], [200, 'scheduled', 3, null])

    assert.equal((await app.inject({ method: 'DELETE', url: '/jobs/e1' })).statusCode, 204)
    assert.equal((await get(app, job.job_id)).status, 'cancelled')
    const counts = (await app.inject({ url: '/queue' })).json()
    assert.deepEqual([counts.scheduled, counts.cancelled], [0, 1])
    // the cancelled retry does not come back
    clock.now += 120_000
    assert.deepEqual((await queue.claim(5, 'w1', 30_000)).jobs, [])
    assert.equal((await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1' } })).statusCode, 201)
  })

  it('should run a due retry again at its first-enqueue place and new priority', async (t) => {
    const { app, queue, clock } = await setup(t, redis().url)
    const a = (await queue.enqueue(newJob('a', 2))).job
    await queue.enqueue(newJob('b', 2))
    const [claimed] = (await queue.claim(1, 'w1', 30_000)).jobs
    assert.equal(claimed.job_id, a.job_id)
    await queue.fail(a.job_id, claimed.lease as string, 'timeout', clock.now + 5000)
    // moved down while it waits; c and d come after it was first enqueued
    assert.equal((await queue.updatePriority('a', 3)).status, 'scheduled')
    await queue.enqueue(newJob('c', 3))
    await queue.enqueue(newJob('d', 2))

    // not due yet: b runs; with d still queued the next wake-up is now
    const early = await queue.claim(1, 'w1', 30_000)
    assert.equal(early.jobs[0].entity_id, 'b')
    assert.equal(early.nextWakeAt, clock.now)

    clock.now += 5000
    await queue.housekeeping()
    const back = await get(app, 'a')
    assert.deepEqual([back.status, back.priority, back.position_in_queue, back.position_in_priority, back.next_attempt_at, back.attempts],
      ['queued', 3, 2, 1, null, 1])
    const order = (await queue.claim(3, 'w2', 30_000)).jobs
    assert.deepEqual(order.map((j) => j.entity_id), ['d', 'a', 'c'])
    assert.deepEqual([order[1].attempts, order[1].lease?.split(':').slice(0, 2).join(':'), order[1].last_error], [2, 'w2:2', 'timeout'])
  })

  it('should tell a worker when the next retry is due while nothing is ready', async (t) => {
    const { queue, clock } = await setup(t, redis().url)
    await queue.enqueue(newJob('a'))
    const [a] = (await queue.claim(1, 'w1', 60_000)).jobs
    await queue.fail(a.job_id, a.lease as string, 'HTTP 500', clock.now + 7000)
    assert.deepEqual(await queue.claim(1, 'w1', 30_000), { jobs: [], nextWakeAt: clock.now + 7000, recovered: 0, idle: false })
    await queue.enqueue(newJob('b'))
    const [b] = (await queue.claim(1, 'w1', 3000)).jobs
    // b's lease lapses before a's retry is due
    assert.deepEqual(await queue.claim(1, 'w1', 30_000), { jobs: [], nextWakeAt: clock.now + 3000, recovered: 0, idle: false })
    await queue.complete(b.job_id, b.lease as string, null)
    assert.deepEqual(await queue.claim(1, 'w1', 30_000), { jobs: [], nextWakeAt: clock.now + 7000, recovered: 0, idle: false })
  })

  it('should put a job whose lease lapsed back at its place, counting the attempt, and fail it after the last one', async (t) => {
    const { app, queue, clock } = await setup(t, redis().url, 2)
    const a = (await queue.enqueue(newJob('a', 1))).job
    await queue.enqueue(newJob('b', 1))
    const [first] = (await queue.claim(1, 'dead-worker', 1000)).jobs
    assert.equal(first.job_id, a.job_id)
    assert.equal((await queue.claim(0, 'x', 0)).nextWakeAt, clock.now, 'b is still ready')

    clock.now += 999
    assert.equal((await queue.housekeeping()).recovered, 0)
    clock.now += 2
    assert.equal((await queue.housekeeping()).recovered, 1)
    const back = await get(app, 'a')
    assert.deepEqual([back.status, back.attempts, back.position_in_queue, back.position_in_priority], ['queued', 1, 1, 1])
    // The worker's name, never its lease token (a credential of the attempt).
    assert.equal(back.last_error, 'lease expired: worker dead-worker did not answer in time')

    // the late worker can no longer complete it
    await assert.rejects(queue.complete(a.job_id, first.lease as string, null), { code: 'JQ_ERR_LEASE_LOST' })

    const [second] = (await queue.claim(1, 'w2', 1000)).jobs
    assert.deepEqual([second.job_id, second.attempts], [a.job_id, 2])
    clock.now += 1001
    await queue.housekeeping()
    const failed = await get(app, 'a')
    assert.deepEqual([failed.status, failed.attempts], ['failed', 2])
    const counts = (await app.inject({ url: '/queue' })).json()
    assert.deepEqual([counts.failed, counts.processing, counts.queued, counts.total_processed], [1, 0, 1, 1])
    // a failed job frees its entity, and can be retried by hand
    assert.equal((await app.inject({ method: 'POST', url: `/jobs/${a.job_id}/retry` })).json().status, 'queued')
  })

  it('should keep a lease while it is extended and report leases that were lost', async (t) => {
    const { queue, clock } = await setup(t, redis().url)
    await queue.enqueue(newJob('a'))
    await queue.enqueue(newJob('b'))
    const [a, b] = (await queue.claim(2, 'w1', 1000)).jobs
    clock.now += 800
    assert.deepEqual(await queue.extendLeases([{ jobId: a.job_id, lease: a.lease as string }], 1000), [])
    clock.now += 800
    assert.equal((await queue.housekeeping()).recovered, 1)
    assert.equal((await queue.get(a.job_id)).status, 'processing')
    assert.equal((await queue.get(b.job_id)).status, 'queued')
    assert.deepEqual(await queue.extendLeases([
      { jobId: a.job_id, lease: a.lease as string },
      { jobId: b.job_id, lease: b.lease as string },
      { jobId: a.job_id, lease: 'someone-else:1' }
    ], 1000), [b.job_id, a.job_id])
    await queue.complete(a.job_id, a.lease as string, '{"ok":1}')
    // Repeated (its answer lost): recorded already, the first result kept.
    await queue.complete(a.job_id, a.lease as string, null)
    assert.equal((await queue.get(a.job_id)).result, '{"ok":1}')
    await assert.rejects(queue.complete(a.job_id, 'someone-else:1', null), { code: 'JQ_ERR_LEASE_LOST' })
    await assert.rejects(queue.complete('no-such-job', 'x', null), { code: 'JQ_ERR_JOB_NOT_FOUND' })
    assert.deepEqual(await queue.extendLeases([{ jobId: a.job_id, lease: a.lease as string }], 1000), [a.job_id])
  })

  // Found by the model test: the worker's heartbeat covers every job in flight, and a job whose
  // callback answered 202 stays in flight until the hand-off is written and its answer read; a
  // heartbeat sent in that window put the worker's lease back over the one the handler asked for.
  it('should leave the lease of a job its async handler took (202) to the handler, not the worker\'s heartbeat', async (t) => {
    const { app, queue, clock } = await setup(t, redis().url)
    await queue.enqueue(newJob('a'))
    const [a] = (await queue.claim(1, 'w1', 30_000)).jobs
    const counter = (a.lease as string).slice((a.lease as string).lastIndexOf(':') + 1)
    const handed = await queue.report(a.job_id, counter, { op: 'handoff', leaseMs: 3_600_000 })
    assert.equal(handed.held_until, clock.now + 3_600_000)
    assert.deepEqual(await queue.extendLeases([{ jobId: a.job_id, lease: a.lease as string }], 30_000), [a.job_id])
    clock.now += 60_000
    assert.equal((await queue.housekeeping()).recovered, 0)
    const job = await get(app, a.job_id)
    assert.deepEqual([job.status, job.lease_expires_at], ['processing', new Date(handed.held_until as number).toISOString()])
  })

  it('should release an unrun job back to its place without counting the attempt', async (t) => {
    const { queue } = await setup(t, redis().url)
    await queue.enqueue(newJob('a', 2))
    await queue.enqueue(newJob('b', 2))
    const [a] = (await queue.claim(1, 'w1', 30_000)).jobs
    await queue.release(a.job_id, a.lease as string)
    const back = await queue.get('a')
    assert.deepEqual([back.status, back.attempts, back.lease, back.position_in_queue], ['queued', 0, null, 1])
    await assert.rejects(queue.release(a.job_id, a.lease as string), { code: 'JQ_ERR_LEASE_LOST' })
    assert.equal((await queue.claim(1, 'w2', 30_000)).jobs[0].job_id, a.job_id)
  })

  it('should enqueue a batch atomically with one outcome per job', async (t) => {
    const { queue } = await setup(t, redis().url)
    const results = await queue.enqueueMany([newJob('a', 3), newJob('b', 2), newJob('a', 1), newJob('c', 1, 'nope'), newJob('b', 3)])
    assert.deepEqual(results.map((r) => r.outcome), ['created', 'created', 'priority_raised', 'no_handler', 'exists'])
    assert.equal(results[2].job?.job_id, results[0].job?.job_id)
    assert.equal(results[3].job, null)
    // Each item is answered as if it had been a call of its own, in batch order: a created at 3 is
    // first; b at 2 goes ahead of it; a raised to 1 is first again; b then stands second.
    assert.deepEqual(results.map((r) => r.job?.position_in_queue ?? null), [1, 1, 1, null, 2])
    assert.deepEqual(results.map((r) => r.job?.priority ?? null), [3, 2, 1, null, 2])
    await assert.rejects(queue.enqueue(newJob('d', 1, 'nope')), { code: 'JQ_ERR_NO_HANDLER' })
  })

  it('should keep order, positions and cursors exact with a first-enqueue counter far past 2^32', async (t) => {
    const { app, queue } = await setup(t, redis().url)
    await redis().client.set(queue.keys.seq, String(2 ** 45))
    for (const [entity, priority] of [['a', 3], ['b', 1], ['c', 3], ['d', 2], ['e', 1], ['f', 3]] as const) await queue.enqueue(newJob(entity, priority))
    const expected = ['b', 'e', 'd', 'a', 'c', 'f']
    for (const [i, entity] of expected.entries()) {
      const job = await get(app, entity)
      assert.equal(job.position_in_queue, i + 1, entity)
    }
    assert.deepEqual((await get(app, 'f')).position_in_priority, 3)
    assert.deepEqual((await queue.overview()).by_priority, { 1: 2, 2: 1, 3: 3 })
    const listed: string[] = []
    let cursor: string | undefined
    do {
      const page = await queue.list('queued', cursor, 4)
      listed.push(...page.jobs.map((j) => j.entity_id))
      cursor = page.next_cursor ?? undefined
    } while (cursor)
    assert.deepEqual(listed, expected)
    assert.deepEqual((await queue.claim(6, 'w', 30_000)).jobs.map((j) => j.entity_id), expected)
  })

  it('should trim finished jobs only once their retention has passed', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
    const clock = { now: Date.now() + DAY }
    const queue = new JobQueue({
      redis: app.jobQueue.redis, queue: app.jobQueue.queueName, clock: () => clock.now, completedRetentionMs: 10_000, failedRetentionMs: 20_000
    })
    await queue.enqueue(newJob('done'))
    await queue.enqueue(newJob('dead'))
    const [done, dead] = (await queue.claim(2, 'w', 30_000)).jobs
    await queue.complete(done.job_id, done.lease as string, null)
    await queue.fail(dead.job_id, dead.lease as string, 'no', null)
    clock.now += 9_999
    assert.equal((await queue.housekeeping()).trimmed, 0)
    clock.now += 2
    assert.equal((await queue.housekeeping()).trimmed, 1)
    await assert.rejects(queue.get('done'), { code: 'JQ_ERR_JOB_NOT_FOUND' })
    assert.equal((await queue.get('dead')).status, 'failed')
    clock.now += 10_000
    assert.equal((await queue.housekeeping()).trimmed, 1)
    await assert.rejects(queue.get('dead'), { code: 'JQ_ERR_JOB_NOT_FOUND' })
    assert.deepEqual(await redis().client.hgetall(queue.keys.entities), {})
    assert.deepEqual(await queue.checkInvariants(), [])
  })
})
