import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { buildTestApp, jobKey, registerHandler, sharedRedis, snapshotQueue, type Cleanup } from '../helper.js'
import { queueKeys, readyKey } from '../../src/queue/keys.js'

const HOOK = 'http://127.0.0.1:9/hook'

async function appWithHandler (t: Cleanup, url: string): Promise<FastifyInstance> {
  const app = await buildTestApp(t, url)
  await registerHandler(app, 'email.send', HOOK)
  return app
}

function post (app: FastifyInstance, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/jobs', payload })
}

/** The caller's JSON exactly as the job record in Redis keeps it (args, kwargs, metadata). */
async function storedJson (client: Redis, queue: string, jobId: string): Promise<string[]> {
  return await client.eval(
    "local r = cmsgpack.unpack(redis.call('HGET', KEYS[1], ARGV[1])) return { r[3], r[4], r[5] }",
    1, queueKeys(queue).jobs, jobKey(jobId)) as string[]
}

describe('POST /jobs', () => {
  const redis = sharedRedis()

  it('should create a job with every default and answer 201 created', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const before = Date.now()
    const res = await post(app, { task: 'email.send', entity_id: 'user-1' })
    assert.equal(res.statusCode, 201)
    const job = res.json()
    assert.match(job.job_id, /^[0-9A-Za-z]{12}$/)
    assert.deepEqual({ ...job, job_id: undefined, queued_at: undefined }, {
      job_id: undefined,
      queued_at: undefined,
      entity_id: 'user-1',
      task: 'email.send',
      status: 'queued',
      priority: 1,
      position_in_queue: 1,
      position_in_priority: 1,
      args: [],
      kwargs: {},
      metadata: {},
      attempts: 0,
      priority_updated_at: null,
      started_at: null,
      finished_at: null,
      next_attempt_at: null,
      last_error: null,
      result: null,
      progress: null,
      lease_expires_at: null,
      schedule: null,
      outcome: 'created'
    })
    const queuedAt = Date.parse(job.queued_at)
    assert.ok(queuedAt >= before - 1000 && queuedAt <= Date.now() + 1000, `queued_at ${job.queued_at} is not about now`)
    // [] stays [] and {} stays {}: on the wire and in Redis
    assert.match(res.body, /"args":\[\],"kwargs":\{\},"metadata":\{\}/)
    assert.deepEqual(await storedJson(redis().client, app.jobQueue.queueName, job.job_id), ['[]', '{}', '{}'])
  })

  it('should give job ids that sort in creation order as byte strings and start with the enqueue millisecond in base 62', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const jobs = []
    for (let i = 0; i < 3; i++) {
      jobs.push((await post(app, { task: 'email.send', entity_id: `order-${i}` })).json())
      await sleep(2)
    }
    const ids = jobs.map((j) => j.job_id)
    assert.deepEqual([...ids].sort(), ids)
    const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
    for (const job of jobs) {
      const ms = [...job.job_id.slice(0, 7)].reduce((n, c) => n * 62 + digits.indexOf(c), 0)
      assert.equal(new Date(ms).toISOString(), job.queued_at)
    }
  })

  it('should answer 200 exists for an entity already queued at the same or a lower priority, keeping the first job', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const first = await post(app, { task: 'email.send', entity_id: 'e1', priority: 2, args: ['first'], kwargs: { n: 1 }, metadata: { m: 1 } })
    assert.equal(first.statusCode, 201)
    for (const priority of [2, 3]) {
      const again = await post(app, { task: 'email.send', entity_id: 'e1', priority, args: ['second'], kwargs: { n: 2 }, metadata: { m: 2 } })
      assert.equal(again.statusCode, 200)
      const job = again.json()
      assert.equal(job.outcome, 'exists')
      assert.equal(job.job_id, first.json().job_id)
      assert.equal(job.priority, 2)
      assert.deepEqual([job.args, job.kwargs, job.metadata], [['first'], { n: 1 }, { m: 1 }])
      assert.equal(job.priority_updated_at, null)
      assert.equal(job.queued_at, first.json().queued_at)
    }
    const keys = queueKeys(app.jobQueue.queueName)
    assert.equal(await redis().client.hlen(keys.jobs), 1)
    assert.equal(await redis().client.zcard(readyKey(keys, 'email.send')), 1)
  })

  it('should raise the priority of a queued entity (200 priority_raised), keep its args, and never lower it', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const first = (await post(app, { task: 'email.send', entity_id: 'e1', priority: 3, args: [1], kwargs: { a: 1 } })).json()
    // another job ahead of it at priority 2, so the raise shows in the positions
    await post(app, { task: 'email.send', entity_id: 'e2', priority: 2 })
    assert.equal((await app.inject({ url: '/jobs/e1' })).json().position_in_queue, 2)

    const raised = await post(app, { task: 'email.send', entity_id: 'e1', priority: 1, args: [2], kwargs: { a: 2 } })
    assert.equal(raised.statusCode, 200)
    const job = raised.json()
    assert.equal(job.outcome, 'priority_raised')
    assert.equal(job.job_id, first.job_id)
    assert.equal(job.priority, 1)
    assert.deepEqual([job.args, job.kwargs], [[1], { a: 1 }])
    assert.equal(job.queued_at, first.queued_at)
    assert.notEqual(job.priority_updated_at, null)
    assert.equal(job.position_in_queue, 1)
    assert.equal(job.position_in_priority, 1)
    assert.deepEqual(await storedJson(redis().client, app.jobQueue.queueName, job.job_id), ['[1]', '{"a":1}', '{}'])

    const lower = await post(app, { task: 'email.send', entity_id: 'e1', priority: 2 })
    assert.equal(lower.statusCode, 200)
    assert.equal(lower.json().outcome, 'exists')
    assert.equal(lower.json().priority, 1)
    assert.equal((await app.inject({ url: '/jobs/e1' })).json().priority, 1)
  })

  it('should answer 409 processing naming the running job, and queue nothing', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const created = (await post(app, { task: 'email.send', entity_id: 'busy' })).json()
    const { jobs } = await app.jobQueue.claim(1, 'worker-1', 30_000)
    assert.equal(jobs[0].job_id, created.job_id)

    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    const res = await post(app, { task: 'email.send', entity_id: 'busy', priority: 1, args: ['x'] })
    assert.equal(res.statusCode, 409)
    const body = res.json()
    assert.equal(body.statusCode, 409)
    assert.equal(body.error, 'Conflict')
    assert.equal(body.outcome, 'processing')
    assert.equal(body.job_id, created.job_id)
    assert.match(body.message, /entity_id/)
    assert.ok(body.message.includes(created.job_id))
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)
    assert.equal((await app.inject({ url: '/jobs/busy' })).json().status, 'processing')
  })

  it('should answer 422 naming task when no handler is registered, storing nothing', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    const res = await post(app, { task: 'sms.send', entity_id: 'e1' })
    assert.equal(res.statusCode, 422)
    const body = res.json()
    assert.equal(body.statusCode, 422)
    assert.equal(body.error, 'Unprocessable Entity')
    assert.equal(body.code, 'JQ_ERR_NO_HANDLER')
    assert.match(body.message, /^task: .*sms\.send/)
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)
    assert.equal((await app.inject({ url: '/jobs/e1' })).statusCode, 404)
  })

  it('should keep args, kwargs and metadata JSON exactly as sent', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const args = [[], {}, [[], [{}]], { a: [], b: {} }, 'ünïcödé ✓ 😀 日本語', '\u0000\n"\\', 9007199254740991, -9007199254740991,
      1.7976931348623157e308, 5e-324, 0.1, -0, true, false, null, 1e21, -1e-7]
    const kwargs = { empty_list: [], empty_map: {}, nested: { deeper: { list: [1, [2, [3, []]]], map: {} } }, 'clé ü': 'välue', big: 2 ** 53 }
    const metadata = { trace: 'abc', tags: [], extra: {} }
    const res = await post(app, { task: 'email.send', entity_id: 'json', args, kwargs, metadata })
    assert.equal(res.statusCode, 201)
    const job = res.json()
    assert.deepEqual([job.args, job.kwargs, job.metadata], [JSON.parse(JSON.stringify(args)), kwargs, metadata])
    assert.deepEqual(await storedJson(redis().client, app.jobQueue.queueName, job.job_id),
      [JSON.stringify(args), JSON.stringify(kwargs), JSON.stringify(metadata)])
    const read = await app.inject({ url: `/jobs/${job.job_id}` })
    assert.deepEqual([read.json().args, read.json().kwargs, read.json().metadata], [job.args, job.kwargs, job.metadata])
    assert.match(read.body, /"args":\[\[\],\{\},\[\[\],\[\{\}\]\],\{"a":\[\],"b":\{\}\}/)
  })

  it('should give each new job a unique job_id that sorts in creation order', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const ids: string[] = []
    for (let i = 0; i < 20; i++) ids.push((await post(app, { task: 'email.send', entity_id: `e${i}` })).json().job_id)
    assert.equal(new Set(ids).size, ids.length)
    assert.deepEqual([...ids].sort(), ids)
  })

  it('should turn 100 concurrent enqueues of one entity into exactly one job', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      post(app, { task: 'email.send', entity_id: 'hot', args: [i] })))
    const created = responses.filter((r) => r.statusCode === 201)
    const existing = responses.filter((r) => r.statusCode === 200)
    assert.equal(created.length, 1)
    assert.equal(existing.length, 99)
    const jobId = created[0].json().job_id
    for (const r of existing) {
      assert.equal(r.json().outcome, 'exists')
      assert.equal(r.json().job_id, jobId)
    }
    const keys = queueKeys(app.jobQueue.queueName)
    assert.equal(await redis().client.hlen(keys.jobs), 1)
    assert.deepEqual(await redis().client.zrange(readyKey(keys, 'email.send'), '0', '-1'), [jobKey(jobId)])
    assert.deepEqual(await redis().client.hgetall(keys.entities), { hot: jobKey(jobId) })
    // the args are those of the request that won
    assert.deepEqual((await app.inject({ url: '/jobs/hot' })).json().args, created[0].json().args)
  })

  it('should give 100 concurrent enqueues of different entities 100 jobs with distinct places', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      post(app, { task: 'email.send', entity_id: `e${i}`, priority: 2 })))
    assert.ok(responses.every((r) => r.statusCode === 201))
    assert.equal(new Set(responses.map((r) => r.json().job_id)).size, 100)
    const positions = await Promise.all(responses.map(async (r) => (await app.inject({ url: `/jobs/${r.json().job_id}` })).json().position_in_queue))
    assert.deepEqual(positions.sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i + 1))
    assert.equal(await redis().client.zcard(readyKey(queueKeys(app.jobQueue.queueName), 'email.send')), 100)
  })

  it('should turn 100 concurrent enqueues with mixed priorities into one job at the highest priority', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      post(app, { task: 'email.send', entity_id: 'hot', priority: 3 - (i % 3) })))
    assert.equal(responses.filter((r) => r.statusCode === 201).length, 1)
    assert.equal(responses.filter((r) => r.statusCode === 200).length, 99)
    assert.equal(new Set(responses.map((r) => r.json().job_id)).size, 1)
    for (const r of responses) assert.ok(['created', 'exists', 'priority_raised'].includes(r.json().outcome))
    const keys = queueKeys(app.jobQueue.queueName)
    assert.equal(await redis().client.hlen(keys.jobs), 1)
    assert.equal(await redis().client.zcard(readyKey(keys, 'email.send')), 1)
    assert.equal((await app.inject({ url: '/jobs/hot' })).json().priority, 1)
  })
})
