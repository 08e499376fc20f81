import { describe, it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { Webhook } from 'standardwebhooks'
import { buildTestApp, registerHandler, startRedis } from '../helper.js'
import {
  answer, enqueue, hang, ok, startHookServer, startWorker, waitForStatus,
  type Delivery, type Responder
} from './worker-helper.js'

/** A Redis, the API on it, a handler server, and `jobq worker` on the app's queue once asked for. */
async function setup (t: TestContext, respond: Responder = ok) {
  const redis = await startRedis(t)
  const app = await buildTestApp(t, redis.url)
  const hook = await startHookServer(t, respond)
  const runWorker = (env: Record<string, string> = {}) =>
    startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName, env: { JOBQ_LEASE_MS: '5000', ...env } })
  return { redis, app, hook, runWorker }
}

const gaps = (deliveries: Delivery[]) => deliveries.slice(1).map((d, i) => d.at - deliveries[i].at)

describe('worker dispatch', () => {
  it('should dispatch by priority, then in first-enqueue order within a priority', async (t) => {
    const { app, hook, runWorker } = await setup(t)
    await registerHandler(app, 'order.run', hook.url)
    const priorities = [3, 1, 2, 1, 3, 2, 1, 2, 3, 1]
    const jobs = []
    for (const [i, priority] of priorities.entries()) {
      jobs.push(await enqueue(app, { task: 'order.run', entity_id: `e${i}`, priority }))
    }
    // e8 moves from 3 to 1 and keeps its first-enqueue time: between e6 and e9 in priority 1.
    const patched = await app.inject({ method: 'PATCH', url: '/jobs/e8/priority', payload: { priority: 1 } })
    assert.equal(patched.statusCode, 200)

    await runWorker({ JOBQ_CONCURRENCY: '1' })
    const deliveries = await hook.waitForDeliveries(priorities.length)
    assert.deepEqual(deliveries.map((d) => d.json.entity_id),
      ['e1', 'e3', 'e6', 'e8', 'e9', 'e2', 'e5', 'e7', 'e0', 'e4'])
    assert.deepEqual(deliveries.map((d) => d.json.priority), [1, 1, 1, 1, 1, 2, 2, 2, 3, 3])
  })

  it('should POST the job signed per Standard Webhooks, with jobq headers, on every attempt', async (t) => {
    const { app, hook, runWorker } = await setup(t, (d, res) => {
      res.writeHead(d.attempt === 1 ? 500 : 200).end()
    })
    const secret = await registerHandler(app, 'mail.send', hook.url, { backoff_ms: 50 })
    assert.match(secret, /^whsec_/)
    // Header values are Latin-1, so jobq-entity-id carries the entity_id percent-encoded (README).
    const entity = 'customer:7/order 42 ü'
    const job = await enqueue(app, {
      task: 'mail.send',
      entity_id: entity,
      priority: 2,
      args: ['a', 1, [], { n: 1.5 }],
      kwargs: { to: 'x@example.com', empty: {} },
      metadata: { trace: 't-1' }
    })
    await runWorker()
    await waitForStatus(app, job.job_id, 'completed')

    const deliveries = hook.of(job.job_id)
    assert.equal(deliveries.length, 2)
    const webhook = new Webhook(secret)
    for (const [i, d] of deliveries.entries()) {
      const attempt = i + 1
      assert.equal(d.method, 'POST')
      assert.equal(d.path, '/hook')
      assert.match(String(d.headers['content-type']), /^application\/json/)
      assert.equal(d.headers['webhook-id'], job.job_id, 'webhook-id is the job_id on every attempt')
      const timestamp = Number(d.headers['webhook-timestamp'])
      assert.ok(Number.isInteger(timestamp) && Math.abs(timestamp - Date.now() / 1000) < 60, `webhook-timestamp ${timestamp}`)
      assert.match(String(d.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+={0,2}$/)
      const expected = {
        job_id: job.job_id,
        entity_id: entity,
        task: 'mail.send',
        args: ['a', 1, [], { n: 1.5 }],
        kwargs: { to: 'x@example.com', empty: {} },
        priority: 2,
        attempt,
        metadata: { trace: 't-1' },
        // Each attempt's own credential for the API's heartbeat, progress, complete and fail routes.
        callback_token: String(d.headers['jobq-callback-token'])
      }
      assert.match(expected.callback_token, /^\d+\.[A-Za-z0-9_-]{43}$/)
      assert.deepEqual(JSON.parse(d.body), expected)
      // The library a handler would use accepts the callback, and refuses it once the body changes.
      const headers = d.headers as Record<string, string>
      assert.deepEqual(webhook.verify(d.body, headers), expected)
      assert.throws(() => webhook.verify(d.body.replace('order 42', 'order 43'), headers))
      assert.equal(d.headers['jobq-job-id'], job.job_id)
      assert.equal(decodeURIComponent(String(d.headers['jobq-entity-id'])), entity)
      assert.equal(d.headers['jobq-attempt'], String(attempt))
      assert.equal(d.headers['jobq-priority'], '2')
    }
  })

  it('should complete on 2xx and keep a JSON answer as the result', async (t) => {
    const { app, hook, runWorker } = await setup(t, (d, res) => {
      if (d.json.entity_id === 'json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sent: true, ids: [1, 2], entity: d.json.entity_id }))
      } else {
        res.writeHead(204).end()
      }
    })
    await registerHandler(app, 'report.build', hook.url)
    const withResult = await enqueue(app, { task: 'report.build', entity_id: 'json' })
    const noContent = await enqueue(app, { task: 'report.build', entity_id: 'empty' })
    await runWorker()

    const done = await waitForStatus(app, withResult.job_id, 'completed')
    assert.deepEqual(done.result, { sent: true, ids: [1, 2], entity: 'json' })
    assert.equal(done.attempts, 1)
    assert.equal(done.last_error, null)
    const empty = await waitForStatus(app, noContent.job_id, 'completed')
    assert.equal(empty.result, null)
    assert.equal(empty.attempts, 1)
    assert.equal(hook.deliveries.length, 2)
  })

  it('should not follow a 3xx and count it as a failed attempt', async (t) => {
    const { app, hook, runWorker } = await setup(t, (d, res) => {
      if (d.path === '/hook') res.writeHead(302, { location: hook.origin + '/elsewhere' }).end()
      else res.writeHead(200).end()
    })
    await registerHandler(app, 'moved.task', hook.url, { max_attempts: 2, backoff_ms: 20 })
    const job = await enqueue(app, { task: 'moved.task', entity_id: 'm1' })
    await runWorker()

    const failed = await waitForStatus(app, job.job_id, 'failed')
    assert.equal(failed.attempts, 2)
    assert.match(String(failed.last_error), /302/)
    assert.deepEqual(hook.deliveries.map((d) => [d.path, d.attempt]), [['/hook', 1], ['/hook', 2]])
  })

  it('should fail at once on 400, 404 and 422, saying why', async (t) => {
    const { app, hook, runWorker } = await setup(t, (d, res) => {
      res.writeHead(Number(d.json.kwargs.status), { 'content-type': 'text/plain' }).end(`bad input for ${d.json.entity_id}`)
    })
    await registerHandler(app, 'strict.task', hook.url, { max_attempts: 5, backoff_ms: 10 })
    const jobs = []
    for (const status of [400, 404, 422]) {
      jobs.push({ status, job: await enqueue(app, { task: 'strict.task', entity_id: `s${status}`, kwargs: { status } }) })
    }
    await runWorker()

    for (const { status, job } of jobs) {
      const failed = await waitForStatus(app, job.job_id, 'failed')
      assert.equal(failed.attempts, 1, `${status} is not retried`)
      assert.match(String(failed.last_error), new RegExp(`\\b${status}\\b.*bad input for s${status}`))
      assert.equal(hook.of(job.job_id).length, 1)
    }
    // A failed job frees its entity: enqueueing it again creates a new job.
    const again = await enqueue(app, { task: 'strict.task', entity_id: 's404', kwargs: { status: 404 } })
    assert.notEqual(again.job_id, jobs[1].job.job_id)
  })

  it('should retry 5xx, 408, 409, 425, 429 and connection resets after backoff', async (t) => {
    const { app, hook, runWorker } = await setup(t, (d, res, req) => {
      const first = d.json.kwargs.first
      if (d.attempt > 1) res.writeHead(200).end()
      else if (first === 'reset') req.socket.destroy()
      else res.writeHead(Number(first)).end('not now')
    })
    await registerHandler(app, 'flaky.task', hook.url, { max_attempts: 2, backoff_ms: 200 })
    const jobs = []
    for (const first of [500, 502, 503, 408, 409, 425, 429, 'reset']) {
      jobs.push({ first, job: await enqueue(app, { task: 'flaky.task', entity_id: `f-${first}`, kwargs: { first } }) })
    }
    await runWorker()

    for (const { first, job } of jobs) {
      const done = await waitForStatus(app, job.job_id, 'completed')
      assert.equal(done.attempts, 2, `${first} is retried`)
      const deliveries = hook.of(job.job_id)
      assert.deepEqual(deliveries.map((d) => d.attempt), [1, 2])
      // Exponential from backoff_ms with equal jitter: at least half of 200 ms before the retry.
      assert.ok(gaps(deliveries)[0] >= 95, `${first}: retried after ${gaps(deliveries)[0]} ms`)
    }
  })

  it('should honour Retry-After, and a waiting retry still holds its entity', async (t) => {
    const { app, hook, runWorker } = await setup(t, (d, res) => {
      if (d.attempt === 1) res.writeHead(503, { 'retry-after': '1' }).end()
      else res.writeHead(200).end()
    })
    await registerHandler(app, 'slow.down', hook.url, { backoff_ms: 10 })
    const job = await enqueue(app, { task: 'slow.down', entity_id: 'r1', priority: 2 })
    await runWorker()

    await hook.waitForDeliveries(1)
    const scheduled = await waitForStatus(app, job.job_id, 'scheduled')
    assert.equal(scheduled.attempts, 1)
    assert.match(String(scheduled.last_error), /503/)
    const same = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'slow.down', entity_id: 'r1', priority: 2 } })
    assert.equal(same.statusCode, 200)
    assert.equal(same.json().outcome, 'exists')
    assert.equal(same.json().job_id, job.job_id)
    const raised = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'slow.down', entity_id: 'r1', priority: 1 } })
    assert.equal(raised.json().outcome, 'priority_raised')
    assert.equal(raised.json().job_id, job.job_id)

    await waitForStatus(app, job.job_id, 'completed')
    const deliveries = hook.of(job.job_id)
    assert.equal(deliveries.length, 2)
    assert.ok(gaps(deliveries)[0] >= 950, `Retry-After: 1 asks for a second; retried after ${gaps(deliveries)[0]} ms`)
    assert.equal(deliveries[1].headers['jobq-priority'], '1')
  })

  it('should end failed after max_attempts, then run again on POST /jobs/{id}/retry', async (t) => {
    let healthy = false
    const { app, hook, runWorker } = await setup(t, (_d, res) => {
      res.writeHead(healthy ? 200 : 500).end(healthy ? undefined : 'database down')
    })
    await registerHandler(app, 'doomed.task', hook.url, { max_attempts: 3, backoff_ms: 100 })
    const job = await enqueue(app, { task: 'doomed.task', entity_id: 'd1', priority: 3 })
    await runWorker()

    const failed = await waitForStatus(app, job.job_id, 'failed')
    assert.equal(failed.attempts, 3)
    assert.match(String(failed.last_error), /500.*database down/)
    const deliveries = hook.of(job.job_id)
    assert.deepEqual(deliveries.map((d) => d.attempt), [1, 2, 3])
    // Backoff doubles: at least 50 ms, then at least 100 ms (equal jitter keeps half of each).
    const [first, second] = gaps(deliveries)
    assert.ok(first >= 45 && second >= 95, `gaps ${first} and ${second} ms`)
    const queue = await app.inject({ method: 'GET', url: '/queue' })
    assert.equal(queue.json().failed, 1)

    healthy = true
    const retried = await app.inject({ method: 'POST', url: `/jobs/${job.job_id}/retry` })
    assert.equal(retried.statusCode, 200)
    assert.equal(retried.json().status, 'queued')
    const done = await waitForStatus(app, job.job_id, 'completed')
    assert.equal(done.attempts, 1)
    assert.equal(done.priority, 3)
    const last = hook.of(job.job_id).at(-1) as Delivery
    assert.equal(hook.of(job.job_id).length, 4)
    assert.equal(last.headers['webhook-id'], job.job_id)
    assert.equal(last.attempt, 1)
  })

  it('should give up on a hung handler at its timeout_ms and retry the attempt', async (t) => {
    const { app, hook, runWorker } = await setup(t, hang)
    await registerHandler(app, 'hung.task', hook.url, { timeout_ms: 300, max_attempts: 2, backoff_ms: 0 })
    const job = await enqueue(app, { task: 'hung.task', entity_id: 'h1' })
    await runWorker()

    const failed = await waitForStatus(app, job.job_id, 'failed')
    assert.equal(failed.attempts, 2)
    assert.match(String(failed.last_error), /timeout_ms 300/)
    const deliveries = hook.of(job.job_id)
    assert.deepEqual(deliveries.map((d) => d.attempt), [1, 2])
    // The 300 ms run from before the worker connects, so the request arrives a little into them;
    // with backoff_ms 0 the retry follows at once, hence somewhat under 300 ms between arrivals.
    // (The first request may arrive well into its 300 ms on a loaded machine: a new connection, the
    // callback key read once.) A timeout not enforced at all would show as a gap near 0.
    assert.ok(gaps(deliveries)[0] >= 150, `second attempt ${gaps(deliveries)[0]} ms after the first`)
  })

  it('should complete without a result when a 2xx body is over JOBQ_RESULT_LIMIT', async (t) => {
    const { app, hook, runWorker } = await setup(t, answer(200, { blob: 'x'.repeat(4096) }))
    await registerHandler(app, 'big.task', hook.url)
    const job = await enqueue(app, { task: 'big.task', entity_id: 'b1' })
    await runWorker({ JOBQ_RESULT_LIMIT: '1024' })
    const done = await waitForStatus(app, job.job_id, 'completed')
    assert.equal(done.result, null)
  })
})
