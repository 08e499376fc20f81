import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Redis } from 'ioredis'
import { buildTestApp, registerHandler, sharedRedis } from '../helper.js'

const HOOK = 'http://127.0.0.1:9/hook'

/** Script calls Redis has run so far (INFO commandstats; ioredis sends EVAL once a script is unknown). */
async function scriptCalls (client: Redis): Promise<number> {
  const info = await client.info('commandstats')
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0)
  return calls('evalsha') + calls('eval')
}

describe('POST /jobs from concurrent callers', () => {
  const redis = sharedRedis()

  it('should answer each caller as if alone while concurrent enqueues share script calls', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'email.send', HOOK)
    const distinct = Array.from({ length: 40 }, (_, i) => ({ task: 'email.send', entity_id: `user-${i}`, priority: (i % 3) + 1, args: [i] }))
    // One entity asked for ten times, its priority rising on the way: one job, raised to 1.
    const shared = [3, 3, 2, 3, 2, 1, 2, 3, 1, 3].map((priority, i) => ({ task: 'email.send', entity_id: 'shared', priority, args: [`copy-${i}`] }))
    const unknown = Array.from({ length: 5 }, (_, i) => ({ task: 'no.such.task', entity_id: `lost-${i}` }))
    const bodies = [...distinct, ...shared, ...unknown]

    const before = await scriptCalls(redis().client)
    const answers = await Promise.all(bodies.map((payload) => app.inject({ method: 'POST', url: '/jobs', payload })))
    const calls = await scriptCalls(redis().client) - before

    for (const [i, res] of answers.slice(0, 40).entries()) {
      assert.equal(res.statusCode, 201, res.body)
      const job = res.json()
      assert.deepEqual([job.entity_id, job.priority, job.args, job.outcome], [`user-${i}`, (i % 3) + 1, [i], 'created'])
    }
    const sharedAnswers = answers.slice(40, 50).map((res) => ({ ...res.json(), http: res.statusCode }))
    assert.equal(new Set(sharedAnswers.map((a) => a.job_id)).size, 1, 'one job for the entity')
    assert.deepEqual(sharedAnswers.map((a) => a.outcome),
      ['created', 'exists', 'priority_raised', 'exists', 'exists', 'priority_raised', 'exists', 'exists', 'exists', 'exists'])
    assert.deepEqual(sharedAnswers.map((a) => a.http), [201, 200, 200, 200, 200, 200, 200, 200, 200, 200])
    for (const a of sharedAnswers) assert.deepEqual(a.args, ['copy-0'], 'the first job\'s args stay')
    for (const res of answers.slice(50)) {
      assert.equal(res.statusCode, 422)
      assert.match(res.json().message, /no handler named no\.such\.task/)
    }

    // Every answer is what Redis holds now.
    const queue = (await app.inject({ method: 'GET', url: '/queue' })).json()
    assert.equal(queue.queued, 41)
    const sharedNow = (await app.inject({ method: 'GET', url: '/jobs/shared' })).json()
    assert.deepEqual([sharedNow.priority, sharedNow.job_id], [1, sharedAnswers[0].job_id])
    assert.equal((await app.inject({ method: 'GET', url: '/jobs/lost-0' })).statusCode, 404)
    assert.ok(calls >= 1 && calls < bodies.length / 5, `${bodies.length} concurrent enqueues took ${calls} script calls`)
  })

  it('should fail every caller of a batch with the error of its script call, and recover', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'email.send', HOOK)
    await redis().client.call('CLIENT', 'PAUSE', '4000', 'WRITE')
    t.after(() => redis().client.call('CLIENT', 'UNPAUSE'))
    const paused = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      app.inject({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: `paused-${i}` } })))
    for (const res of paused) assert.equal(res.statusCode, 503, res.body)
    await redis().client.call('CLIENT', 'UNPAUSE')
    const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: 'after' } })
    assert.equal(res.statusCode, 201)
  })
})
