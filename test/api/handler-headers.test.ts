import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/api/app.js'
import { maskHeaderValue } from '../../src/api/views.js'
import { loggerOptions } from '../../src/config/logger.js'
import { queueKeys } from '../../src/queue/keys.js'
import { buildTestApp, sharedRedis, snapshotQueue, testConfig } from '../helper.js'

const SECRET = 's3cr3t-value'
const HEADERS = { authorization: `Bearer ${SECRET}`, 'x-tenant': 'acme' }
const MASKED = { authorization: '****alue', 'x-tenant': '****' }

const put = (app: FastifyInstance, name: string, payload: unknown, prefix = '') =>
  app.inject({ method: 'PUT', url: `${prefix}/handlers/${encodeURIComponent(name)}`, payload: payload as Record<string, unknown> })

async function stored (app: FastifyInstance, client: () => { client: import('ioredis').Redis }, name: string, queue = app.jobQueue.queueName) {
  return JSON.parse(await client().client.hget(queueKeys(queue).handlers, name) as string)
}

describe('handler callback headers', () => {
  const redis = sharedRedis()

  it('should mask values: **** and the last 4 characters, only **** under 12 characters', () => {
    assert.equal(maskHeaderValue(''), '****')
    assert.equal(maskHeaderValue('acme'), '****')
    assert.equal(maskHeaderValue('12345678901'), '****')
    assert.equal(maskHeaderValue('123456789012'), '****9012')
    assert.equal(maskHeaderValue(`Bearer ${SECRET}`), '****alue')
  })

  it('should store headers lower-cased and show them only masked: on creation, GET, list and in a named queue', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const created = await put(app, 'h', { url: 'http://127.0.0.1:9/h', headers: { Authorization: HEADERS.authorization, 'X-Tenant': 'acme' } })
    assert.equal(created.statusCode, 201, created.body)
    assert.deepEqual(created.json().headers, MASKED)
    assert.match(created.json().secret, /^whsec_/)
    const one = await app.inject({ url: '/handlers/h' })
    assert.equal(one.statusCode, 200)
    assert.deepEqual(one.json().headers, MASKED)
    assert.deepEqual(Object.keys(one.json().headers), ['authorization', 'x-tenant'], 'by name')
    const list = await app.inject({ url: '/handlers' })
    assert.deepEqual(list.json().handlers[0].headers, MASKED)
    for (const body of [created.body, one.body, list.body]) assert.ok(!body.includes(SECRET) && !body.includes('acme'), body)
    // Redis holds them as it holds the signing secret: whole, by lower-cased name.
    assert.deepEqual((await stored(app, redis, 'h')).headers, HEADERS)

    const named = await put(app, 'h', { url: 'http://127.0.0.1:9/h', headers: HEADERS }, '/queues/hq')
    assert.equal(named.statusCode, 201)
    assert.deepEqual(named.json().headers, MASKED)
    assert.deepEqual((await app.inject({ url: '/queues/hq/handlers/h' })).json().headers, MASKED)
    assert.deepEqual((await stored(app, redis, 'h', 'hq')).headers, HEADERS)
    const reserved = await put(app, 'h', { url: 'http://127.0.0.1:9/h', headers: { 'jobq-queue': 'x' } }, '/queues/hq')
    assert.equal(reserved.statusCode, 400)
    assert.match(reserved.json().message, /^body\.headers\.jobq-queue: /)
  })

  it('should keep the stored headers when a PUT leaves them out, replace them when given, and remove them with {}', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const none = await put(app, 'plain', { url: 'http://127.0.0.1:9/p' })
    assert.deepEqual(none.json().headers, {}, 'a handler without headers shows {}')
    assert.equal((await stored(app, redis, 'plain')).headers, undefined)

    await put(app, 'h', { url: 'http://127.0.0.1:9/h', max_attempts: 3, headers: HEADERS })
    const kept = await put(app, 'h', { url: 'http://127.0.0.1:9/other' })
    assert.equal(kept.statusCode, 200)
    // Other settings left out take their defaults; headers left out stay.
    assert.equal(kept.json().max_attempts, 5)
    assert.deepEqual(kept.json().headers, MASKED)
    assert.deepEqual((await stored(app, redis, 'h')).headers, HEADERS)

    // Rotating the secret keeps them too.
    assert.equal((await app.inject({ method: 'POST', url: '/handlers/h/rotate-secret' })).statusCode, 200)
    assert.deepEqual((await stored(app, redis, 'h')).headers, HEADERS)

    const replaced = await put(app, 'h', { url: 'http://127.0.0.1:9/other', headers: { 'X-Api-Key': 'k-0123456789abcdef' } })
    assert.deepEqual(replaced.json().headers, { 'x-api-key': '****cdef' })
    assert.deepEqual((await stored(app, redis, 'h')).headers, { 'x-api-key': 'k-0123456789abcdef' })

    const removed = await put(app, 'h', { url: 'http://127.0.0.1:9/other', headers: {} })
    assert.equal(removed.statusCode, 200)
    assert.deepEqual(removed.json().headers, {})
    assert.deepEqual((await app.inject({ url: '/handlers/h' })).json().headers, {})
    const raw = await stored(app, redis, 'h')
    assert.equal(raw.headers, undefined, 'no headers field is stored for none')
    assert.equal(raw.secrets.length, 2, 'the secrets stay')
  })

  it('should take the limits: 20 headers, 4096-character values, Latin-1, tabs and empty values', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-h${i}`, `v${i}`]))
    const many = await put(app, 'many', { url: 'http://127.0.0.1:9/h', headers: twenty })
    assert.equal(many.statusCode, 201, many.body)
    assert.equal(Object.keys(many.json().headers).length, 20)
    const odd = { 'x-long': 'a'.repeat(4096), 'x-latin1': 'café\tÿ ½', 'x-empty': '', "x-!#$%&'*+.^_`|~": 'token' }
    const res = await put(app, 'odd', { url: 'http://127.0.0.1:9/h', headers: odd })
    assert.equal(res.statusCode, 201, res.body)
    assert.deepEqual((await stored(app, redis, 'odd')).headers, odd)
    assert.deepEqual((await app.handlerStore.get('odd'))?.headers, odd)
  })

  it('should refuse reserved, hop-by-hop, malformed and duplicate headers with a 400 naming them, never the value, storing nothing', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await put(app, 'existing', { url: 'http://127.0.0.1:9/h', headers: HEADERS })
    const before = await snapshotQueue(redis().client, app.jobQueue.queueName)
    const value = `Bearer ${SECRET}`
    const cases: Array<[Record<string, unknown> | unknown, RegExp]> = [
      ...['content-type', 'Content-Length', 'content-encoding', 'host', 'User-Agent', 'webhook-id', 'Webhook-Signature',
        'webhook-timestamp', 'jobq-attempt', 'jobq-anything'].map((name): [Record<string, unknown>, RegExp] =>
        [{ [name]: value }, new RegExp(`^body\\.headers\\.${name.replace('.', '\\.')}: JobQ sets this header itself`)]),
      ...['connection', 'Transfer-Encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'Proxy-Connection']
        .map((name): [Record<string, unknown>, RegExp] => [{ [name]: value }, new RegExp(`^body\\.headers\\.${name}: a hop-by-hop header`)]),
      [{ 'x y': value }, /^body\.headers \(key "x y"\): not a header name/],
      [{ '': value }, /^body\.headers \(key ""\): not a header name/],
      [{ 'x:y': value }, /^body\.headers \(key "x:y"\): not a header name/],
      [{ 'x-é': value }, /^body\.headers \(key "x-é"\): not a header name/],
      [{ 'x\r\ny': value }, /^body\.headers \(key "x\\r\\ny"\): not a header name/],
      [{ ['x'.repeat(257)]: value }, /^body\.headers \(key "x{256}"\): not a header name/],
      [{ 'X-Tenant': 'a', 'x-tenant': value }, /^body\.headers\.x-tenant: given twice, also as X-Tenant/],
      [{ authorization: `${value}\r\nx-injected: 1` }, /^body\.headers\.authorization: the value may hold only visible ASCII or Latin-1/],
      [{ authorization: `${value}\n` }, /^body\.headers\.authorization: the value may hold only/],
      [{ authorization: `${value}\u0000` }, /^body\.headers\.authorization: the value may hold only/],
      [{ authorization: `${value}\u007f` }, /^body\.headers\.authorization: the value may hold only/],
      [{ authorization: `${value} \u0100` }, /^body\.headers\.authorization: the value may hold only/],
      [{ authorization: `${value} 😀` }, /^body\.headers\.authorization: the value may hold only/],
      [{ authorization: value + 'x'.repeat(4097 - value.length) }, /^body\.headers\.authorization: the value is longer than 4096 characters/],
      [Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, value])), /^body\.headers: at most 20 headers, not 21/],
      [{ authorization: 42 }, /^body\.headers\.authorization: must be string/],
      [{ authorization: [value] }, /^body\.headers\.authorization: must be string/],
      [{ authorization: null }, /^body\.headers\.authorization: must be string/],
      ['authorization: x', /^body\.headers: must be object/],
      [[value], /^body\.headers: must be object/]
    ]
    for (const [headers, message] of cases) {
      const res = await put(app, 'existing', { url: 'http://127.0.0.1:9/h', headers })
      assert.equal(res.statusCode, 400, `${JSON.stringify(headers).slice(0, 200)}: ${res.body.slice(0, 500)}`)
      assert.equal(res.json().error, 'Bad Request')
      assert.match(res.json().message, message, JSON.stringify(headers).slice(0, 200))
      if (!/must be/.test(res.json().message)) assert.equal(res.json().code, 'JQ_ERR_INVALID_HANDLER_HEADER')
      assert.ok(!res.body.includes(SECRET), res.body)
      // A new handler is not created either.
      assert.equal((await put(app, 'fresh', { url: 'http://127.0.0.1:9/h', headers })).statusCode, 400)
    }
    assert.deepEqual(await snapshotQueue(redis().client, app.jobQueue.queueName), before)
    assert.equal((await app.inject({ url: '/handlers/fresh' })).statusCode, 404)
  })

  it('should write no header value to the log at trace, nor to the metrics', async (t) => {
    const lines: string[] = []
    const stream = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
    const config = testConfig(redis().url, { LOG_LEVEL: 'trace' })
    const app = await buildApp(config, { logger: { ...loggerOptions(config, 'api', false), stream } })
    t.after(() => app.close())
    await app.ready()
    assert.equal(app.log.level, 'trace')
    const value = `Bearer ${SECRET}`
    assert.equal((await put(app, 'h', { url: 'http://127.0.0.1:9/h', headers: HEADERS })).statusCode, 201)
    assert.equal((await put(app, 'h', { url: 'http://127.0.0.1:9/h', headers: HEADERS }, '/queues/logq')).statusCode, 201)
    assert.equal((await put(app, 'h', { url: 'http://127.0.0.1:9/h' })).statusCode, 200)
    for (const url of ['/handlers/h', '/handlers', '/queues/logq/handlers/h', '/metrics']) {
      const res = await app.inject({ url })
      assert.equal(res.statusCode, 200, url)
      assert.ok(!res.body.includes(SECRET), `${url}: ${res.body}`)
    }
    for (const headers of [{ 'webhook-id': value }, { connection: value }, { authorization: `${value}\r\n` }, { 'x y': value },
      { authorization: value + 'x'.repeat(5000) }, { authorization: 7, other: value }]) {
      assert.equal((await put(app, 'h', { url: 'http://127.0.0.1:9/h', headers })).statusCode, 400)
    }
    assert.equal((await put(app, 'h', { url: 'ftp://127.0.0.1:9/h', headers: HEADERS })).statusCode, 400)
    assert.equal((await app.inject({ method: 'POST', url: '/handlers/h/rotate-secret' })).statusCode, 200)
    assert.equal((await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'h', entity_id: 'e' } })).statusCode, 201)
    const log = lines.join('')
    assert.match(log, /"url":"\/handlers\/h"/, 'requests were logged')
    assert.ok(!log.includes(SECRET), 'the log holds a header value')
  })
})
