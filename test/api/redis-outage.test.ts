import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildTestApp, registerHandler, sharedRedis } from '../helper.js'

/** The "within a few seconds": a caller hears of a dead Redis well before its own timeout. */
const ANSWER_WITHIN_MS = 5000

const requests: Array<[string, InjectOptions]> = [
  ['GET /queue', { url: '/queue' }],
  ['GET /queue?list=queued', { url: '/queue?list=queued' }],
  ['POST /jobs', { method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e2' } }],
  ['GET /jobs/e1', { url: '/jobs/e1' }],
  ['PATCH /jobs/e1/priority', { method: 'PATCH', url: '/jobs/e1/priority', payload: { priority: 2 } }],
  ['DELETE /jobs/e1', { method: 'DELETE', url: '/jobs/e1' }],
  ['POST /jobs/e1/retry', { method: 'POST', url: '/jobs/e1/retry' }],
  ['PUT /handlers/other', { method: 'PUT', url: '/handlers/other', payload: { url: 'http://127.0.0.1:9/' } }],
  ['GET /handlers', { url: '/handlers' }],
  ['GET /readyz', { url: '/readyz' }]
]

/** Sends a request that must fail with 503 in the one error shape, and soon. */
async function assertUnavailable (app: FastifyInstance, name: string, request: InjectOptions): Promise<void> {
  const started = performance.now()
  const res = await app.inject(request)
  const elapsed = performance.now() - started
  assert.ok(elapsed < ANSWER_WITHIN_MS, `${name} took ${Math.round(elapsed)} ms`)
  assert.equal(res.statusCode, 503, `${name}: ${res.body}`)
  const body = res.json()
  assert.equal(body.statusCode, 503)
  assert.equal(body.error, 'Service Unavailable')
  assert.equal(body.code, 'JQ_ERR_REDIS_UNAVAILABLE')
  assert.match(body.message, /^The queue store is unavailable/)
  assert.equal(res.headers['retry-after'], '1')
}

/** Polls until `request` answers `status` (Redis is back and the client reconnected), for up to ~10 s. */
async function waitForStatus (app: FastifyInstance, request: InjectOptions, status: number): Promise<number> {
  const started = performance.now()
  let last = 0
  while (performance.now() - started < 10_000) {
    last = (await app.inject(request)).statusCode
    if (last === status) return performance.now() - started
    await sleep(100)
  }
  assert.fail(`${request.url} still answers ${last} after 10 s`)
}

describe('Redis stopping and returning', () => {
  const redis = sharedRedis(['--enable-debug-command', 'yes'])

  it('should answer 503 while Redis is down, stay alive, and recover without a restart', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
    assert.equal((await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1' } })).statusCode, 201)

    await redis().stop()
    for (const [name, request] of requests) await assertUnavailable(app, name, request)
    const health = await app.inject({ url: '/healthz' })
    assert.deepEqual([health.statusCode, health.json()], [200, { status: 'ok' }])

    // still answering quickly while the client keeps trying to reconnect
    for (let i = 0; i < 8; i++) {
      await sleep(250)
      await assertUnavailable(app, 'GET /queue while reconnecting', { url: '/queue' })
    }

    await redis().start()
    await waitForStatus(app, { url: '/readyz' }, 200)
    assert.deepEqual((await app.inject({ url: '/readyz' })).json(), { status: 'ready' })
    assert.equal((await app.inject({ url: '/queue' })).statusCode, 200)
    // the restarted Redis kept nothing (no persistence in tests) and has no scripts loaded:
    // the scripts are loaded again on first use
    assert.equal((await app.inject({ method: 'PUT', url: '/handlers/task', payload: { url: 'http://127.0.0.1:9/hook' } })).statusCode, 201)
    const created = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1' } })
    assert.equal(created.statusCode, 201, created.body)
    assert.equal((await app.inject({ url: '/jobs/e1' })).json().status, 'queued')
  })

  it('should start while Redis is away and serve once it comes', async (t) => {
    await redis().stop()
    const app = await buildTestApp(t, redis().url)
    await assertUnavailable(app, 'GET /readyz', { url: '/readyz' })
    await assertUnavailable(app, 'GET /queue', { url: '/queue' })
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
    await redis().start()
    await waitForStatus(app, { url: '/queue' }, 200)
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200)
  })

  it('should answer 503 within a few seconds when Redis hangs, and carry on when it answers again', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
    const sleeper = new Redis(redis().url, { lazyConnect: true })
    sleeper.on('error', () => {})
    t.after(() => sleeper.disconnect())
    await sleeper.connect()
    // Redis does nothing else for 5 s; the app's connection stays open but gets no answer
    const hang = sleeper.call('DEBUG', 'SLEEP', '5')
    await sleep(300)
    await Promise.all([
      assertUnavailable(app, 'GET /queue', { url: '/queue' }),
      assertUnavailable(app, 'GET /readyz', { url: '/readyz' }),
      assertUnavailable(app, 'GET /jobs/e1', { url: '/jobs/e1' })
    ])
    await hang
    await waitForStatus(app, { url: '/queue' }, 200)
    const created = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'after' } })
    assert.equal(created.statusCode, 201, created.body)
  })
})
