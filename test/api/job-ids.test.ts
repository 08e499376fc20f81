import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, jobKey, registerHandler, sharedRedis, snapshotQueue, type Cleanup } from '../helper.js'

async function appWithHandler (t: Cleanup, url: string): Promise<FastifyInstance> {
  const app = await buildTestApp(t, url)
  await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
  return app
}

async function enqueue (app: FastifyInstance, entity: string, priority = 2): Promise<{ job_id: string }> {
  const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: entity, priority } })
  assert.equal(res.statusCode, 201, res.body)
  return res.json()
}

const path = (ident: string) => `/jobs/${encodeURIComponent(ident)}`

/** Every route that takes an {id}: the status code each answers for `ident`. */
async function statuses (app: FastifyInstance, ident: string): Promise<number[]> {
  return await Promise.all([
    app.inject({ url: path(ident) }),
    app.inject({ method: 'PATCH', url: `${path(ident)}/priority`, payload: { priority: 1 } }),
    app.inject({ method: 'POST', url: `${path(ident)}/retry` }),
    app.inject({ method: 'DELETE', url: path(ident) })
  ].map(async (res) => (await res).statusCode))
}

/** Job ids of every page of a listing, `limit` at a time. */
async function walk (app: FastifyInstance, list: 'queued' | 'processing', limit: number): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  do {
    const page = await app.jobQueue.list(list, cursor ?? undefined, limit)
    ids.push(...page.jobs.map((j) => j.job_id))
    cursor = page.next_cursor
  } while (cursor !== null && ids.length < 100)
  return ids
}

describe('job ids', () => {
  const redis = sharedRedis()

  it('should not know an id whose key exists but whose time part differs, nor one padded otherwise', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const { job_id: id } = await enqueue(app, 'e1')
    const otherTime = id.slice(0, 6) + (id[6] === 'z' ? 'y' : 'z') + id.slice(7)
    const otherPadding = id.slice(0, 7) + '0' + id.slice(7)
    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    for (const forged of [otherTime, otherPadding, jobKey(id), id.slice(0, 7), `${id}-`]) {
      assert.deepEqual(await statuses(app, forged), [404, 404, 404, 404], forged)
      assert.equal((await app.inject({ url: path(forged) })).json().code, 'JQ_ERR_JOB_NOT_FOUND')
    }
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)

    // A worker's calls with such an id leave the job alone too.
    const [claimed] = (await app.jobQueue.claim(1, 'w', 30_000)).jobs
    const lease = claimed.lease as string
    await assert.rejects(app.jobQueue.complete(otherTime, lease, null), { code: 'JQ_ERR_JOB_NOT_FOUND' })
    await assert.rejects(app.jobQueue.fail(otherTime, lease, 'no', null), { code: 'JQ_ERR_JOB_NOT_FOUND' })
    assert.deepEqual(await app.jobQueue.extendLeases([{ jobId: otherTime, lease }, { jobId: id, lease }], 30_000), [otherTime])
    assert.equal((await app.jobQueue.get(id)).status, 'processing')
    await app.jobQueue.complete(id, lease, null)
    assert.equal((await app.jobQueue.get(id)).status, 'completed')
  })

  it('should round-trip ids whose key is padded with zeros, and strip only the padding', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const { job_id: first } = await enqueue(app, 'first')
    assert.match(first, /^[0-9A-Za-z]{7}00001$/)
    await redis().client.set(app.jobQueue.keys.seq, String(61))
    const { job_id: tenth } = await enqueue(app, 'sixty-second')
    await redis().client.set(app.jobQueue.keys.seq, String(62 ** 2 - 1))
    const { job_id: hundredth } = await enqueue(app, 'base-squared')
    assert.deepEqual([tenth.slice(7), hundredth.slice(7)], ['00010', '00100'])
    assert.deepEqual((await redis().client.hkeys(app.jobQueue.keys.jobs)).sort(), ['1', '10', '100'])
    for (const id of [first, tenth, hundredth]) {
      const res = await app.inject({ url: path(id) })
      assert.equal(res.statusCode, 200, id)
      assert.equal(res.json().job_id, id)
    }
    assert.deepEqual(await walk(app, 'queued', 1), [first, tenth, hundredth])
    assert.deepEqual(await app.jobQueue.checkInvariants(), [])
  })

  it('should give jobs past the 62^5th a longer id that works for every route and lists in order', async (t) => {
    const app = await appWithHandler(t, redis().url)
    await redis().client.set(app.jobQueue.keys.seq, String(62 ** 5 - 2))
    const ids: string[] = []
    for (const entity of ['a', 'b', 'c', 'd']) ids.push((await enqueue(app, entity)).job_id)
    const [a, b, c, d] = ids
    assert.deepEqual(ids.map((id) => id.length), [12, 13, 13, 13])
    assert.deepEqual(ids.map((id) => jobKey(id)), ['zzzzz', '100000', '100001', '100002'])
    assert.equal(new Set(ids).size, 4)

    for (const id of ids) assert.equal((await app.inject({ url: path(id) })).json().job_id, id)
    const raised = await app.inject({ method: 'PATCH', url: `${path(c)}/priority`, payload: { priority: 1 } })
    assert.equal(raised.statusCode, 200, raised.body)
    assert.deepEqual([raised.json().job_id, raised.json().position_in_queue], [c, 1])
    assert.equal((await app.inject({ method: 'DELETE', url: path(d) })).statusCode, 204)
    assert.equal((await app.inject({ url: path(d) })).json().status, 'cancelled')
    // dispatch order: priority 1 first, then first-enqueue order, whatever the ids' lengths
    for (const limit of [1, 2, 10]) assert.deepEqual(await walk(app, 'queued', limit), [c, a, b], `limit ${limit}`)

    const claimed = (await app.jobQueue.claim(3, 'w', 30_000)).jobs
    assert.deepEqual(claimed.map((j) => j.job_id), [c, a, b])
    // one lease deadline for all three: ties list in the order of their keys, page by page alike
    const processing = await walk(app, 'processing', 10)
    assert.deepEqual(processing, [b, c, a])
    for (const limit of [1, 2]) assert.deepEqual(await walk(app, 'processing', limit), processing, `limit ${limit}`)
    for (const job of claimed) await app.jobQueue.complete(job.job_id, job.lease as string, null)
    assert.deepEqual(await Promise.all(ids.map(async (id) => (await app.jobQueue.get(id)).status)),
      ['completed', 'completed', 'completed', 'cancelled'])
    assert.deepEqual(await app.jobQueue.checkInvariants(), [])
  })
})
