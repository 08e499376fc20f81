import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { Webhook } from 'standardwebhooks'
import { buildTestApp, startRedis } from '../helper.js'
import { queueKeys, readyKey } from '../../src/queue/keys.js'
import type { NewJob } from '../../src/queue/job.js'
import {
  clientAddress, median, ok, scriptCallCount, startHookServer, startWorker, waitFor, waitingOnWakes, watchScriptCalls,
  type Responder
} from './worker-helper.js'

const queueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`

async function putHandler (app: FastifyInstance, queue: string, url: string, name = 'task'): Promise<string> {
  const res = await app.inject({ method: 'PUT', url: `/queues/${queue}/handlers/${name}`, payload: { url, max_attempts: 1 } })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, `PUT /queues/${queue}/handlers/${name}: ${res.statusCode} ${res.body}`)
  return res.json().secret
}

async function enqueueIn (app: FastifyInstance, queue: string, entity: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: `/queues/${queue}/jobs`, payload: { task: 'task', entity_id: entity } })
  assert.equal(res.statusCode, 201, `POST /queues/${queue}/jobs: ${res.body}`)
  return res.json().job_id
}

async function overviewOf (app: FastifyInstance, queue: string) {
  const res = await app.inject({ url: `/queues/${queue}` })
  assert.equal(res.statusCode, 200, res.body)
  return res.json()
}

/** Callbacks a handler server holds unanswered right now, and the most it ever held. */
interface Busy {
  now: number
  peak: number
}

/** Answers each callback 200 after minMs to maxMs, counting the callbacks it holds meanwhile. */
function slowly (busy: Busy, minMs: number, maxMs: number): Responder {
  return (_d, res: ServerResponse) => {
    busy.now++
    busy.peak = Math.max(busy.peak, busy.now)
    setTimeout(() => {
      busy.now--
      if (!res.destroyed) res.writeHead(200).end()
    }, minMs + Math.random() * (maxMs - minMs))
  }
}

const newJob = (entity: string): NewJob => ({ task: 'task', entity_id: entity, priority: 2, args: '[]', kwargs: '{}', metadata: '{}' })

describe('a worker serving several queues (JOBQ_QUEUES)', () => {
  it('should dispatch the jobs of every queue it serves, each signed with its own queue\'s handler secret, and no other queue\'s', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const a = queueName('a')
    const b = queueName('b')
    const hookA = await startHookServer(t, ok)
    const hookB = await startHookServer(t, ok)
    const secretA = await putHandler(app, a, hookA.url)
    const secretB = await putHandler(app, b, hookB.url)
    // The default queue (JOBQ_QUEUE) has work too, but JOBQ_QUEUES does not name it.
    const hookDefault = await startHookServer(t, ok)
    await putHandler(app, app.defaultQueue.name, hookDefault.url)
    const idle = await enqueueIn(app, app.defaultQueue.name, 'not-served')

    const ids: Record<string, string[]> = { [a]: [], [b]: [] }
    for (let i = 0; i < 10; i++) for (const q of [a, b]) ids[q].push(await enqueueIn(app, q, `before-${i}`))
    const worker = await startWorker(t, {
      redisUrl: redis.url,
      queue: app.defaultQueue.name,
      env: { JOBQ_QUEUES: `${a},${b}`, JOBQ_CONCURRENCY: '4' }
    })
    assert.match(worker.output(), new RegExp(`"queues":\\["${a}","${b}"\\]`))
    for (let i = 0; i < 10; i++) for (const q of [b, a]) ids[q].push(await enqueueIn(app, q, `after-${i}`))

    for (const [queue, hook, secret, otherSecret] of [[a, hookA, secretA, secretB], [b, hookB, secretB, secretA]] as const) {
      await waitFor(`every job of ${queue} to complete`, async () => (await overviewOf(app, queue)).completed === 20, 15_000, 50)
      const delivered = (await hook.waitForDeliveries(20)).map((d) => d.jobId).sort()
      assert.deepEqual(delivered, [...ids[queue]].sort(), `${queue}: each job once`)
      for (const d of hook.deliveries) {
        const headers = d.headers as Record<string, string>
        assert.deepEqual(new Webhook(secret).verify(d.body, headers), JSON.parse(d.body))
        assert.throws(() => new Webhook(otherSecret).verify(d.body, headers), `${queue}'s callback signed with the other queue's secret`)
      }
      const overview = await overviewOf(app, queue)
      assert.deepEqual([overview.queued, overview.processing, overview.failed], [0, 0, 0])
    }
    const left = await app.inject({ url: `/jobs/${idle}` })
    assert.equal(left.json().status, 'queued', 'a queue JOBQ_QUEUES does not name is not served')
    assert.equal(hookDefault.deliveries.length, 0)
  })

  it('should share its slots fairly: a job of an idle queue runs at once beside a 100,000-job backlog, and two busy queues get half each', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const a = queueName('a')
    const b = queueName('b')
    const busyA: Busy = { now: 0, peak: 0 }
    const busyB: Busy = { now: 0, peak: 0 }
    const hookA = await startHookServer(t, slowly(busyA, 20, 50))
    const hookB = await startHookServer(t, slowly(busyB, 20, 50))
    await putHandler(app, a, hookA.url)
    await putHandler(app, b, hookB.url)

    const backlog = 100_000
    const started = performance.now()
    const queueA = app.queues.get(a).jobs
    for (let from = 0; from < backlog; from += 1000) {
      const results = await queueA.enqueueMany(Array.from({ length: 1000 }, (_, i) => newJob(`a${from + i}`)))
      assert.ok(results.every((r) => r.outcome === 'created'))
    }
    const enqueueMs = performance.now() - started
    assert.equal((await overviewOf(app, a)).queued, backlog)
    t.diagnostic(`enqueued ${backlog} jobs into ${a} in ${enqueueMs.toFixed(0)} ms`)

    const concurrency = 8
    await startWorker(t, {
      redisUrl: redis.url,
      queue: app.defaultQueue.name,
      env: { JOBQ_QUEUES: `${a},${b}`, JOBQ_CONCURRENCY: String(concurrency) }
    })
    // The backlog takes every slot.
    await waitFor('queue a to fill every slot', () => busyA.now === concurrency, 15_000, 5)
    await hookA.waitForDeliveries(50)

    // One job of b at a time: it must run within about one of a's callbacks, not after a's backlog.
    const latencies: number[] = []
    for (let i = 0; i < 10; i++) {
      // Every slot is a's when b's job comes: it has to wait for one of a's callbacks to end.
      await waitFor('queue a to fill every slot again', () => busyA.now === concurrency && busyB.now === 0, 5000, 1)
      const before = performance.now()
      await enqueueIn(app, b, `single-${i}`)
      await hookB.waitForDeliveries(i + 1, undefined, 5000)
      latencies.push(hookB.deliveries[i].at - before)
      assert.equal(hookB.deliveries[i].json.entity_id, `single-${i}`)
    }
    const worst = Math.max(...latencies)
    t.diagnostic(`enqueue-to-dispatch of one job of b beside a's backlog: median ${median(latencies).toFixed(1)} ms, max ${worst.toFixed(1)} ms; all: ${latencies.map((l) => l.toFixed(0)).join(', ')}`)
    assert.ok(worst < 1000, `a job of b waited ${worst.toFixed(0)} ms for a slot: ${latencies.map((l) => l.toFixed(0)).join(', ')}`)

    // Many jobs in b: while both queues have work, each gets about half the slots.
    const many = 100
    const samples: Array<{ at: number, a: number, b: number }> = []
    const sampler = setInterval(() => samples.push({ at: performance.now(), a: busyA.now, b: busyB.now }), 2)
    const first = hookB.deliveries.length
    const aBefore = hookA.deliveries.length
    const batch = await app.inject({
      method: 'POST',
      url: `/queues/${b}/jobs/batch`,
      payload: { jobs: Array.from({ length: many }, (_, i) => ({ task: 'task', entity_id: `many-${i}` })) }
    })
    assert.equal(batch.statusCode, 200, batch.body)
    const deliveries = (await hookB.waitForDeliveries(first + many, undefined, 20_000)).slice(first)
    await waitFor('b\'s last callbacks to be answered', () => busyB.now === 0, 5000, 5)
    clearInterval(sampler)
    // From the first of b's callbacks to the last one's dispatch both queues have jobs waiting; the
    // first 100 ms are left out, while b's share builds up as a's callbacks end.
    const from = deliveries[0].at + 100
    const to = deliveries[deliveries.length - 1].at
    const window = samples.filter((s) => s.at >= from && s.at <= to)
    assert.ok(window.length >= 50, `only ${window.length} samples while both queues had work`)
    const mean = (values: number[]) => values.reduce((x, y) => x + y, 0) / values.length
    const meanB = mean(window.map((s) => s.b))
    const meanA = mean(window.map((s) => s.a))
    const dispatchedA = hookA.deliveries.filter((d) => d.at >= from && d.at <= to).length
    const dispatchedB = deliveries.filter((d) => d.at >= from && d.at <= to).length
    t.diagnostic(`while both had work (${(to - from).toFixed(0)} ms, ${window.length} samples): callbacks in flight a ${meanA.toFixed(2)}, b ${meanB.toFixed(2)} on average ` +
      `(median b ${median(window.map((s) => s.b))}, peak b ${busyB.peak}); dispatched a ${dispatchedA}, b ${dispatchedB}`)
    // Callbacks counted at the handlers leave out each slot's moments between an answer and the next
    // claim, so the two means add up to a little under 8: it is their ratio that must be about even.
    const inFlightShare = meanB / (meanA + meanB)
    assert.ok(inFlightShare > 0.4 && inFlightShare < 0.6, `b held ${meanB.toFixed(2)} slots on average, a ${meanA.toFixed(2)}: not about half each`)
    assert.ok(meanA + meanB >= concurrency / 2, `only ${(meanA + meanB).toFixed(2)} of ${concurrency} slots in use on average`)
    assert.ok(busyB.peak <= concurrency - 2, `b held up to ${busyB.peak} of ${concurrency} slots at once`)
    const share = dispatchedB / (dispatchedA + dispatchedB)
    assert.ok(share > 0.35 && share < 0.65, `b had ${(share * 100).toFixed(0)}% of the dispatches`)
    // a's backlog never ran out meanwhile.
    assert.ok((await overviewOf(app, a)).queued > backlog - 5000)
    assert.ok(hookA.deliveries.length > aBefore)
  })
})

describe('a worker serving every queue (JOBQ_QUEUES=*)', () => {
  it('should serve a queue made after it started within moments, and send Redis no script while idle', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const old = queueName('old')
    const hookOld = await startHookServer(t, ok)
    await putHandler(app, old, hookOld.url)
    const worker = await startWorker(t, { redisUrl: redis.url, queue: app.defaultQueue.name, env: { JOBQ_QUEUES: '*', JOBQ_CONCURRENCY: '4' } })
    // It serves the queues that existed.
    await enqueueIn(app, old, 'o1')
    await hookOld.waitForDeliveries(1, undefined, 5000)

    // The API's housekeeping timer runs scripts every few seconds: only the worker's are counted.
    const workerCalls = await watchScriptCalls(t, redis.client, [await clientAddress(app.jobQueue.redis)])
    const idleFor = async (what: string) => {
      await waitFor('the worker to wait for work, idle', () => waitingOnWakes(redis.client, '*', workerCalls.count), 10_000, 10)
      const before = workerCalls.count()
      const beforeAll = await scriptCallCount(redis.client)
      await sleep(1500)
      const all = await scriptCallCount(redis.client) - beforeAll
      t.diagnostic(`idle for 1.5 s ${what}: ${workerCalls.count() - before} script calls from the worker, ${all} in all (INFO commandstats, the API's housekeeping included)`)
      assert.equal(workerCalls.count() - before, 0, `an idle worker ${what} ran scripts: it polls`)
    }
    await idleFor('serving one queue')

    // A brand-new queue: its first handler, then its first job.
    const fresh = queueName('fresh')
    const hookFresh = await startHookServer(t, ok)
    const created = performance.now()
    await putHandler(app, fresh, hookFresh.url)
    const enqueued = performance.now()
    const jobId = await enqueueIn(app, fresh, 'f1')
    const [delivery] = await hookFresh.waitForDeliveries(1, undefined, 5000)
    assert.equal(delivery.jobId, jobId)
    t.diagnostic(`a new queue's first job dispatched ${(delivery.at - created).toFixed(1)} ms after its handler was put, ${(delivery.at - enqueued).toFixed(1)} ms after the enqueue`)
    assert.ok(delivery.at - created < 2000, `the new queue's job waited ${(delivery.at - created).toFixed(0)} ms`)
    await worker.waitForOutput(`"queue":"${fresh}"`, 1, 2000)
    assert.match(worker.output(), new RegExp(`"queue":"${fresh}".*"serving a new queue"|"serving a new queue".*"queue":"${fresh}"`))
    await waitFor(`the job of ${fresh} to complete`, async () => (await overviewOf(app, fresh)).completed === 1, 5000, 20)

    // Serving both now, still nothing while idle; and it wakes for either.
    await idleFor('serving two queues')
    const t0 = performance.now()
    await enqueueIn(app, old, 'o2')
    await enqueueIn(app, fresh, 'f2')
    await hookOld.waitForDeliveries(2, undefined, 2000)
    await hookFresh.waitForDeliveries(2, undefined, 2000)
    t.diagnostic(`idle worker woken for both queues in ${(Math.max(hookOld.deliveries[1].at, hookFresh.deliveries[1].at) - t0).toFixed(1)} ms`)
  })

  it('should skip a queue written in another data format and keep serving the others', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const good = queueName('good')
    const bad = queueName('bad')
    const hookGood = await startHookServer(t, ok)
    const hookBad = await startHookServer(t, ok)
    await putHandler(app, good, hookGood.url)
    await putHandler(app, bad, hookBad.url)
    const stranded = await enqueueIn(app, bad, 'b1')
    // A later JobQ wrote this queue: this version must not read it.
    await redis.client.set(queueKeys(bad).format, '999')

    // A worker told to serve it by name refuses to start.
    await assert.rejects(startWorker(t, { redisUrl: redis.url, queue: app.defaultQueue.name, env: { JOBQ_QUEUES: `${good},${bad}` } }),
      /worker exited \(1\)[\s\S]*refusing the queue/)

    const worker = await startWorker(t, { redisUrl: redis.url, queue: app.defaultQueue.name, env: { JOBQ_QUEUES: '*' } })
    await worker.waitForOutput('"not serving a queue written in another data format"', 1, 5000)
    assert.match(worker.output(), new RegExp(`"queue":"${bad}"[^\\n]*"not serving a queue written in another data format"`))
    const job = await enqueueIn(app, good, 'g1')
    assert.equal((await hookGood.waitForDeliveries(1, undefined, 5000))[0].jobId, job)

    // News of the bad queue (a handler put again publishes a wake message) does not make it served,
    // nor is it checked and logged again: it stays refused until the worker restarts.
    await putHandler(app, bad, hookBad.url)
    await sleep(300)
    assert.equal(worker.output().split('"not serving a queue written in another data format"').length - 1, 1, 'the refusal is logged once')
    const again = await enqueueIn(app, good, 'g2')
    await hookGood.waitForDeliveries(2, undefined, 5000)
    assert.equal(hookGood.deliveries[1].jobId, again)
    await sleep(300)
    assert.equal(hookBad.deliveries.length, 0, 'a job of a queue in another format was dispatched')
    assert.equal(await redis.client.zcard(readyKey(queueKeys(bad), 'task')), 1, `${stranded} left where it was`)
    assert.equal(await redis.client.get(queueKeys(bad).format), '999')
    assert.equal(worker.child.exitCode, null, 'the worker serving * must keep running')
    assert.ok(!worker.output().includes(`"queue":"${bad}","msg":"serving a new queue"`))
  })
})
