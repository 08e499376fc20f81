import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, registerHandler, sharedRedis, type Cleanup } from '../helper.js'

async function appWithHandler (t: Cleanup, url: string): Promise<FastifyInstance> {
  const app = await buildTestApp(t, url)
  await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
  return app
}

async function enqueue (app: FastifyInstance, entity: string, priority?: number) {
  const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: entity, priority } })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, `POST /jobs ${entity}: ${res.statusCode} ${res.body}`)
  return res.json()
}

async function getJob (app: FastifyInstance, ident: string) {
  const res = await app.inject({ url: `/jobs/${encodeURIComponent(ident)}` })
  assert.equal(res.statusCode, 200, res.body)
  return res.json()
}

async function patchPriority (app: FastifyInstance, ident: string, priority: number) {
  return app.inject({ method: 'PATCH', url: `/jobs/${encodeURIComponent(ident)}/priority`, payload: { priority } })
}

/** Entity ids of the whole queue in dispatch order, as GET /queue?list=queued pages it. */
async function listedOrder (app: FastifyInstance): Promise<string[]> {
  const res = await app.inject({ url: '/queue?list=queued&limit=1000' })
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.json().next_cursor, null)
  return res.json().jobs.map((j: { entity_id: string }) => j.entity_id)
}

/**
 * Checks every job's two positions, by job_id and by entity_id, against the expected dispatch order
 * (a list of [entity, priority]).
 */
async function assertPositions (app: FastifyInstance, expected: Array<[string, number]>): Promise<void> {
  assert.deepEqual(await listedOrder(app), expected.map(([entity]) => entity))
  const overview = (await app.inject({ url: '/queue' })).json()
  assert.equal(overview.queued, expected.length)
  for (const p of [1, 2, 3]) assert.equal(overview.by_priority[p], expected.filter(([, q]) => q === p).length)
  for (let i = 0; i < expected.length; i++) {
    const [entity, priority] = expected[i]
    const byEntity = await getJob(app, entity)
    const inPriority = expected.slice(0, i + 1).filter(([, q]) => q === priority).length
    assert.deepEqual(
      [byEntity.status, byEntity.priority, byEntity.position_in_queue, byEntity.position_in_priority],
      ['queued', priority, i + 1, inPriority], `positions of ${entity}`)
    assert.deepEqual(await getJob(app, byEntity.job_id), byEntity)
  }
}

/** A small seeded PRNG (mulberry32), so a random interleaving that fails can be replayed. */
function prng (seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let r = Math.imul(a ^ (a >>> 15), 1 | a)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

describe('job positions and dispatch order', () => {
  const redis = sharedRedis()

  it('should report position_in_queue and position_in_priority across interleaved priorities', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const created = []
    for (const [entity, priority] of [['a', 2], ['b', 1], ['c', 3], ['d', 1], ['e', 2], ['f', 3], ['g', 1]] as const) {
      created.push(await enqueue(app, entity, priority))
    }
    // as each job was created, it went behind everything of its priority and higher
    assert.deepEqual(created.map((j) => [j.position_in_queue, j.position_in_priority]),
      [[1, 1], [1, 1], [3, 1], [2, 2], [4, 2], [6, 2], [3, 3]])
    await assertPositions(app, [['b', 1], ['d', 1], ['g', 1], ['a', 2], ['e', 2], ['c', 3], ['f', 3]])
  })

  it('should keep FIFO within a priority by first enqueue, also when an enqueue raises the priority', async (t) => {
    const app = await appWithHandler(t, redis().url)
    await enqueue(app, 'a', 2)
    await enqueue(app, 'b', 2)
    await enqueue(app, 'c', 2)
    assert.equal((await enqueue(app, 'a', 2)).outcome, 'exists')
    assert.equal((await enqueue(app, 'a', 3)).outcome, 'exists')
    await assertPositions(app, [['a', 2], ['b', 2], ['c', 2]])

    assert.equal((await enqueue(app, 'c', 1)).outcome, 'priority_raised')
    await enqueue(app, 'd', 1)
    await assertPositions(app, [['c', 1], ['d', 1], ['a', 2], ['b', 2]])

    // b was enqueued before c and d: raised to 1, it stands ahead of both
    const raised = await enqueue(app, 'b', 1)
    assert.deepEqual([raised.outcome, raised.position_in_queue, raised.position_in_priority], ['priority_raised', 1, 1])
    await assertPositions(app, [['b', 1], ['c', 1], ['d', 1], ['a', 2]])
  })

  it('should move a job up and down with PATCH, keeping its first-enqueue place in the new priority', async (t) => {
    const app = await appWithHandler(t, redis().url)
    for (const [entity, priority] of [['a', 2], ['b', 1], ['c', 2], ['d', 1], ['e', 3]] as const) await enqueue(app, entity, priority)
    await assertPositions(app, [['b', 1], ['d', 1], ['a', 2], ['c', 2], ['e', 3]])

    const c = await getJob(app, 'c')
    const up = await patchPriority(app, c.job_id, 1)
    assert.equal(up.statusCode, 200)
    assert.deepEqual([up.json().job_id, up.json().status, up.json().priority, up.json().position_in_queue, up.json().position_in_priority],
      [c.job_id, 'queued', 1, 2, 2])
    assert.equal(up.json().queued_at, c.queued_at)
    assert.notEqual(up.json().priority_updated_at, null)
    assert.equal((up.json() as Record<string, unknown>).outcome, undefined)
    // c was enqueued before d, so in priority 1 it stands between b and d
    await assertPositions(app, [['b', 1], ['c', 1], ['d', 1], ['a', 2], ['e', 3]])

    // down by entity_id: a (enqueued first of all) goes ahead of e in priority 3
    const down = await patchPriority(app, 'a', 3)
    assert.equal(down.statusCode, 200)
    assert.deepEqual([down.json().priority, down.json().position_in_queue, down.json().position_in_priority], [3, 4, 1])
    await assertPositions(app, [['b', 1], ['c', 1], ['d', 1], ['a', 3], ['e', 3]])

    // and back up to the top band: first of all, as it was enqueued first
    assert.equal((await patchPriority(app, 'a', 1)).json().position_in_queue, 1)
    // d down to 2 and back to 1: it is where it was
    await patchPriority(app, 'd', 2)
    await assertPositions(app, [['a', 1], ['b', 1], ['c', 1], ['d', 2], ['e', 3]])
    await patchPriority(app, 'd', 1)
    await assertPositions(app, [['a', 1], ['b', 1], ['c', 1], ['d', 1], ['e', 3]])

    // the same priority again changes nothing
    const same = await patchPriority(app, 'e', 3)
    assert.equal(same.statusCode, 200)
    assert.equal(same.json().priority_updated_at, null)
    await assertPositions(app, [['a', 1], ['b', 1], ['c', 1], ['d', 1], ['e', 3]])
  })

  it('should answer PATCH with 404 for an unknown job and 409 for a job that is not waiting', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const missing = await patchPriority(app, 'nobody', 2)
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.json().code, 'JQ_ERR_JOB_NOT_FOUND')
    assert.match(missing.json().message, /nobody/)

    const job = await enqueue(app, 'running', 2)
    await app.jobQueue.claim(1, 'w1', 30_000)
    const busy = await patchPriority(app, 'running', 1)
    assert.equal(busy.statusCode, 409)
    assert.equal(busy.json().error, 'Conflict')
    assert.ok(busy.json().message.includes(job.job_id))
    assert.equal((await getJob(app, 'running')).priority, 2)

    const [claimed] = (await app.jobQueue.list('processing', undefined, 10)).jobs
    await app.jobQueue.complete(claimed.job_id, claimed.lease as string, null)
    const done = await patchPriority(app, job.job_id, 1)
    assert.equal(done.statusCode, 409)
    assert.match(done.json().message, /completed/)

    for (const priority of [0, 4, 'high', 1.5]) {
      const bad = await patchPriority(app, job.job_id, priority as number)
      assert.equal(bad.statusCode, 400)
      assert.match(bad.json().message, /priority/)
    }
  })

  it('should find a job by job_id and by entity_id, with positions only while queued', async (t) => {
    const app = await appWithHandler(t, redis().url)
    const entity = 'tenant/42 · ünï?#&'
    const first = await enqueue(app, 'first')
    const job = await enqueue(app, entity, 1)
    const byId = await getJob(app, job.job_id)
    const byEntity = await getJob(app, entity)
    assert.deepEqual(byId, byEntity)
    assert.equal(byId.entity_id, entity)
    assert.deepEqual([byId.position_in_queue, byId.position_in_priority], [2, 2])

    await app.jobQueue.claim(1, 'w1', 30_000)
    const running = await getJob(app, first.job_id)
    assert.deepEqual([running.status, running.position_in_queue, running.position_in_priority, running.attempts],
      ['processing', null, null, 1])
    assert.notEqual(running.started_at, null)
    assert.equal((running as Record<string, unknown>).lease, undefined)
    assert.deepEqual([(await getJob(app, entity)).position_in_queue, (await getJob(app, entity)).position_in_priority], [1, 1])

    const missing = await app.inject({ url: '/jobs/nope' })
    assert.equal(missing.statusCode, 404)
    assert.deepEqual(missing.json(), { statusCode: 404, error: 'Not Found', code: 'JQ_ERR_JOB_NOT_FOUND', message: 'No job or entity nope' })
  })

  it('should dispatch (JobQueue.claim) in the order the positions announce', async (t) => {
    const app = await appWithHandler(t, redis().url)
    for (let i = 0; i < 12; i++) await enqueue(app, `e${i}`, [3, 1, 2][i % 3])
    await patchPriority(app, 'e0', 1)
    await patchPriority(app, 'e4', 3)
    const expected: Array<[string, number]> = [['e0', 1], ['e1', 1], ['e7', 1], ['e10', 1], ['e2', 2], ['e5', 2], ['e8', 2],
      ['e11', 2], ['e3', 3], ['e4', 3], ['e6', 3], ['e9', 3]]
    await assertPositions(app, expected)

    const byPosition = []
    for (const [entity] of expected) byPosition.push((await getJob(app, entity)).job_id)
    const claimed: string[] = []
    const first = await app.jobQueue.claim(5, 'w1', 30_000)
    claimed.push(...first.jobs.map((j) => j.job_id))
    for (;;) {
      const { jobs } = await app.jobQueue.claim(1, 'w2', 30_000)
      if (jobs.length === 0) break
      claimed.push(jobs[0].job_id)
    }
    assert.deepEqual(claimed, byPosition)
  })

  for (const seed of [1, 7, 2024]) {
    it(`should keep positions right through a random interleaving of enqueues, raises, PATCHes, cancels and claims (seed ${seed})`, async (t) => {
      const app = await appWithHandler(t, redis().url)
      const random = prng(seed)
      const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
      // the model: entity -> [priority, first-enqueue order]
      const model = new Map<string, [number, number]>()
      let order = 0
      const done = { create: 0, raise: 0, patch: 0, cancel: 0, claim: 0 }
      const expected = (): Array<[string, number]> => [...model.entries()]
        .sort(([, a], [, b]) => a[0] - b[0] || a[1] - b[1]).map(([entity, [priority]]) => [entity, priority])

      for (let step = 0; step < 60; step++) {
        const roll = random()
        const priority = 1 + Math.floor(random() * 3)
        if (roll < 0.45 || model.size === 0) {
          const entity = `s${seed}-${step}`
          assert.equal((await enqueue(app, entity, priority)).outcome, 'created')
          model.set(entity, [priority, order++])
          done.create++
        } else if (roll < 0.6) {
          const entity = pick([...model.keys()])
          const current = model.get(entity) as [number, number]
          const res = await enqueue(app, entity, priority)
          assert.equal(res.outcome, priority < current[0] ? 'priority_raised' : 'exists')
          if (priority < current[0]) current[0] = priority
          done.raise++
        } else if (roll < 0.8) {
          const entity = pick([...model.keys()])
          const res = await patchPriority(app, entity, priority)
          assert.equal(res.statusCode, 200)
          ;(model.get(entity) as [number, number])[0] = priority
          const now = expected()
          const at = now.findIndex(([e]) => e === entity)
          assert.equal(res.json().position_in_queue, at + 1)
          done.patch++
        } else if (roll < 0.9) {
          const entity = pick([...model.keys()])
          assert.equal((await app.inject({ method: 'DELETE', url: `/jobs/${entity}` })).statusCode, 204)
          model.delete(entity)
          done.cancel++
        } else {
          const { jobs } = await app.jobQueue.claim(1, 'w', 30_000)
          const [head] = expected()
          assert.equal(jobs[0].entity_id, head[0])
          model.delete(head[0])
          done.claim++
        }
        if (step % 15 === 14) await assertPositions(app, expected())
      }
      await assertPositions(app, expected())
      for (const [kind, n] of Object.entries(done)) assert.ok(n > 0, `seed ${seed} never did a ${kind}`)
    })
  }
})
