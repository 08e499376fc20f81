import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Webhook } from 'standardwebhooks'
import type { FastifyInstance } from 'fastify'
import type { JobRecord } from '../../src/queue/job.js'
import { callbackBody, callbackHeaders } from '../../src/worker/dispatch.js'
import { buildTestApp, freePort, startRedis } from '../helper.js'
import { enqueue, startHookServer, startWorker, waitForStatus } from './worker-helper.js'

const SECRET = 's3cr3t-value'
const HEADERS = { authorization: `Bearer ${SECRET}`, 'x-tenant': 'acme' }

async function putHandler (app: FastifyInstance, name: string, payload: Record<string, unknown>): Promise<string> {
  const res = await app.inject({ method: 'PUT', url: `/handlers/${name}`, payload })
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`PUT /handlers/${name}: ${res.statusCode} ${res.body}`)
  return res.json().secret
}

describe('callback headers a handler is registered with', () => {
  it('should put the configured headers first and let JobQ\'s own win', () => {
    const job = {
      job_id: 'VcE1jTf00001', task: 't', entity_id: 'e', args: '[]', kwargs: '{}', metadata: '{}', priority: 2, attempts: 1
    } as JobRecord
    const body = callbackBody(job, 'token')
    const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64')
    const plain = callbackHeaders(job, [secret], body, 'jobq-test', 1_800_000_000_000)
    const headers = callbackHeaders(job, [secret], body, 'jobq-test', 1_800_000_000_000, undefined,
      { ...HEADERS, 'content-type': 'text/plain', 'webhook-id': 'forged' })
    assert.deepEqual(Object.keys(headers).slice(0, 2), ['authorization', 'x-tenant'])
    assert.equal(headers.authorization, HEADERS.authorization)
    assert.equal(headers['content-type'], 'application/json')
    assert.equal(headers['webhook-id'], job.job_id)
    // The signature does not depend on the configured headers.
    assert.equal(headers['webhook-signature'], plain['webhook-signature'])
    assert.deepEqual(callbackHeaders(job, [secret], body, 'jobq-test', 1_800_000_000_000, undefined, {}), plain)
  })

  it('should send them on every attempt, retries included, signed as before, and write them to no log or metric', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hook = await startHookServer(t, (d, res) => {
      if (d.path === '/denied') res.writeHead(401).end('unauthorized')
      else res.writeHead(d.attempt < 3 ? 503 : 200).end()
    })
    const secret = await putHandler(app, 'mail.send', { url: hook.url, backoff_ms: 20, headers: { Authorization: HEADERS.authorization, 'X-Tenant': 'acme' } })
    await putHandler(app, 'plain', { url: hook.url })
    // Registered with headers, then cleared with {}: sent without them.
    await putHandler(app, 'cleared', { url: hook.url, headers: HEADERS })
    await putHandler(app, 'cleared', { url: hook.url, headers: {} })
    // Replaced without headers: keeps them.
    await putHandler(app, 'kept', { url: hook.url, headers: HEADERS })
    await putHandler(app, 'kept', { url: hook.url, timeout_ms: 5000 })
    await putHandler(app, 'denied', { url: hook.origin + '/denied', headers: HEADERS })

    const job = await enqueue(app, { task: 'mail.send', entity_id: 'e-1', kwargs: { to: 'x@example.com' } })
    const others = await Promise.all(['plain', 'cleared', 'kept', 'denied'].map((task) => enqueue(app, { task, entity_id: `e-${task}` })))
    const metricsPort = await freePort()
    const worker = await startWorker(t, {
      redisUrl: redis.url,
      queue: app.jobQueue.queueName,
      env: { LOG_LEVEL: 'trace', JOBQ_METRICS_PORT: String(metricsPort) }
    })
    await waitForStatus(app, job.job_id, 'completed')
    const [plain, cleared, kept, denied] = others
    for (const other of [plain, cleared, kept]) await waitForStatus(app, other.job_id, 'completed')
    const failed = await waitForStatus(app, denied.job_id, 'failed')
    assert.match(String(failed.last_error), /^handler answered 401/)

    const deliveries = hook.of(job.job_id)
    assert.deepEqual(deliveries.map((d) => d.attempt), [1, 2, 3])
    const webhook = new Webhook(secret)
    for (const d of deliveries) {
      assert.equal(d.headers.authorization, HEADERS.authorization, `attempt ${d.attempt}`)
      assert.equal(d.headers['x-tenant'], 'acme', `attempt ${d.attempt}`)
      assert.match(String(d.headers['content-type']), /^application\/json/)
      assert.match(String(d.headers['user-agent']), /jobq/i)
      assert.equal(d.headers['webhook-id'], job.job_id)
      // A handler may check both: its own credential and the signature over the body.
      assert.equal((webhook.verify(d.body, d.headers as Record<string, string>) as { job_id: string }).job_id, job.job_id)
    }
    for (const d of [...hook.of(plain.job_id), ...hook.of(cleared.job_id)]) {
      assert.equal(d.headers.authorization, undefined, d.jobId)
      assert.equal(d.headers['x-tenant'], undefined, d.jobId)
    }
    assert.equal(hook.of(kept.job_id)[0].headers.authorization, HEADERS.authorization)
    assert.equal(hook.of(denied.job_id)[0].headers['x-tenant'], 'acme')

    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((res) => res.text())
    assert.match(metrics, /mail\.send/)
    assert.ok(!metrics.includes(SECRET), 'the metrics hold a header value')
    const log = worker.output()
    assert.match(log, /callback answered/)
    assert.match(log, /job failed for good/)
    assert.ok(!log.includes(SECRET), 'the worker log holds a header value')
  })
})
