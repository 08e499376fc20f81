import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { HandlerHosts } from '../../src/queue/handler-hosts.js'
import { buildTestApp, startRedis, suiteContext } from '../helper.js'

describe('HandlerHosts', () => {
  const hosts = new HandlerHosts('hooks.example.com, *.internal.example, 10.0.0.0/8, ::1, 127.0.0.1')

  for (const [url, allowed] of [
    ['https://hooks.example.com/x', true],
    ['https://HOOKS.example.com/x', true],
    ['https://evil.example.com/x', false],
    ['http://a.internal.example/x', true],
    ['http://a.b.internal.example/x', true],
    ['http://internal.example/x', false],
    ['http://notinternal.example/x', false],
    ['http://10.1.2.3:8080/x', true],
    ['http://11.1.2.3/x', false],
    ['http://[::1]:4000/x', true],
    ['http://127.0.0.1/x', true],
    ['http://127.0.0.2/x', false]
  ] as Array<[string, boolean]>) {
    it(`should ${allowed ? 'allow' : 'refuse'} ${url}`, () => assert.equal(hosts.allows(url), allowed))
  }

  it('should allow any host when the list is empty', () => {
    assert.equal(new HandlerHosts('').allows('http://anything.example/'), true)
  })
})

describe('handler URLs and secrets over HTTP', () => {
  const suite = suiteContext()
  let app: FastifyInstance
  before(async () => {
    const redis = await startRedis(suite)
    app = await buildTestApp(suite, redis.url, { JOBQ_HANDLER_HOSTS: '127.0.0.1,*.example.com' })
  })

  it('should refuse a handler URL outside JOBQ_HANDLER_HOSTS with a 400 naming body.url', async () => {
    const res = await app.inject({ method: 'PUT', url: '/handlers/h1', payload: { url: 'http://169.254.169.254/latest' } })
    assert.equal(res.statusCode, 400)
    assert.match(res.json().message, /^body\.url: host 169\.254\.169\.254 is not allowed/)
    assert.equal((await app.inject({ method: 'GET', url: '/handlers/h1' })).statusCode, 404)
    const ok = await app.inject({ method: 'PUT', url: '/handlers/h1', payload: { url: 'https://hooks.example.com/h' } })
    assert.equal(ok.statusCode, 201)
  })

  it('should rotate a secret: the new one is returned once, old and new both stay until the grace ends', async () => {
    const created = await app.inject({ method: 'PUT', url: '/handlers/h2', payload: { url: 'http://127.0.0.1:9/' } })
    const first = created.json().secret
    const rotated = await app.inject({ method: 'POST', url: '/handlers/h2/rotate-secret', payload: { grace_ms: 60_000 } })
    assert.equal(rotated.statusCode, 200)
    const second = rotated.json().secret
    assert.match(second, /^whsec_[A-Za-z0-9+/]{43}=$/)
    assert.notEqual(second, first)
    const stored = await app.handlerStore.get('h2')
    assert.deepEqual(stored?.secrets.map((s) => s.secret), [second, first])
    assert.ok(stored!.secrets[1].expires_at! > Date.now() + 50_000)
    assert.equal(stored!.secrets[0].expires_at, null)

    const again = await app.inject({ method: 'POST', url: '/handlers/h2/rotate-secret', payload: { grace_ms: 0 } })
    const stored2 = await app.handlerStore.get('h2')
    assert.deepEqual(stored2?.secrets.map((s) => s.secret), [again.json().secret])
    const read = await app.inject({ method: 'GET', url: '/handlers/h2' })
    assert.equal(read.json().secret, undefined)
    assert.ok(!read.body.includes('whsec_'))
  })

  it('should answer 404 when rotating the secret of no handler', async () => {
    const res = await app.inject({ method: 'POST', url: '/handlers/nope/rotate-secret', payload: {} })
    assert.equal(res.statusCode, 404)
  })
})

describe('POST /handlers/{name}/rotate-secret without a body', () => {
  it('should take the default grace of a day', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    await app.inject({ method: 'PUT', url: '/handlers/h', payload: { url: 'http://127.0.0.1:9/' } })
    const res = await app.inject({ method: 'POST', url: '/handlers/h/rotate-secret' })
    assert.equal(res.statusCode, 200)
    const stored = await app.handlerStore.get('h')
    assert.equal(stored?.secrets.length, 2)
    assert.ok(Math.abs(stored!.secrets[1].expires_at! - (Date.now() + 86_400_000)) < 60_000)
  })
})
