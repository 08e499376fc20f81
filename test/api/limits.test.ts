import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, registerHandler, startRedis, suiteContext } from '../helper.js'

describe('configurable limits', () => {
  const suite = suiteContext()
  let app: FastifyInstance
  before(async () => {
    const redis = await startRedis(suite)
    app = await buildTestApp(suite, redis.url, {
      JOBQ_MAX_ENTITY_ID_LENGTH: '8',
      JOBQ_ENTITY_ID_PATTERN: '^[a-z0-9-]+$',
      JOBQ_TASK_PATTERN: '^mail\\.',
      JOBQ_MAX_ARGS_BYTES: '64',
      JOBQ_MAX_JSON_DEPTH: '3',
      JOBQ_MAX_PAGE_SIZE: '5'
    })
    await registerHandler(app, 'mail.send', 'http://127.0.0.1:9/')
    await registerHandler(app, 'sms.send', 'http://127.0.0.1:9/')
  })

  const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/jobs', payload })

  for (const [what, payload, message] of [
    ['a long entity_id', { task: 'mail.send', entity_id: 'abcdefghi' }, /^body\.entity_id: longer than 8 characters \(JOBQ_MAX_ENTITY_ID_LENGTH\)$/],
    ['an entity_id off the pattern', { task: 'mail.send', entity_id: 'ABC' }, /^body\.entity_id: must match .*\(JOBQ_ENTITY_ID_PATTERN\)$/],
    ['a task off the pattern', { task: 'sms.send', entity_id: 'e1' }, /^body\.task: must match .*\(JOBQ_TASK_PATTERN\)$/],
    ['large args', { task: 'mail.send', entity_id: 'e1', args: ['x'.repeat(80)] }, /^body\.args: larger than 64 bytes of JSON \(JOBQ_MAX_ARGS_BYTES\)$/],
    ['large kwargs', { task: 'mail.send', entity_id: 'e1', kwargs: { k: 'é'.repeat(40) } }, /^body\.kwargs: larger than 64 bytes/],
    ['deep metadata', { task: 'mail.send', entity_id: 'e1', metadata: { a: { b: { c: {} } } } }, /^body\.metadata: nests .* more than 3 levels deep \(JOBQ_MAX_JSON_DEPTH\)$/]
  ] as Array<[string, Record<string, unknown>, RegExp]>) {
    it(`should refuse ${what} with a 400 naming the field and the setting, storing nothing`, async () => {
      const res = await post(payload)
      assert.equal(res.statusCode, 400)
      assert.match(res.json().message, message)
      assert.equal((await app.inject({ method: 'GET', url: '/queue' })).json().queued, 0)
    })
  }

  it('should accept a job within every limit', async () => {
    const res = await post({ task: 'mail.send', entity_id: 'ok-1', args: [1, 2], metadata: { a: { b: 1 } } })
    assert.equal(res.statusCode, 201)
    await app.inject({ method: 'DELETE', url: '/jobs/ok-1' })
  })

  it('should name the item of a batch that breaks a limit', async () => {
    const res = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs: [{ task: 'mail.send', entity_id: 'b1' }, { task: 'mail.send', entity_id: 'B2' }] } })
    assert.equal(res.statusCode, 400)
    assert.match(res.json().message, /^body\.jobs\.1\.entity_id: must match/)
  })

  it('should cap the page size of GET /queue?list=', async () => {
    const res = await app.inject({ method: 'GET', url: '/queue?list=queued&limit=6' })
    assert.equal(res.statusCode, 400)
    assert.equal(res.json().message, 'querystring.limit: at most 5 (JOBQ_MAX_PAGE_SIZE)')
    assert.equal((await app.inject({ method: 'GET', url: '/queue?list=queued&limit=5' })).statusCode, 200)
  })
})
