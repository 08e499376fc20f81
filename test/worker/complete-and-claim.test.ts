import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, registerHandler, sharedRedis, type Cleanup } from '../helper.js'
import { JobQueue } from '../../src/queue/job-queue.js'
import type { NewJob, Priority } from '../../src/queue/job.js'
import { ScriptCode } from '../../src/queue/errors.js'

/** A day ahead of the real clock, so the app's own housekeeping never sees the test's leases lapse. */
const DAY = 86_400_000

async function setup (t: Cleanup, url: string) {
  const app = await buildTestApp(t, url)
  await registerHandler(app, 'task', 'http://127.0.0.1:9/hook', { max_attempts: 3 })
  const clock = { now: Date.now() + DAY }
  const queue = new JobQueue({ redis: app.jobQueue.redis, queue: app.jobQueue.queueName, clock: () => clock.now })
  return { queue, clock }
}

const newJob = (entity: string, priority: Priority = 2): NewJob =>
  ({ task: 'task', entity_id: entity, priority, args: '[]', kwargs: '{}', metadata: '{}' })

describe('JobQueue.completeAndClaim: a worker\'s batch of completions and its next claim in one call', () => {
  const redis = sharedRedis()

  it('should complete each job whose lease is still held, answer the others with their code, and claim the next jobs', async (t) => {
    const { queue, clock } = await setup(t, redis().url)
    for (const entity of ['a', 'b', 'c']) await queue.enqueue(newJob(entity, 1))
    const [a, b, c] = (await queue.claim(3, 'w1', 1000)).jobs
    await queue.enqueueMany([newJob('d', 3), newJob('e', 2), newJob('f', 2)])

    // b's lease lapses and another worker takes it: w1's late answer for b must not count.
    clock.now += 1001
    await queue.extendLeases([{ jobId: a.job_id, lease: a.lease as string }, { jobId: c.job_id, lease: c.lease as string }], 30_000)
    const [retaken] = (await queue.claim(1, 'w2', 30_000)).jobs
    assert.deepEqual([retaken.job_id, retaken.attempts], [b.job_id, 2])

    const done = await queue.completeAndClaim([
      { jobId: a.job_id, lease: a.lease as string, result: '{"n":1}' },
      { jobId: b.job_id, lease: b.lease as string, result: '{"late":true}' },
      { jobId: 'no-such-job', lease: 'x', result: null },
      { jobId: c.job_id, lease: c.lease as string, result: null }
    ], 2, 'w1', 30_000)
    assert.deepEqual(done.codes, [1, ScriptCode.LeaseLost, ScriptCode.NotFound, 1])
    assert.deepEqual(done.jobs.map((j) => [j.entity_id, j.status, j.attempts]), [['e', 'processing', 1], ['f', 'processing', 1]])
    assert.equal(new Set(done.jobs.map((j) => j.lease)).size, 2, 'each claimed job has a lease token of its own')
    for (const job of done.jobs) assert.match(String(job.lease), /^w1:1:\d+$/)
    assert.equal(done.nextWakeAt, clock.now, 'd is still waiting for another worker')

    assert.deepEqual([(await queue.get(a.job_id)).status, (await queue.get(a.job_id)).result], ['completed', '{"n":1}'])
    assert.equal((await queue.get(c.job_id)).status, 'completed')
    const running = await queue.get(b.job_id)
    assert.deepEqual([running.status, running.lease, running.result], ['processing', retaken.lease, null])
    const overview = await queue.overview()
    assert.deepEqual([overview.completed, overview.total_processed, overview.processing, overview.queued], [2, 2, 3, 1])

    // Repeating the call (its answer lost on the way) is told "recorded already" and changes nothing
    // more; the late answer for b is still refused.
    const before = await queue.get(a.job_id)
    const again = await queue.completeAndClaim([
      { jobId: a.job_id, lease: a.lease as string, result: '{"n":2}' },
      { jobId: b.job_id, lease: b.lease as string, result: '{"late":true}' },
      { jobId: c.job_id, lease: c.lease as string, result: null }
    ], 0, 'w1', 30_000)
    assert.deepEqual([again.codes, again.jobs], [[2, ScriptCode.LeaseLost, 2], []])
    assert.deepEqual(await queue.get(a.job_id), before)
    assert.equal((await queue.overview()).total_processed, 2)
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should complete a batch with nothing left to claim and say when to look again', async (t) => {
    const { queue, clock } = await setup(t, redis().url)
    for (const entity of ['a', 'b']) await queue.enqueue(newJob(entity))
    const [a, b] = (await queue.claim(2, 'w1', 5000)).jobs
    const done = await queue.completeAndClaim([{ jobId: a.job_id, lease: a.lease as string, result: null }], 10, 'w1', 5000)
    assert.deepEqual([done.codes, done.jobs, done.recovered], [[1], [], 0])
    assert.equal(done.nextWakeAt, clock.now + 5000, 'b\'s lease deadline')
    await queue.complete(b.job_id, b.lease as string, null)
    const completed = await queue.get(b.job_id)
    await queue.complete(b.job_id, b.lease as string, '{"again":true}')
    assert.deepEqual(await queue.get(b.job_id), completed, 'a repeated completion changes nothing')
    await assert.rejects(queue.complete(b.job_id, 'w1:1:999', null), { code: 'JQ_ERR_LEASE_LOST' })
  })

  it('should count a job named twice in one batch once, and tell the second it is recorded already', async (t) => {
    const { queue } = await setup(t, redis().url)
    await queue.enqueue(newJob('a'))
    const [a] = (await queue.claim(1, 'w1', 60_000)).jobs
    const twice = [a, a].map((j) => ({ jobId: j.job_id, lease: j.lease as string, result: null }))
    const done = await queue.completeAndClaim(twice, 0, 'w1', 60_000)
    assert.deepEqual(done.codes, [1, 2])
    const overview = await queue.overview()
    assert.deepEqual([overview.completed, overview.total_processed], [1, 1])
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should count a batch in the runtime statistics as it would count its jobs one by one', async (t) => {
    const { queue, clock } = await setup(t, redis().url)
    const start = clock.now
    for (const entity of ['a', 'b', 'c', 'd', 'e']) await queue.enqueue(newJob(entity))
    const [a] = (await queue.claim(1, 'w1', 60_000)).jobs
    clock.now = start + 100
    await queue.complete(a.job_id, a.lease as string, null)
    const [b] = (await queue.claim(1, 'w1', 60_000)).jobs
    clock.now = start + 150
    const [c] = (await queue.claim(1, 'w1', 60_000)).jobs
    clock.now = start + 170
    const [d] = (await queue.claim(1, 'w1', 60_000)).jobs
    clock.now = start + 400
    // Runtimes 300, 250 and 230, in one write with a's answer repeated among them; none beats a's 100 as the minimum.
    const done = await queue.completeAndClaim([b, c, a, d].map((j) => ({ jobId: j.job_id, lease: j.lease as string, result: null })), 0, 'w1', 60_000)
    assert.deepEqual(done.codes, [1, 1, 2, 1])
    const overview = await queue.overview()
    assert.deepEqual([overview.completed, overview.total_processed, overview.runtime_ms], [4, 4, { min: 100, avg: 220, max: 300 }])
    assert.deepEqual(await queue.checkInvariants(), [])
  })
})
