import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, registerHandler, sharedRedis, snapshotQueue, type Cleanup } from '../helper.js'
import { JobQueue } from '../../src/queue/job-queue.js'

async function appWithHandler (t: Cleanup, url: string): Promise<FastifyInstance> {
  const app = await buildTestApp(t, url)
  await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
  return app
}

async function enqueue (app: FastifyInstance, entity: string, priority = 1) {
  const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: entity, priority } })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

async function queue (app: FastifyInstance, query = '') {
  const res = await app.inject({ url: `/queue${query}` })
  assert.equal(res.statusCode, 200, res.body)
  return res.json()
}

/** Walks every page of a listing; returns the pages' job ids and sizes. */
async function walk (app: FastifyInstance, list: string, limit: number) {
  const ids: string[] = []
  const sizes: number[] = []
  let cursor: string | null = null
  for (let page = 0; page < 100; page++) {
    const body = await queue(app, `?list=${list}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    ids.push(...body.jobs.map((j: { job_id: string }) => j.job_id))
    sizes.push(body.jobs.length)
    cursor = body.next_cursor
    if (cursor === null) return { ids, sizes }
    assert.equal(typeof cursor, 'string')
  }
  throw new Error('the listing never ended')
}

describe('GET /queue', () => {
  const redis = sharedRedis()

  it('should describe an empty queue', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const body = await queue(app)
    assert.ok(Number.isInteger(body.uptime_seconds) && body.uptime_seconds >= 0)
    assert.deepEqual({ ...body, uptime_seconds: 0 }, {
      queue: app.jobQueue.queueName,
      queued: 0,
      by_priority: { 1: 0, 2: 0, 3: 0 },
      processing: 0,
      scheduled: 0,
      failed: 0,
      completed: 0,
      cancelled: 0,
      total_processed: 0,
      runtime_ms: { min: null, avg: null, max: null },
      oldest_queued_age_ms: null,
      paused: false,
      uptime_seconds: 0
    })
  })

  it('should count every state', async (t) => {
    const app = await appWithHandler(t, redis().url)
    for (let i = 0; i < 9; i++) await enqueue(app, `e${i}`, 1 + (i % 3))
    // claims the 6 first in dispatch order: e0 e3 e6 (p1), e1 e4 e7 (p2)
    const { jobs } = await app.jobQueue.claim(6, 'w', 30_000)
    const lease = (n: number) => jobs[n].lease as string
    await app.jobQueue.complete(jobs[0].job_id, lease(0), null)
    await app.jobQueue.complete(jobs[1].job_id, lease(1), null)
    assert.equal(await app.jobQueue.fail(jobs[2].job_id, lease(2), 'boom', null), 'failed')
    assert.equal(await app.jobQueue.fail(jobs[3].job_id, lease(3), 'retry me', Date.now() + 60_000), 'scheduled')
    assert.equal((await app.inject({ method: 'DELETE', url: '/jobs/e8' })).statusCode, 204)
    const body = await queue(app)
    assert.deepEqual(
      [body.queued, body.by_priority, body.processing, body.scheduled, body.failed, body.completed, body.cancelled, body.total_processed],
      [2, { 1: 0, 2: 0, 3: 2 }, 2, 1, 1, 2, 1, 3])
    for (const key of ['min', 'avg', 'max'] as const) assert.ok(Number.isInteger(body.runtime_ms[key]) && body.runtime_ms[key] >= 0)
    assert.ok(body.runtime_ms.min <= body.runtime_ms.avg && body.runtime_ms.avg <= body.runtime_ms.max)
  })

  it('should report runtime min, avg and max over the jobs that ran to an end', async (t) => {
    const app = await appWithHandler(t, redis().url)
    let now = Date.now()
    // the app's own queue, with a clock the test moves
    const clocked = new JobQueue({ redis: app.jobQueue.redis, queue: app.jobQueue.queueName, clock: () => now })
    for (const [entity, runtime, ok] of [['a', 100, true], ['b', 400, false], ['c', 250, true]] as const) {
      await enqueue(app, entity)
      const [job] = (await clocked.claim(1, 'w', 30_000)).jobs
      now += runtime
      if (ok) await clocked.complete(job.job_id, job.lease as string, null)
      else await clocked.fail(job.job_id, job.lease as string, 'no', null)
      now += 1000
    }
    const body = await queue(app)
    assert.deepEqual([body.total_processed, body.completed, body.failed, body.runtime_ms], [3, 2, 1, { min: 100, avg: 250, max: 400 }])
    // a scheduled retry is not an end: it does not count
    await enqueue(app, 'd')
    const [job] = (await clocked.claim(1, 'w', 30_000)).jobs
    now += 5000
    await clocked.fail(job.job_id, job.lease as string, 'again', now + 60_000)
    assert.deepEqual((await queue(app)).runtime_ms, { min: 100, avg: 250, max: 400 })
  })

  it('should page through queued jobs in dispatch order with cursor and limit', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const expected: Array<[number, number, string]> = []
    for (let i = 0; i < 25; i++) {
      const priority = [2, 3, 1, 1, 2][i % 5]
      const job = await enqueue(app, `e${i}`, priority)
      expected.push([priority, i, job.job_id])
    }
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    const order = expected.map(([, , id]) => id)

    const { ids, sizes } = await walk(app, 'queued', 7)
    assert.deepEqual(sizes, [7, 7, 7, 4])
    assert.deepEqual(ids, order)

    // every listed job carries its positions
    const first = await queue(app, '?list=queued&limit=7')
    assert.deepEqual(first.jobs.map((j: { position_in_queue: number }) => j.position_in_queue), [1, 2, 3, 4, 5, 6, 7])
    assert.equal(first.queued, 25)
    const second = await queue(app, `?list=queued&limit=7&cursor=${first.next_cursor}`)
    assert.deepEqual(second.jobs.map((j: { position_in_queue: number }) => j.position_in_queue), [8, 9, 10, 11, 12, 13, 14])
    assert.ok(second.jobs.every((j: { status: string }) => j.status === 'queued'))

    // a page size that divides the queue exactly ends with next_cursor null, not with an empty page
    for (const id of order.slice(21)) assert.equal((await app.inject({ method: 'DELETE', url: `/jobs/${id}` })).statusCode, 204)
    const exact = await walk(app, 'queued', 7)
    assert.deepEqual(exact.sizes, [7, 7, 7])
    assert.deepEqual(exact.ids, order.slice(0, 21))

    for (const limit of [1, 2, 5, 20, 21, 1000]) assert.deepEqual((await walk(app, 'queued', limit)).ids, order.slice(0, 21), `limit ${limit}`)
    // the default page size is 100
    const all = await queue(app, '?list=queued')
    assert.deepEqual([all.jobs.length, all.next_cursor], [21, null])
  })

  it('should continue after its cursor when the queue changes between pages', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push((await enqueue(app, `e${i}`, 2)).job_id)
    const first = await queue(app, '?list=queued&limit=4')
    assert.deepEqual(first.jobs.map((j: { job_id: string }) => j.job_id), ids.slice(0, 4))
    // the page's last job is claimed, a new job lands ahead, another at the end
    await app.jobQueue.claim(4, 'w', 30_000)
    await enqueue(app, 'ahead', 1)
    const last = (await enqueue(app, 'last', 3)).job_id
    const rest = await walk(app, 'queued', 4)
    assert.deepEqual(rest.ids.slice(1), [...ids.slice(4), last])
    const next = await queue(app, `?list=queued&limit=4&cursor=${encodeURIComponent(first.next_cursor)}`)
    assert.deepEqual(next.jobs.map((j: { job_id: string }) => j.job_id), ids.slice(4, 8))
  })

  it('should page through processing jobs', async (t) => {
    const app = await appWithHandler(t, redis().url)
    for (let i = 0; i < 10; i++) await enqueue(app, `e${i}`, 1 + (i % 3))
    const batches: string[][] = []
    for (const [count, lease] of [[4, 30_000], [3, 20_000], [3, 40_000]]) {
      batches.push((await app.jobQueue.claim(count, `w${count}`, lease)).jobs.map((j) => j.job_id))
    }
    const all = await queue(app, '?list=processing&limit=1000')
    assert.equal(all.next_cursor, null)
    // by lease deadline: the 20 s batch, then the 30 s one, then the 40 s one
    const listed = all.jobs.map((j: { job_id: string }) => j.job_id)
    assert.deepEqual([listed.slice(0, 3).sort(), listed.slice(3, 7).sort(), listed.slice(7).sort()],
      [batches[1].sort(), batches[0].sort(), batches[2].sort()])
    assert.ok(all.jobs.every((j: { status: string, position_in_queue: null }) => j.status === 'processing' && j.position_in_queue === null))
    for (const limit of [1, 3, 4, 10]) {
      const { ids } = await walk(app, 'processing', limit)
      assert.deepEqual(ids, all.jobs.map((j: { job_id: string }) => j.job_id), `limit ${limit}`)
    }
    assert.equal(all.processing, 10)
    assert.deepEqual((await queue(app, '?list=queued')).jobs, [])
  })

  it('should refuse bad listing parameters with 400 naming the parameter, changing nothing', async (t) => {
    const app = await appWithHandler(t, redis().url)
    for (let i = 0; i < 3; i++) await enqueue(app, `e${i}`)
    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    const cases: Array<[string, RegExp]> = [
      ['?list=queued&limit=1001', /^querystring\.limit: /],
      ['?list=queued&limit=0', /^querystring\.limit: /],
      ['?list=queued&limit=-1', /^querystring\.limit: /],
      ['?list=queued&limit=abc', /^querystring\.limit: /],
      ['?list=queued&limit=2.5', /^querystring\.limit: /],
      ['?list=dead', /^querystring\.list: /],
      ['?list=queued&cursor=garbage', /^cursor: /],
      [`?list=queued&cursor=${Buffer.from('abc\nx').toString('base64url')}`, /^cursor: /],
      [`?list=queued&cursor=${Buffer.from('1 OR 1\nx').toString('base64url')}`, /^cursor: /],
      [`?list=queued&cursor=${'a'.repeat(1025)}`, /^querystring\.cursor: /],
      ['?list=queued&page=2', /^querystring\.page: unknown field/]
    ]
    for (const [query, message] of cases) {
      const res = await app.inject({ url: `/queue${query}` })
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`)
      assert.equal(res.json().statusCode, 400)
      assert.equal(res.json().error, 'Bad Request')
      assert.match(res.json().message, message, query)
    }
    assert.equal((await app.inject({ url: '/queue?list=queued&cursor=garbage' })).json().code, 'JQ_ERR_INVALID_CURSOR')
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)
  })
})
