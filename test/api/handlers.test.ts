import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, sharedRedis, snapshotQueue } from '../helper.js'
import { queueKeys } from '../../src/queue/keys.js'

const put = (app: FastifyInstance, name: string, payload: unknown) =>
  app.inject({ method: 'PUT', url: `/handlers/${encodeURIComponent(name)}`, payload: payload as Record<string, unknown> })

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

describe('handlers', () => {
  const redis = sharedRedis()

  it('should create a handler (201) with defaults and a whsec_ signing secret shown once', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const res = await put(app, 'email.send', { url: 'https://hooks.example.com/email' })
    assert.equal(res.statusCode, 201)
    const body = res.json()
    assert.match(body.secret, /^whsec_[A-Za-z0-9+/]+={0,2}$/)
    assert.equal(Buffer.from(body.secret.slice('whsec_'.length), 'base64').length, 32)
    assert.match(body.created_at, ISO)
    assert.equal(body.updated_at, body.created_at)
    assert.deepEqual({ ...body, secret: undefined, created_at: undefined, updated_at: undefined }, {
      name: 'email.send',
      url: 'https://hooks.example.com/email',
      timeout_ms: 30_000,
      max_attempts: 5,
      backoff_ms: 1000,
      async: false,
      async_lease_ms: 300_000,
      max_concurrency: null,
      rate_per_second: null,
      burst: null,
      headers: {},
      paused: false,
      queued: 0,
      scheduled: 0,
      in_flight: 0,
      secret: undefined,
      created_at: undefined,
      updated_at: undefined
    })
    // another handler gets another secret
    const other = (await put(app, 'sms.send', { url: 'http://127.0.0.1:8080/sms' })).json()
    assert.notEqual(other.secret, body.secret)
  })

  it('should update a handler (200) without showing or changing its secret', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const created = (await put(app, 'h', { url: 'http://a.example/x', timeout_ms: 5000, max_attempts: 3, backoff_ms: 10 })).json()
    assert.deepEqual([created.timeout_ms, created.max_attempts, created.backoff_ms], [5000, 3, 10])

    const res = await put(app, 'h', { url: 'https://b.example/y', max_attempts: 9 })
    assert.equal(res.statusCode, 200)
    const body = res.json()
    assert.equal(body.secret, undefined)
    assert.ok(!res.body.includes('whsec_'))
    // a setting left out takes its default again
    assert.deepEqual([body.url, body.timeout_ms, body.max_attempts, body.backoff_ms], ['https://b.example/y', 30_000, 9, 1000])
    assert.equal(body.created_at, created.created_at)
    assert.ok(Date.parse(body.updated_at) >= Date.parse(created.updated_at))

    const stored = JSON.parse(await redis().client.hget(queueKeys(app.jobQueue.queueName).handlers, 'h') as string)
    assert.equal(stored.secrets.length, 1)
    assert.equal(stored.secrets[0].secret, created.secret)
  })

  it('should read and list handlers without their secrets', async (t) => {
    const app = await buildTestApp(t, redis().url)
    for (const name of ['zeta', 'alpha', 'mid.dle']) await put(app, name, { url: `http://127.0.0.1:9/${name}` })
    const list = await app.inject({ url: '/handlers' })
    assert.equal(list.statusCode, 200)
    assert.deepEqual(list.json().handlers.map((h: { name: string }) => h.name), ['alpha', 'mid.dle', 'zeta'])
    assert.ok(!/secret|whsec_/.test(list.body), list.body)

    const one = await app.inject({ url: '/handlers/mid.dle' })
    assert.equal(one.statusCode, 200)
    assert.deepEqual(Object.keys(one.json()).sort(), ['async', 'async_lease_ms', 'backoff_ms', 'burst', 'created_at', 'headers', 'in_flight', 'max_attempts', 'max_concurrency', 'name',
      'paused', 'queued', 'rate_per_second', 'scheduled', 'timeout_ms', 'updated_at', 'url'])
    assert.equal(one.json().url, 'http://127.0.0.1:9/mid.dle')
    assert.ok(!/secret|whsec_/.test(one.body))

    const missing = await app.inject({ url: '/handlers/nope' })
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.json().code, 'JQ_ERR_HANDLER_NOT_FOUND')
    assert.match(missing.json().message, /nope/)
    assert.deepEqual((await app.inject({ url: '/handlers' })).json().handlers.length, 3)
  })

  it('should delete a handler (204), then answer 404, and refuse jobs for it (422)', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await put(app, 'h', { url: 'http://127.0.0.1:9/h' })
    const res = await app.inject({ method: 'DELETE', url: '/handlers/h' })
    assert.equal(res.statusCode, 204)
    assert.equal(res.body, '')
    assert.equal((await app.inject({ method: 'DELETE', url: '/handlers/h' })).statusCode, 404)
    assert.equal((await app.inject({ url: '/handlers/h' })).statusCode, 404)
    assert.deepEqual((await app.inject({ url: '/handlers' })).json(), { handlers: [] })
    const job = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'h', entity_id: 'e' } })
    assert.equal(job.statusCode, 422)
    // created again, it has a new secret
    assert.equal((await put(app, 'h', { url: 'http://127.0.0.1:9/h' })).statusCode, 201)
  })

  it('should refuse URLs that are not http(s) and bad settings with 400 naming the field, storing nothing', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await put(app, 'existing', { url: 'http://127.0.0.1:9/h', max_attempts: 2 })
    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    const cases: Array<[string, unknown, RegExp]> = [
      ['h', { url: 'ftp://example.com/file' }, /^body\.url: /],
      ['h', { url: 'file:///etc/passwd' }, /^body\.url: /],
      ['h', { url: 'javascript:alert(1)' }, /^body\.url: /],
      ['h', { url: 'mailto:a@example.com' }, /^body\.url: /],
      ['h', { url: 'not a url' }, /^body\.url: /],
      ['h', { url: 'example.com/hook' }, /^body\.url: /],
      ['h', { url: 'http://' }, /^body\.url: /],
      ['h', { url: 'https://:80/' }, /^body\.url: /],
      ['h', { url: 'http://example.com:99999/' }, /^body\.url: /],
      ['h', { url: `http://example.com/${'a'.repeat(2048)}` }, /^body\.url: /],
      ['h', { url: 42 }, /^body\.url: /],
      ['existing', { url: 'ftp://example.com/file' }, /^body\.url: /],
      ['h', {}, /^body\.url: is required/],
      ['h', { url: 'http://x.example', timeout_ms: 50 }, /^body\.timeout_ms: /],
      ['h', { url: 'http://x.example', max_attempts: 0 }, /^body\.max_attempts: /],
      ['h', { url: 'http://x.example', max_attempts: '3' }, /^body\.max_attempts: /],
      ['h', { url: 'http://x.example', backoff_ms: -1 }, /^body\.backoff_ms: /],
      ['h', { url: 'http://x.example', secret: 'whsec_mine' }, /^body\.secret: unknown field/],
      ['bad name', { url: 'http://x.example' }, /^params\.name: /],
      ['.dot', { url: 'http://x.example' }, /^params\.name: /],
      ['a'.repeat(129), { url: 'http://x.example' }, /^params\.name: /]
    ]
    for (const [name, payload, message] of cases) {
      const res = await put(app, name, payload)
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`)
      assert.equal(res.json().error, 'Bad Request')
      assert.match(res.json().message, message, JSON.stringify(payload))
    }
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)
    assert.equal((await app.inject({ url: '/handlers/existing' })).json().max_attempts, 2)
  })

  it('should answer 400, not 500, for URLs without a valid host when JOBQ_HANDLER_HOSTS is set', async (t) => {
    const app = await buildTestApp(t, redis().url, { JOBQ_HANDLER_HOSTS: 'example.com' })
    for (const url of ['http://', 'https://:80/', 'http://example.com:99999/']) {
      const res = await put(app, 'h', { url })
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`)
      assert.match(res.json().message, /^body\.url: /)
    }
    assert.equal((await put(app, 'h', { url: 'https://example.com/hook' })).statusCode, 201)
  })
})
