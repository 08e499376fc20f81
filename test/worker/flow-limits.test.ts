import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, sharedRedis } from '../helper.js'
import { getJob, startHookServer, startWorker, waitFor, type Delivery, type Responder } from './worker-helper.js'

/**
 * Flow control (issue 13) seen from the outside: real worker processes calling real handler
 * servers, the handlers counting what they receive. Bounds the spec states exactly (never more in
 * flight than max_concurrency, never more starts than the rate allows) are checked exactly; how
 * soon something happens gets room for a loaded machine where the spec leaves it.
 */

/** A handler's view of its callbacks: how many it is answering at once, and when each came. */
interface Tally {
  respond: Responder
  /** Callbacks being answered now. */
  current: number
  /** The most answered at once among callbacks that arrived at or after `from` (performance.now()). */
  peakSince (from?: number): number
  /** While true, callbacks are held unanswered until letGo(). */
  hold: boolean
  letGo (): void
}

function tally (delayMs = 0): Tally {
  const peaks: Array<[at: number, current: number]> = []
  const held: ServerResponse[] = []
  const counter: Tally = {
    current: 0,
    hold: false,
    peakSince: (from = 0) => peaks.reduce((max, [at, n]) => (at >= from && n > max ? n : max), 0),
    letGo () {
      for (const res of held.splice(0)) res.writeHead(200).end()
    },
    respond (delivery, res) {
      counter.current++
      peaks.push([delivery.at, counter.current])
      // Once per callback, whether answered ('finish') or cut off with its worker ('close').
      let open = true
      const done = () => { if (open) { open = false; counter.current-- } }
      res.once('finish', done)
      res.once('close', done)
      if (counter.hold) held.push(res)
      else setTimeout(() => res.writeHead(200).end(), delayMs)
    }
  }
  return counter
}

const redis = sharedRedis()

async function putHandler (app: FastifyInstance, name: string, settings: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await app.inject({ method: 'PUT', url: `/handlers/${name}`, payload: settings })
  assert.ok(res.statusCode === 200 || res.statusCode === 201, `PUT /handlers/${name}: ${res.statusCode} ${res.body}`)
  return res.json()
}

async function handlerView (app: FastifyInstance, name: string, prefix = ''): Promise<Record<string, unknown>> {
  const res = await app.inject({ url: `${prefix}/handlers/${name}` })
  assert.equal(res.statusCode, 200, res.body)
  return res.json()
}

async function post (app: FastifyInstance, url: string): Promise<Record<string, unknown>> {
  const res = await app.inject({ method: 'POST', url })
  assert.equal(res.statusCode, 200, `POST ${url}: ${res.body}`)
  return res.json()
}

/** Enqueues `count` jobs of `task` in batches of at most 1000, entities `${prefix}${i}`; returns their job_ids. */
async function enqueueMany (app: FastifyInstance, task: string, prefix: string, count: number, extra: (i: number) => object = () => ({})): Promise<string[]> {
  const ids: string[] = []
  for (let from = 0; from < count; from += 1000) {
    const jobs = Array.from({ length: Math.min(1000, count - from) }, (_, k) => ({ task, entity_id: `${prefix}${from + k}`, ...extra(from + k) }))
    const res = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs } })
    assert.equal(res.statusCode, 200, res.body)
    for (const r of res.json().results) {
      assert.equal(r.outcome, 'created', JSON.stringify(r))
      ids.push(r.job_id)
    }
  }
  return ids
}

/** Waits until no job of the handler is queued or in flight. */
async function drained (app: FastifyInstance, name: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${name} to drain`, async () => {
    const view = await handlerView(app, name)
    return view.queued === 0 && view.in_flight === 0
  }, timeoutMs, 50)
}

async function assertSound (app: FastifyInstance): Promise<void> {
  assert.deepEqual(await app.jobQueue.checkInvariants(), [], 'invariants of the queue, flow control included')
}

const entities = (ds: Delivery[]) => ds.map((d) => d.json.entity_id)

describe('per-handler limits and pause with real workers', () => {
  it('should never have more than max_concurrency callbacks in flight over 3 worker processes of 32 slots, and reach it', { timeout: 90_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const counter = tally(25)
    const hook = await startHookServer(t, counter.respond)
    await putHandler(app, 'cap.task', { url: hook.url, max_concurrency: 5 })
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, args: ['--processes', '3'], env: { JOBQ_CONCURRENCY: '32' }, workers: 3 })
    await enqueueMany(app, 'cap.task', 'c', 200)
    await hook.waitForDeliveries(200, undefined, 60_000)
    await drained(app, 'cap.task')
    assert.equal(counter.peakSince(), 5, 'the most callbacks the handler answered at once')
    assert.equal(new Set(hook.deliveries.map((d) => d.jobId)).size, 200, 'every job dispatched once')
    await assertSound(app)
  })

  it('should start no more than rate x 5 + burst callbacks in 5 s, and no fewer than 90% of that', { timeout: 90_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const hook = await startHookServer(t)
    const rate = 20
    const view = await putHandler(app, 'rate.task', { url: hook.url, rate_per_second: rate })
    const burst = view.burst as number
    assert.equal(burst, 20, 'the burst defaults to the rate rounded up')
    const bound = rate * 5 + burst
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, args: ['--processes', '2'], env: { JOBQ_CONCURRENCY: '32' }, workers: 2 })
    const ids = await enqueueMany(app, 'rate.task', 'r', 150)
    await hook.waitForDeliveries(150, undefined, 60_000)
    await drained(app, 'rate.task')

    // When each job was started (the claim's clock, which the limiter counts by), and when its callback came.
    const starts = (await Promise.all(ids.map((id) => getJob(app, id)))).map((j) => Date.parse(j.started_at as string)).sort((a, b) => a - b)
    let busiest = 0
    for (const [i, from] of starts.entries()) {
      let n = 0
      for (let k = i; k < starts.length && starts[k] <= from + 5000; k++) n++
      busiest = Math.max(busiest, n)
    }
    assert.ok(busiest <= bound, `${busiest} callbacks started within 5 s; the bound is ${bound}`)
    const offset = Date.now() - performance.now()
    const first = starts[0]
    const received = hook.deliveries.filter((d) => d.at + offset >= first - 1 && d.at + offset <= first + 5000).length
    t.diagnostic(`busiest 5 s: ${busiest} started; the handler received ${received} in the 5 s from the first start (bound ${bound})`)
    assert.ok(received <= bound, `the handler received ${received} in 5 s; the bound is ${bound}`)
    assert.ok(received >= 0.9 * bound, `the handler received only ${received} in 5 s, under 90% of ${bound}`)
    await assertSound(app)
  })

  it('should hold every new dispatch of a paused handler while others flow, and resume in priority then first-enqueue order', { timeout: 90_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const a = tally()
    a.hold = true
    const hookA = await startHookServer(t, a.respond)
    const hookB = await startHookServer(t)
    await putHandler(app, 'a.task', { url: hookA.url, max_concurrency: 1 })
    await putHandler(app, 'b.task', { url: hookB.url })
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, env: { JOBQ_CONCURRENCY: '8' } })
    const priorities = [2, 1, 3, 1, 2, 1]
    await enqueueMany(app, 'a.task', 'a', priorities.length, (i) => ({ priority: priorities[i] }))
    // a1 is first (priority 1, enqueued first) and holds A's one slot, unanswered.
    assert.deepEqual(entities(await hookA.waitForDeliveries(1)), ['a1'])

    const paused = await post(app, '/handlers/a.task/pause')
    assert.deepEqual([paused.paused, paused.queued, paused.in_flight], [true, 5, 1])
    await enqueueMany(app, 'b.task', 'b', 20)
    await hookB.waitForDeliveries(20, undefined, 10_000)
    // Changes go on while paused: a2 is raised to priority 1 (keeping its first-enqueue place), a6 is new.
    assert.equal((await app.inject({ method: 'PATCH', url: '/jobs/a2/priority', payload: { priority: 1 } })).statusCode, 200)
    assert.equal((await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'a.task', entity_id: 'a6', priority: 1 } })).statusCode, 201)

    // The callback in flight finishes; its freed slot starts nothing of A while B still flows.
    a.hold = false
    a.letGo()
    await waitFor('a1 to complete', async () => (await getJob(app, 'a1')).status === 'completed')
    await enqueueMany(app, 'b.task', 'b', 10, (i) => ({ entity_id: `b-late${i}` }))
    await hookB.waitForDeliveries(30, undefined, 10_000)
    await sleep(300)
    assert.deepEqual(entities(hookA.deliveries), ['a1'], 'a paused handler got a new callback')
    const held = await handlerView(app, 'a.task')
    assert.deepEqual([held.paused, held.queued, held.in_flight], [true, 6, 0])

    const resumed = await post(app, '/handlers/a.task/resume')
    assert.equal(resumed.paused, false)
    const all = await hookA.waitForDeliveries(7, undefined, 15_000)
    assert.deepEqual(entities(all), ['a1', 'a2', 'a3', 'a5', 'a6', 'a0', 'a4'])
    await drained(app, 'a.task')
    await assertSound(app)
  })

  it('should dispatch the jobs of another handler promptly behind 5,000 jobs waiting for a paused one', { timeout: 120_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const hookA = await startHookServer(t)
    const hookB = await startHookServer(t)
    await putHandler(app, 'hol.a', { url: hookA.url })
    await putHandler(app, 'hol.b', { url: hookB.url })
    await post(app, '/handlers/hol.a/pause')
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, env: { JOBQ_CONCURRENCY: '16' } })
    // A's backlog comes first by priority and by enqueue order: with one queue, B would wait behind it.
    await enqueueMany(app, 'hol.a', 'a', 5000, () => ({ priority: 1 }))
    const start = performance.now()
    await enqueueMany(app, 'hol.b', 'b', 200, () => ({ priority: 3 }))
    const deliveries = await hookB.waitForDeliveries(200, undefined, 30_000)
    const elapsed = Math.max(...deliveries.map((d) => d.at)) - start
    t.diagnostic(`200 jobs of B dispatched within ${elapsed.toFixed(0)} ms of their enqueue, behind 5,000 paused jobs of A`)
    assert.ok(elapsed < 5000, `B's 200 jobs took ${elapsed.toFixed(0)} ms behind a paused backlog`)
    assert.equal(hookA.deliveries.length, 0)
    const a = await handlerView(app, 'hol.a')
    assert.deepEqual([a.paused, a.queued, a.in_flight], [true, 5000, 0])
    await drained(app, 'hol.b')
    await assertSound(app)
  })

  it('should apply changed limits to new dispatches of a running handler within a second', { timeout: 90_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const counter = tally(100)
    const hook = await startHookServer(t, counter.respond)
    await putHandler(app, 'tune.task', { url: hook.url, max_concurrency: 2 })
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, env: { JOBQ_CONCURRENCY: '32' } })
    await enqueueMany(app, 'tune.task', 't', 400)
    await hook.waitForDeliveries(10)
    assert.equal(counter.peakSince(), 2)

    const raised = performance.now()
    await putHandler(app, 'tune.task', { url: hook.url, max_concurrency: 8 })
    await waitFor('8 callbacks at once after raising the limit', () => counter.peakSince(raised) >= 8, 1000, 5)
    assert.equal(counter.peakSince(raised), 8)

    const lowered = performance.now()
    await putHandler(app, 'tune.task', { url: hook.url, max_concurrency: 1 })
    await sleep(2500)
    const after = hook.deliveries.filter((d) => d.at >= lowered + 1000).length
    assert.ok(after >= 5, `only ${after} callbacks came in the 1.5 s after the limit was lowered`)
    assert.equal(counter.peakSince(lowered + 1000), 1, 'callbacks at once from a second after lowering the limit to 1')

    // A rate instead of a concurrency limit: 10 per second, bursts of 1.
    const [rated, ratedAt] = [Date.now(), performance.now()]
    await putHandler(app, 'tune.task', { url: hook.url, rate_per_second: 10, burst: 1 })
    await sleep(3200)
    // Every callback that came since the change, and some before: only start times count.
    const since = hook.deliveries.filter((d) => d.at >= ratedAt - 200)
    const starts = (await Promise.all(since.map((d) => getJob(app, d.jobId)))).map((j) => Date.parse(j.started_at as string))
    const inWindow = starts.filter((s) => s >= rated + 1000 && s <= rated + 3000).length
    assert.ok(inWindow <= 10 * 2 + 1, `${inWindow} callbacks started in 2 s at 10 per second, bursts of 1`)
    assert.ok(inWindow >= 15, `only ${inWindow} callbacks started in 2 s at 10 per second`)

    await putHandler(app, 'tune.task', { url: hook.url })
    await drained(app, 'tune.task', 60_000)
    await assertSound(app)
  })

  it('should free the slots of a SIGKILLed worker when its leases lapse, and complete the remaining jobs', { timeout: 90_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const counter = tally(20)
    counter.hold = true
    const hook = await startHookServer(t, counter.respond)
    await putHandler(app, 'kill.task', { url: hook.url, max_concurrency: 4 })
    const env = { JOBQ_LEASE_MS: '1000', JOBQ_CONCURRENCY: '8' }
    const doomed = await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, env })
    const ids = await enqueueMany(app, 'kill.task', 'k', 12)
    const first = await hook.waitForDeliveries(4)
    await sleep(200)
    assert.equal(hook.deliveries.length, 4, 'more callbacks than max_concurrency')
    assert.equal((await handlerView(app, 'kill.task')).in_flight, 4)

    doomed.child.kill('SIGKILL')
    await doomed.exited
    counter.hold = false
    // The dead worker's slots are still taken: nothing starts until its leases lapse.
    assert.equal((await handlerView(app, 'kill.task')).in_flight, 4)
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName, env })
    await hook.waitForDeliveries(16, undefined, 20_000)
    await drained(app, 'kill.task')
    assert.ok(counter.peakSince() <= 4, `${counter.peakSince()} callbacks at once`)
    for (const id of ids) {
      const job = await getJob(app, id)
      const killed = first.some((d) => d.jobId === id)
      assert.deepEqual([job.status, job.attempts], ['completed', killed ? 2 : 1], `${job.entity_id}: ${JSON.stringify(job)}`)
    }
    const view = await handlerView(app, 'kill.task')
    assert.deepEqual([view.queued, view.scheduled, view.in_flight], [0, 0, 0])
    await assertSound(app)
  })

  it('should show a handler\'s queued, scheduled and in-flight jobs, its limits and its pause', { timeout: 60_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const counter = tally()
    counter.hold = true
    const hook = await startHookServer(t, counter.respond)
    await putHandler(app, 'count.task', { url: hook.url, max_concurrency: 3 })
    await putHandler(app, 'other.task', { url: hook.url })
    await startWorker(t, { redisUrl: redis().url, queue: app.jobQueue.queueName })
    await enqueueMany(app, 'count.task', 'n', 10)
    await enqueueMany(app, 'count.task', 'd', 4, () => ({ delay_ms: 60_000 }))
    await enqueueMany(app, 'count.task', 'r', 2, () => ({ run_at: new Date(Date.now() + 3_600_000).toISOString() }))
    await enqueueMany(app, 'other.task', 'o', 2, () => ({ delay_ms: 60_000 }))
    await hook.waitForDeliveries(3)
    await sleep(200)

    const expected = { paused: false, max_concurrency: 3, rate_per_second: null, burst: null, queued: 7, scheduled: 6, in_flight: 3 }
    const pick = (view: Record<string, unknown>) => Object.fromEntries(Object.keys(expected).map((k) => [k, view[k]]))
    assert.deepEqual(pick(await handlerView(app, 'count.task')), expected)
    assert.deepEqual(pick(await handlerView(app, 'count.task', `/queues/${app.jobQueue.queueName}`)), expected)
    const listed = (await app.inject({ url: '/handlers' })).json().handlers as Array<Record<string, unknown>>
    assert.deepEqual(listed.map((h) => [h.name, pick(h)]), [
      ['count.task', expected],
      ['other.task', { ...expected, max_concurrency: null, queued: 0, scheduled: 2, in_flight: 0 }]
    ])
    const queue = (await app.inject({ url: '/queue' })).json()
    assert.deepEqual([queue.queued, queue.scheduled, queue.processing], [7, 8, 3])

    assert.deepEqual(pick(await post(app, `/queues/${app.jobQueue.queueName}/handlers/count.task/pause`)), { ...expected, paused: true })
    assert.deepEqual(pick(await handlerView(app, 'count.task')), { ...expected, paused: true })
    counter.hold = false
    counter.letGo()
    await waitFor('the callbacks in flight to finish', async () => (await handlerView(app, 'count.task')).in_flight === 0)
    assert.deepEqual(pick(await handlerView(app, 'count.task')), { ...expected, paused: true, in_flight: 0 })
    await post(app, '/handlers/count.task/resume')
    await drained(app, 'count.task')
    assert.deepEqual(pick(await handlerView(app, 'count.task')), { ...expected, queued: 0, in_flight: 0 })
    await assertSound(app)
  })
})
