import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/api/app.js'
import { buildTestApp, startRedis, suiteContext, testConfig } from '../helper.js'

const CLIENT = 'client-key-0123456789abcdef'
const ADMIN = 'admin-key-0123456789abcdef'
const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

describe('bearer keys', () => {
  const suite = suiteContext()
  let app: FastifyInstance
  before(async () => {
    const redis = await startRedis(suite)
    app = await buildTestApp(suite, redis.url, { JOBQ_API_KEYS: `other-key-0123456789abcdef,${CLIENT}`, JOBQ_ADMIN_KEYS: ADMIN })
  })

  it('should answer 401 with WWW-Authenticate without a key or with a wrong one', async () => {
    for (const headers of [{}, bearer('wrong-key-0123456789abcdef'), { authorization: CLIENT }]) {
      const res = await app.inject({ method: 'GET', url: '/queue', headers })
      assert.equal(res.statusCode, 401)
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="jobq"')
      assert.match(res.json().message, /^authorization: /)
    }
  })

  it('should let a client key use jobs and queue routes but not handler routes (403)', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/queue', headers: bearer(CLIENT) })).statusCode, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/jobs/nothing', headers: bearer(CLIENT) })).statusCode, 404)
    const put = await app.inject({ method: 'PUT', url: '/handlers/h', headers: bearer(CLIENT), payload: { url: 'http://127.0.0.1:9/' } })
    assert.equal(put.statusCode, 403)
    assert.equal((await app.inject({ method: 'GET', url: '/handlers', headers: bearer(CLIENT) })).statusCode, 403)
  })

  it('should let an admin key do everything', async () => {
    const put = await app.inject({ method: 'PUT', url: '/handlers/h', headers: bearer(ADMIN), payload: { url: 'http://127.0.0.1:9/' } })
    assert.equal(put.statusCode, 201)
    const job = await app.inject({ method: 'POST', url: '/jobs', headers: bearer(ADMIN), payload: { task: 'h', entity_id: 'e' } })
    assert.equal(job.statusCode, 201)
  })

  it('should keep health, readiness and the docs open', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200)
  })
})

describe('exposure without keys', () => {
  it('should refuse to build on a non-loopback HOST unless JOBQ_ALLOW_UNAUTHENTICATED=1', async (t) => {
    await assert.rejects(buildApp(testConfig('redis://127.0.0.1:1', { HOST: '0.0.0.0' })), /HOST: 0\.0\.0\.0 .*JOBQ_ALLOW_UNAUTHENTICATED/)
    const app = await buildApp(testConfig('redis://127.0.0.1:1', { HOST: '0.0.0.0', JOBQ_ALLOW_UNAUTHENTICATED: '1' }))
    t.after(() => app.close())
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  })
})
