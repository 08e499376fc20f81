import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildApp } from '../../src/api/app.js'
import { JobQueue } from '../../src/queue/job-queue.js'
import { globalKeys, queueKeys, readyKey, type QueueKeys } from '../../src/queue/keys.js'
import { HandlerStore } from '../../src/queue/handler-store.js'
import { createRedis } from '../../src/queue/redis.js'
import { decodeEntry } from '../../src/events/event.js'
import { buildTestApp, registerHandler, sharedRedis, snapshotQueue, startRedis, testConfig, uniqueQueueName, waitFor, type TestRedis } from '../helper.js'
import { startWorker } from '../worker/worker-helper.js'

/** A JobQueue on its own client (the test's plain client has no scripts), closed after the test. */
async function queueOn (t: { after: (fn: () => void) => void }, url: string, queue: string): Promise<JobQueue> {
  const client = createRedis(url)
  await client.connect()
  t.after(() => client.disconnect())
  return new JobQueue({ redis: client, queue })
}

/** What an earlier JobQ left in a queue: a record under a 12-character job_id, and its sequence. */
async function writeUnmarkedData (client: TestRedis['client'], queue: string): Promise<void> {
  const keys = queueKeys(queue)
  await client.hset(keys.jobs, 'VcMtqwd00001', 'a record of another layout')
  await client.set(keys.seq, '1')
}

const newJob = (entity: string) => ({ task: 'task', entity_id: entity, priority: 1 as const, args: '[]', kwargs: '{}', metadata: '{}' })

describe('the data format of a queue: a version refuses data it cannot read', () => {
  const redis = sharedRedis()

  it('should mark a queue with no data, and mark it again when its keys are deleted under a running API', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const { client } = redis()
    const keys = app.jobQueue.keys
    assert.equal(await client.get(keys.format), '4', 'marked at start')
    await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
    await app.jobQueue.enqueue(newJob('a'))
    await client.del(keys.format, keys.jobs, keys.seq, readyKey(keys, 'task'), keys.heads, keys.entities)
    await app.jobQueue.enqueue(newJob('b'))
    assert.equal(await client.get(keys.format), '4', 'marked again by the enqueue')
    await app.jobQueue.checkFormat()
  })

  it('should refuse a queue holding jobs with no format mark, at the API\'s start and the worker\'s, and change nothing', async (t) => {
    const { client, url } = redis()
    const queue = uniqueQueueName()
    await writeUnmarkedData(client, queue)
    const before = await snapshotQueue(client, queue)

    const check = (await queueOn(t, url, queue)).checkFormat()
    await assert.rejects(check, (err: Error & { code?: string }) => {
      assert.equal(err.code, 'JQ_ERR_QUEUE_FORMAT')
      assert.match(err.message, new RegExp(`^Queue ${queue} holds data with no format mark \\(written by a JobQ from before .*\\), which this JobQ cannot read: `))
      return true
    })
    await assert.rejects(buildApp(testConfig(url, { JOBQ_QUEUE: queue })), { code: 'JQ_ERR_QUEUE_FORMAT' })
    await assert.rejects(startWorker(t, { redisUrl: url, queue }), /worker exited \(1\)[\s\S]*JQ_ERR_QUEUE_FORMAT/)
    assert.deepEqual(await snapshotQueue(client, queue), before)
  })

  it('should refuse to enqueue into unmarked data, even where no process has checked the queue', async (t) => {
    const { client, url } = redis()
    const queue = uniqueQueueName()
    await writeUnmarkedData(client, queue)
    await client.hset(queueKeys(queue).handlers, 'task', JSON.stringify({ name: 'task', url: 'http://127.0.0.1:9/hook' }))
    const before = await snapshotQueue(client, queue)
    const unchecked = await queueOn(t, url, queue)
    await assert.rejects(unchecked.enqueue(newJob('a')), { code: 'JQ_ERR_QUEUE_FORMAT', message: /with no format mark/ })
    assert.deepEqual(await snapshotQueue(client, queue), before)
  })

  it('should refuse unmarked data found once Redis answers, when it was away as the API started', async (t) => {
    const server = await startRedis(t)
    const queue = uniqueQueueName()
    await writeUnmarkedData(server.client, queue)
    await server.client.save()
    await server.stop()
    const fatal: Error[] = []
    const app = await buildApp(testConfig(server.url, { JOBQ_QUEUE: queue }), { onFatal: (err) => fatal.push(err) })
    t.after(() => app.close())
    await server.start()
    const [err] = await waitFor('the late check', () => fatal.length > 0 && fatal, 15_000)
    assert.equal((err as Error & { code?: string }).code, 'JQ_ERR_QUEUE_FORMAT')
    const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'a' } })
    assert.equal(res.statusCode, 500)
    assert.equal(res.json().code, 'JQ_ERR_QUEUE_FORMAT')
  })

  it('should refuse a queue marked with another format', async (t) => {
    const { client, url } = redis()
    const queue = uniqueQueueName()
    await client.set(queueKeys(queue).format, '0')
    await client.hset(queueKeys(queue).handlers, 'task', JSON.stringify({ name: 'task', url: 'http://127.0.0.1:9/hook' }))
    const unchecked = await queueOn(t, url, queue)
    const refusal = { code: 'JQ_ERR_QUEUE_FORMAT', message: new RegExp(`Queue ${queue} holds data in format 0, and this JobQ reads format 4`) }
    await assert.rejects(unchecked.checkFormat(), refusal)
    const before = await snapshotQueue(client, queue)
    await assert.rejects(unchecked.enqueue(newJob('a')), refusal)
    assert.deepEqual(await snapshotQueue(client, queue), before)
  })

  it('should bring a queue of format 1 (before flow control) to format 4 at start, every job where it was', async (t) => {
    const { client, url } = redis()
    const queueName = uniqueQueueName()
    const queue = await queueOn(t, url, queueName)
    await queue.checkFormat()
    const handlers = new HandlerStore(queue.redis, queue.keys)
    for (const task of ['a', 'b']) await handlers.put(task, { url: 'http://127.0.0.1:9/hook' })
    const job = (task: string, entity: string, priority: 1 | 2 | 3) => ({ ...newJob(entity), task, priority })
    await queue.enqueueMany([job('a', 'a1', 2), job('b', 'b1', 3), job('a', 'a2', 1), job('b', 'b2', 1), job('a', 'a3', 3)])
    await queue.enqueueMany([{ ...job('b', 'b3', 1), due_at: Date.now() + 60_000 }])
    const [running] = (await queue.claim(1, 'w', 60_000)).jobs
    assert.equal(running.entity_id, 'a2')
    // What format 1 held: the same records and state sets, every queued job in the `queued` zset,
    // none of the flow control keys.
    const k = queue.keys
    await copyReadyToQueued(client, k, ['a', 'b'])
    await client.del(readyKey(k, 'a'), readyKey(k, 'b'), k.heads, k.throttled, k.flow)
    await client.set(k.format, '1')
    await assert.rejects(queue.enqueue(newJob('x')), { code: 'JQ_ERR_QUEUE_FORMAT' })

    await queue.checkFormat()
    assert.equal(await client.get(k.format), '4')
    assert.equal(await client.exists(k.queuedBeforeFormat3), 0)
    assert.deepEqual(await queue.checkInvariants(), [])
    const claimed = (await queue.claim(10, 'w', 60_000)).jobs.map((j) => j.entity_id)
    assert.deepEqual(claimed, ['b2', 'a1', 'b1', 'a3'])
    const counts = Object.fromEntries((await handlers.list()).map((h) => [h.name, h.counts]))
    assert.deepEqual(counts, { a: { queued: 0, scheduled: 0, in_flight: 3, held: null }, b: { queued: 0, scheduled: 1, in_flight: 2, held: null } })
  })

  it('should bring a queue of format 2 (every queued job also in `queued`) to format 4 at start, positions and order kept', async (t) => {
    const { client, url } = redis()
    const queue = await queueOn(t, url, uniqueQueueName())
    await queue.checkFormat()
    const handlers = new HandlerStore(queue.redis, queue.keys)
    for (const task of ['a', 'b']) await handlers.put(task, { url: 'http://127.0.0.1:9/hook' })
    const job = (task: string, entity: string, priority: 1 | 2 | 3) => ({ ...newJob(entity), task, priority })
    await queue.enqueueMany([job('a', 'a1', 2), job('b', 'b1', 3), job('a', 'a2', 1), job('b', 'b2', 2), job('a', 'a3', 3)])
    const before = await Promise.all(['a1', 'b1', 'a2', 'b2', 'a3'].map(async (e) => await queue.get(e)))
    const k = queue.keys
    await copyReadyToQueued(client, k, ['a', 'b'])
    await client.set(k.format, '2')
    await assert.rejects(queue.enqueue(newJob('x')), { code: 'JQ_ERR_QUEUE_FORMAT', message: /holds data in format 2, and this JobQ reads format 4/ })

    await queue.checkFormat()
    assert.equal(await client.get(k.format), '4')
    assert.equal(await client.exists(k.queuedBeforeFormat3), 0)
    assert.deepEqual(await queue.checkInvariants(), [])
    const after = await Promise.all(['a1', 'b1', 'a2', 'b2', 'a3'].map(async (e) => await queue.get(e)))
    const expected = [['a1', 2, 1], ['b1', 4, 1], ['a2', 1, 1], ['b2', 3, 2], ['a3', 5, 2]]
    for (const jobs of [before, after]) assert.deepEqual(jobs.map((j) => [j.entity_id, j.position_in_queue, j.position_in_priority]), expected)
    assert.deepEqual((await queue.claim(10, 'w', 60_000)).jobs.map((j) => j.entity_id), ['a2', 'a1', 'b2', 'b1', 'a3'])
  })

  it('should build the ready sets from the records, not from a format 1 `queued` zset a newer process left stale', async (t) => {
    const { client, url } = redis()
    const queue = await queueOn(t, url, uniqueQueueName())
    await queue.checkFormat()
    await new HandlerStore(queue.redis, queue.keys).put('a', { url: 'http://127.0.0.1:9/hook' })
    await queue.enqueueMany([{ ...newJob('x'), task: 'a', priority: 2 }, { ...newJob('y'), task: 'a', priority: 3 }, { ...newJob('z'), task: 'a', priority: 2 }])
    const k = queue.keys
    await copyReadyToQueued(client, k, ['a'])
    await client.del(readyKey(k, 'a'), k.heads, k.throttled, k.flow)
    await client.set(k.format, '1')
    // This version's scripts on the queue before it is upgraded (an API reaching a named queue
    // first): they write the records and the ready sets, not `queued`.
    await queue.cancel('x')
    await queue.updatePriority('y', 1)

    await queue.checkFormat()
    assert.deepEqual(await queue.checkInvariants(), [])
    assert.deepEqual([(await queue.get('y')).position_in_queue, (await queue.get('z')).position_in_queue], [1, 2])
    assert.deepEqual((await queue.claim(10, 'w', 60_000)).jobs.map((j) => j.entity_id), ['y', 'z'], 'the cancelled job is not dispatched')
  })

  it('should bring a queue of format 3 (a field per event value) to format 4 at start, its jobs and events as they were', async (t) => {
    const { client, url } = redis()
    const queue = await queueOn(t, url, uniqueQueueName())
    await queue.checkFormat()
    await new HandlerStore(queue.redis, queue.keys).put('a', { url: 'http://127.0.0.1:9/hook' })
    const [created] = await queue.enqueueMany([{ ...newJob('j 1'), task: 'a', priority: 2 }])
    const k = queue.keys
    // What format 3 wrote to the event stream: a field per value.
    await client.xadd(k.events, '*', 'type', 'job.priority_changed', 'job_id', created.job!.job_id, 'entity_id', 'j 1', 'task', 'a',
      'status', 'queued', 'priority', '1', 'attempt', '0', 'at', String(Date.now()), 'detail', JSON.stringify({ from: 2 }))
    await client.set(k.format, '3')
    await assert.rejects(queue.enqueue(newJob('x')), { code: 'JQ_ERR_QUEUE_FORMAT', message: /holds data in format 3, and this JobQ reads format 4/ })
    const before = await snapshotQueue(client, queue.queueName)

    await queue.checkFormat()
    assert.equal(await client.get(k.format), '4')
    const after = await snapshotQueue(client, queue.queueName)
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort())
    for (const key of Object.keys(before)) if (key !== k.format) assert.deepEqual(after[key], before[key], key)
    assert.deepEqual(await queue.checkInvariants(), [])
    const types = (await client.xrange(k.events, '-', '+')).map(([, fields]) => decodeEntry('q', fields))
      .map((e) => [e.type, e.entity_id, e.priority])
    assert.deepEqual(types, [['job.enqueued', 'j 1', 2], ['job.priority_changed', 'j 1', 1]])
  })

  it('should drop a `queued` zset an older process wrote again after the upgrade, at the next check', async (t) => {
    const { client, url } = redis()
    const queue = await queueOn(t, url, uniqueQueueName())
    await queue.checkFormat()
    await client.zadd(queue.keys.queuedBeforeFormat3, 1, 'stale')
    await queue.checkFormat()
    assert.equal(await client.exists(queue.keys.queuedBeforeFormat3), 0)
  })

  it('should have the API upgrade a named queue of format 2 before sweeping it, and leave one of an unknown format alone', async (t) => {
    const { client, url } = redis()
    const old = uniqueQueueName()
    const foreign = uniqueQueueName()
    for (const name of [old, foreign]) {
      const queue = await queueOn(t, url, name)
      await queue.checkFormat()
      await new HandlerStore(queue.redis, queue.keys).put('a', { url: 'http://127.0.0.1:9/hook' })
      await queue.enqueueMany([{ ...newJob('j1'), task: 'a' }, { ...newJob('j2'), task: 'a' }])
      await copyReadyToQueued(client, queue.keys, ['a'])
      // As PUT /queues/{queue}/handlers/{name} lists a queue (the registry the API sweeps).
      await client.sadd(globalKeys().queues, name)
    }
    await client.set(queueKeys(old).format, '2')
    await client.set(queueKeys(foreign).format, '999')
    const foreignBefore = await snapshotQueue(client, foreign)

    // Its own queue is another; it sweeps every queue every half lease (here 500 ms).
    await buildTestApp(t, url, { JOBQ_LEASE_MS: '1000' })
    await waitFor('the API to upgrade the format 2 queue', async () => await client.get(queueKeys(old).format) === '4')
    assert.equal(await client.exists(queueKeys(old).queuedBeforeFormat3), 0)
    const upgraded = await queueOn(t, url, old)
    assert.deepEqual(await upgraded.checkInvariants(), [])
    assert.deepEqual([(await upgraded.get('j1')).position_in_queue, (await upgraded.get('j2')).position_in_queue], [1, 2])
    await new Promise((resolve) => setTimeout(resolve, 1200))
    assert.deepEqual(await snapshotQueue(client, foreign), foreignBefore, 'a queue of an unknown format is not touched')
  })
})

/** Writes what formats 1 and 2 kept besides the ready sets: every queued job in the queue's `queued` zset, same score. */
async function copyReadyToQueued (client: TestRedis['client'], k: QueueKeys, tasks: string[]): Promise<void> {
  for (const task of tasks) {
    const members = await client.zrange(readyKey(k, task), '0', '-1', 'WITHSCORES')
    for (let i = 0; i < members.length; i += 2) await client.zadd(k.queuedBeforeFormat3, members[i + 1], members[i])
  }
}
