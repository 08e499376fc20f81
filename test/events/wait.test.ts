import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, registerHandler, sharedRedis } from '../helper.js'
import { answer, ok, startHookServer, startWorker } from '../worker/worker-helper.js'
import type { Responder } from '../worker/worker-helper.js'

/** Answers 200 after `ms`. */
const slowly = (ms: number): Responder => (_d, res) => { setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"done":true}'), ms) }

describe('GET /jobs/{id}?wait_ms=', () => {
  const redis = sharedRedis()

  it('should refuse wait_ms above 60000 or below 0, naming wait_ms', async (t) => {
    const app = await buildTestApp(t, redis().url)
    for (const value of ['60001', '-1', 'soon']) {
      const res = await app.inject({ method: 'GET', url: `/jobs/x?wait_ms=${value}` })
      assert.equal(res.statusCode, 400, value)
      assert.match(res.json().message, /wait_ms/)
    }
    const named = await app.inject({ method: 'GET', url: '/queues/other/jobs/x?wait_ms=70000' })
    assert.equal(named.statusCode, 400)
    assert.match(named.json().message, /wait_ms/)
  })

  it('should answer at once for a finished or unknown job, and after wait_ms with the state then for one that does not end', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 't', 'http://127.0.0.1:9/hook')
    const job = (await app.inject({ method: 'POST', url: '/jobs', payload: { task: 't', entity_id: 'stays' } })).json()
    const started = performance.now()
    const res = await app.inject({ method: 'GET', url: `/jobs/${job.job_id}?wait_ms=300` })
    const took = performance.now() - started
    assert.equal(res.statusCode, 200)
    assert.equal(res.json().status, 'queued')
    assert.ok(took >= 290, `waited ${took} ms`)
    assert.equal((await app.inject({ method: 'GET', url: '/jobs/nosuchjob?wait_ms=60000' })).statusCode, 404)
    await app.inject({ method: 'DELETE', url: '/jobs/stays' })
    const cancelled = await app.inject({ method: 'GET', url: '/jobs/stays?wait_ms=60000' })
    assert.equal(cancelled.json().status, 'cancelled')
  })

  it('should answer as soon as the end of the job is on the event stream, not at the deadline', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 't', 'http://127.0.0.1:9/hook')
    await app.inject({ method: 'POST', url: '/jobs', payload: { task: 't', entity_id: 'ends' } })
    const started = performance.now()
    const waiting = app.inject({ method: 'GET', url: '/jobs/ends?wait_ms=60000' })
    const { jobs: [claimed] } = await app.jobQueue.claim(1, 'test', 60_000)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await app.jobQueue.complete(claimed.job_id, claimed.lease!, '"ok"')
    const res = await waiting
    assert.equal(res.json().status, 'completed')
    assert.equal(res.json().result, 'ok')
    assert.ok(performance.now() - started < 30_000, 'answered long before the deadline')
    assert.equal(res.json().job_id, claimed.job_id)
  })

  it('should wake every waiter of a job at once, from one reader', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 't', 'http://127.0.0.1:9/hook')
    const queue = app.defaultQueue.name
    const job = (await app.inject({ method: 'POST', url: '/jobs', payload: { task: 't', entity_id: 'many' } })).json()
    const waiters = Array.from({ length: 200 }, () => app.inject({ method: 'GET', url: `/jobs/${job.job_id}?wait_ms=60000` }))
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.deepEqual(app.events.queues, [queue])
    await app.inject({ method: 'DELETE', url: `/jobs/${job.job_id}` })
    for (const res of await Promise.all(waiters)) assert.equal(res.json().status, 'cancelled')
  })
})

describe('GET /jobs/{id}?wait_ms= with a real worker', () => {
  const redis = sharedRedis()

  it('should return as soon as a worker completes or fails the job', { timeout: 60_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const hook = await startHookServer(t, slowly(300))
    await registerHandler(app, 'work', hook.url, { max_attempts: 1 })
    await startWorker(t, { redisUrl: redis().url, queue: app.defaultQueue.name })
    const done = (await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'work', entity_id: 'w1' } })).json()
    let started = performance.now()
    const completed = await app.inject({ method: 'GET', url: `/jobs/${done.job_id}?wait_ms=30000` })
    assert.equal(completed.json().status, 'completed')
    assert.deepEqual(completed.json().result, { done: true })
    assert.ok(performance.now() - started < 15_000)

    hook.respond = answer(400, { error: 'no' })
    const fails = (await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'work', entity_id: 'w2' } })).json()
    started = performance.now()
    const failed = await app.inject({ method: 'GET', url: `/queues/${app.defaultQueue.name}/jobs/w2?wait_ms=30000` })
    assert.equal(failed.json().job_id, fails.job_id)
    assert.equal(failed.json().status, 'failed')
    assert.ok(performance.now() - started < 15_000)
    hook.respond = ok
  })
})
