import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { decodeEntry } from '../../src/events/event.js'
import { buildTestApp, registerHandler, sharedRedis, waitFor } from '../helper.js'
import { startHookServer, startWorker, type Delivery } from '../worker/worker-helper.js'
import { openStream } from './sse-helper.js'

/**
 * A scripted run of 500 jobs through the real API, a real worker and a real handler, with cancels,
 * priority changes, retries after a failed attempt and retries of failed jobs: every state change
 * comes once on the event stream, in order per job, and a stream resumed from an event in the
 * middle gets exactly the rest.
 */

const JOBS = 500
const KINDS = ['cancel', 'prio', 'flaky', 'bad', 'ok'] as const
type Kind = typeof KINDS[number]
const kindOf = (i: number): Kind => KINDS[i % KINDS.length]

/** The types each kind of job goes through, in order. */
const EXPECTED: Record<Kind, string[]> = {
  // cancelled while the queue is paused
  cancel: ['job.enqueued', 'job.cancelled'],
  // lowered with PATCH, raised again by a second enqueue, then run
  prio: ['job.enqueued', 'job.priority_changed', 'job.priority_changed', 'job.started', 'job.completed'],
  // a 503 first, retried by the worker after its backoff, then a 200
  flaky: ['job.enqueued', 'job.started', 'job.retry_scheduled', 'job.due', 'job.started', 'job.completed'],
  // a 400 fails it for good; POST /retry puts it back, and then it completes
  bad: ['job.enqueued', 'job.started', 'job.failed', 'job.retried', 'job.started', 'job.completed'],
  ok: ['job.enqueued', 'job.started', 'job.completed']
}

describe('the event stream of a scripted run', () => {
  const redis = sharedRedis()

  it('should carry every state change of 500 jobs once, in order per job, and resume with exactly the rest', { timeout: 180_000 }, async (t) => {
    const app = await buildTestApp(t, redis().url)
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const queue = app.defaultQueue.name
    // A job answers 503 (flaky) or 400 (bad) on its first delivery, 200 after.
    const hook = await startHookServer(t, (d: Delivery, res) => {
      const first = hook.of(d.jobId).length === 1
      const entity = d.json.entity_id
      if (first && entity.startsWith('flaky-')) res.writeHead(503).end()
      else if (first && entity.startsWith('bad-')) res.writeHead(400).end()
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
    await registerHandler(app, 'run.task', hook.url, { max_attempts: 3, backoff_ms: 50 })
    const live = await openStream(t, `${url}/events`)
    const completions = await openStream(t, `${url}/events?types=job.completed`)
    await waitFor('streams connected', () => live.comments.includes('connected') && completions.comments.includes('connected'))

    assert.equal((await app.inject({ method: 'POST', url: '/queue/pause' })).statusCode, 200)
    const ids: string[] = []
    for (let i = 0; i < JOBS; i++) {
      const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'run.task', entity_id: `${kindOf(i)}-${i}`, priority: 2 } })
      assert.equal(res.statusCode, 201, res.body)
      ids.push(res.json().job_id)
    }
    for (let i = 0; i < JOBS; i++) {
      const entity = `${kindOf(i)}-${i}`
      if (kindOf(i) === 'cancel') assert.equal((await app.inject({ method: 'DELETE', url: `/jobs/${entity}` })).statusCode, 204)
      if (kindOf(i) === 'prio') {
        assert.equal((await app.inject({ method: 'PATCH', url: `/jobs/${entity}/priority`, payload: { priority: 3 } })).statusCode, 200)
        const raised = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'run.task', entity_id: entity, priority: 1 } })
        assert.equal(raised.json().outcome, 'priority_raised')
      }
    }
    await startWorker(t, { redisUrl: redis().url, queue })
    assert.equal((await app.inject({ method: 'POST', url: '/queue/resume' })).statusCode, 200)

    const bad = ids.filter((_, i) => kindOf(i) === 'bad')
    for (const id of bad) {
      await waitFor(`${id} failed`, async () => (await app.inject(`/jobs/${id}`)).json().status === 'failed', 60_000, 50)
      assert.equal((await app.inject({ method: 'POST', url: `/jobs/${id}/retry` })).statusCode, 200)
    }
    const total = ids.reduce((sum, _, i) => sum + EXPECTED[kindOf(i)].length, 0)
    await live.waitForEvents(total, 120_000)
    for (let i = 0; i < JOBS; i++) {
      const want = kindOf(i) === 'cancel' ? 'cancelled' : 'completed'
      assert.equal((await app.inject(`/jobs/${ids[i]}`)).json().status, want, ids[i])
    }
    // Nothing more comes after the last change.
    await new Promise((resolve) => setTimeout(resolve, 500))

    // The stream is the Redis stream the scripts wrote, entry for entry.
    const stored = await redis().client.xrange(`jobq:{${queue}}:events`, '-', '+') as Array<[string, string[]]>
    assert.equal(live.events.length, stored.length)
    assert.deepEqual(live.events.map((e) => e.id), stored.map(([id]) => id))
    assert.deepEqual(live.events.map((e) => e.data), stored.map(([, fields]) => decodeEntry(queue, fields)))

    // Every job's changes, once each and in order; the last one is the job's state now.
    const byJob = new Map<string, Array<{ type: string, status: string, priority: number, attempt: number }>>()
    for (const { data } of live.events) {
      if (!byJob.has(data.job_id)) byJob.set(data.job_id, [])
      byJob.get(data.job_id)!.push(data)
    }
    assert.equal(byJob.size, JOBS)
    for (let i = 0; i < JOBS; i++) {
      const events = byJob.get(ids[i])!
      assert.deepEqual(events.map((e) => e.type), EXPECTED[kindOf(i)], `${kindOf(i)}-${i}`)
      assert.equal(events.at(-1)!.status, kindOf(i) === 'cancel' ? 'cancelled' : 'completed')
      if (kindOf(i) === 'prio') assert.deepEqual(events.map((e) => e.priority).slice(0, 3), [2, 3, 1])
      if (kindOf(i) === 'flaky') assert.deepEqual(events.filter((e) => e.type === 'job.started').map((e) => e.attempt), [1, 2])
    }
    assert.deepEqual(completions.events.map((e) => e.data.job_id).sort(), ids.filter((_, i) => kindOf(i) !== 'cancel').sort())

    // Resumed from an event in the middle: exactly the rest, then live.
    // Counted before the extra job: `live` hears that job's events too, maybe before the count.
    const heard = live.events.length
    const middle = Math.floor(heard / 2)
    const resumed = await openStream(t, `${url}/events`, { 'last-event-id': live.events[middle].id! })
    await resumed.waitForEvents(heard - middle - 1)
    assert.deepEqual(resumed.events.map((e) => e.id), live.events.slice(middle + 1).map((e) => e.id))
    const extra = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'run.task', entity_id: 'ok-after', priority: 3 } })
    await resumed.waitForEvents(heard - middle + 2)
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(resumed.events.length, heard - middle + 2, 'nothing more, nothing twice')
    assert.deepEqual(resumed.events.slice(-3).map((e) => [e.data.job_id, e.data.type]),
      [[extra.json().job_id, 'job.enqueued'], [extra.json().job_id, 'job.started'], [extra.json().job_id, 'job.completed']])
  })
})
