import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildTestApp, registerHandler, sharedRedis, snapshotQueue, type TestRedis, type Cleanup } from '../helper.js'

const BODY_LIMIT = 4096

/** An app with a handler and a few jobs in every state a request could disturb. */
async function populatedApp (t: Cleanup, redis: TestRedis): Promise<FastifyInstance> {
  const app = await buildTestApp(t, redis.url, { JOBQ_BODY_LIMIT: String(BODY_LIMIT) })
  await registerHandler(app, 'email.send', 'http://127.0.0.1:9/hook')
  for (const [entity, priority] of [['e1', 1], ['e2', 2], ['e3', 3], ['busy', 1]] as const) {
    const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: entity, priority } })
    assert.equal(res.statusCode, 201)
  }
  await app.inject({ method: 'PATCH', url: '/jobs/busy/priority', payload: { priority: 1 } })
  const { jobs } = await app.jobQueue.claim(1, 'w', 30_000)
  assert.equal(jobs[0].entity_id, 'e1')
  return app
}

/**
 * Sends each request, expects `status` and an error body in the one shape whose message matches,
 * and checks that the queue's keys are byte for byte what they were.
 */
async function assertRefused (app: FastifyInstance, redis: TestRedis, cases: Array<[string, InjectOptions, number, RegExp]>): Promise<void> {
  const before = await snapshotQueue(redis.client, app.jobQueue.queueName)
  for (const [name, request, status, message] of cases) {
    const res = await app.inject(request)
    assert.equal(res.statusCode, status, `${name}: ${res.statusCode} ${res.body}`)
    const body = res.json()
    assert.equal(body.statusCode, status, name)
    assert.equal(typeof body.error, 'string', name)
    assert.match(body.message, message, `${name}: ${body.message}`)
  }
  assert.deepEqual(await snapshotQueue(redis.client, app.jobQueue.queueName), before)
}

const job = (fields: Record<string, unknown>): InjectOptions =>
  ({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: 'new', ...fields } })

describe('bad input', () => {
  const redis = sharedRedis()

  it('should refuse POST /jobs bodies of the wrong types with 400 naming the field, storing nothing', async (t) => {
    const app = await populatedApp(t, redis())
    await assertRefused(app, redis(), [
      ['args as a string', job({ args: 'x' }), 400, /^body\.args: /],
      ['args as null', job({ args: null }), 400, /^body\.args: /],
      ['args as an object', job({ args: { a: 1 } }), 400, /^body\.args: /],
      ['kwargs as an array', job({ kwargs: [] }), 400, /^body\.kwargs: /],
      ['kwargs as a string', job({ kwargs: 'a=1' }), 400, /^body\.kwargs: /],
      ['metadata as a number', job({ metadata: 5 }), 400, /^body\.metadata: /],
      ['metadata as null', job({ metadata: null }), 400, /^body\.metadata: /],
      ['priority as a numeric string', job({ priority: '2' }), 400, /^body\.priority: /],
      ['priority as a boolean', job({ priority: true }), 400, /^body\.priority: /],
      ['priority as null', job({ priority: null }), 400, /^body\.priority: /],
      ['priority 0', job({ priority: 0 }), 400, /^body\.priority: /],
      ['priority 4', job({ priority: 4 }), 400, /^body\.priority: /],
      ['priority "high"', job({ priority: 'high' }), 400, /^body\.priority: /],
      ['priority 1.5', job({ priority: 1.5 }), 400, /^body\.priority: /],
      ['entity_id as a number', job({ entity_id: 42 }), 400, /^body\.entity_id: /],
      ['entity_id as an array', job({ entity_id: ['e1'] }), 400, /^body\.entity_id: /],
      ['task as a number', job({ task: 7 }), 400, /^body\.task: /],
      ['task as an array', job({ task: ['email.send'] }), 400, /^body\.task: /]
    ])
  })

  it('should refuse missing, unknown and malformed POST /jobs fields with 400 naming the field', async (t) => {
    const app = await populatedApp(t, redis())
    await assertRefused(app, redis(), [
      ['missing task', { method: 'POST', url: '/jobs', payload: { entity_id: 'new' } }, 400, /^body\.task: is required/],
      ['missing entity_id', { method: 'POST', url: '/jobs', payload: { task: 'email.send' } }, 400, /^body\.entity_id: is required/],
      ['unknown field', job({ priorty: 2 }), 400, /^body\.priorty: unknown field/],
      ['empty entity_id', job({ entity_id: '' }), 400, /^body\.entity_id: /],
      ['entity_id too long', job({ entity_id: 'x'.repeat(257) }), 400, /^body\.entity_id: /],
      ['entity_id with a newline', job({ entity_id: 'a\nb' }), 400, /^body\.entity_id: /],
      ['entity_id with NUL', job({ entity_id: 'a\u0000b' }), 400, /^body\.entity_id: /],
      ['entity_id with DEL', job({ entity_id: 'a\u007fb' }), 400, /^body\.entity_id: /],
      ['entity_id with ESC', job({ entity_id: '\u001b[31m' }), 400, /^body\.entity_id: /],
      ['task with a space', job({ task: 'email send' }), 400, /^body\.task: /],
      ['task starting with a dot', job({ task: '.email' }), 400, /^body\.task: /],
      ['task too long', job({ task: 'a'.repeat(129) }), 400, /^body\.task: /],
      ['empty task', job({ task: '' }), 400, /^body\.task: /],
      ['task with a slash', job({ task: 'a/b' }), 400, /^body\.task: /],
      ['body as an array', { method: 'POST', url: '/jobs', payload: [{ task: 'email.send', entity_id: 'new' }] }, 400, /^body: /],
      ['no body', { method: 'POST', url: '/jobs' }, 400, /^body: /],
      ['unknown task', job({ task: 'nope' }), 422, /^task: /]
    ])
  })

  it('should refuse malformed JSON, wrong content types and oversized bodies with a 4xx naming the body', async (t) => {
    const app = await populatedApp(t, redis())
    const json = { 'content-type': 'application/json' }
    const big = JSON.stringify({ task: 'email.send', entity_id: 'big', args: ['x'.repeat(BODY_LIMIT)] })
    await assertRefused(app, redis(), [
      ['malformed JSON', { method: 'POST', url: '/jobs', headers: json, payload: '{"task": "email.send",' }, 400, /body|JSON/i],
      ['JSON with a trailing comma', { method: 'POST', url: '/jobs', headers: json, payload: '{"task": "email.send", "entity_id": "n",}' }, 400, /body|JSON/i],
      ['empty JSON body', { method: 'POST', url: '/jobs', headers: json, payload: '' }, 400, /body/i],
      ['prototype poisoning', { method: 'POST', url: '/jobs', headers: json, payload: '{"task":"email.send","entity_id":"n","kwargs":{"__proto__":{"x":1}}}' }, 400, /body|prototype/i],
      ['body over JOBQ_BODY_LIMIT', { method: 'POST', url: '/jobs', headers: json, payload: big }, 413, /body/i],
      ['text/plain', { method: 'POST', url: '/jobs', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ task: 'email.send', entity_id: 'n' }) }, 400, /^body: must be object/],
      ['form encoded', { method: 'POST', url: '/jobs', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'task=email.send&entity_id=n' }, 415, /^content-type: application\/x-www-form-urlencoded is not supported/],
      ['xml', { method: 'POST', url: '/jobs', headers: { 'content-type': 'application/xml' }, payload: '<job/>' }, 415, /^content-type: application\/xml /],
      ['PATCH malformed JSON', { method: 'PATCH', url: '/jobs/e2/priority', headers: json, payload: '{priority: 1}' }, 400, /body|JSON/i],
      ['PATCH as text', { method: 'PATCH', url: '/jobs/e2/priority', headers: { 'content-type': 'text/plain' }, payload: '1' }, 400, /^body: must be object/],
      ['no content-type', { method: 'POST', url: '/jobs', headers: { 'content-type': '' }, payload: '{"task":"email.send","entity_id":"n"}' }, 415, /^content-type: /],
      ['PUT handler over the limit', { method: 'PUT', url: '/handlers/h', headers: json, payload: JSON.stringify({ url: `http://x.example/${'a'.repeat(BODY_LIMIT)}` }) }, 413, /body/i]
    ])
    // just under the limit is fine
    const fits = JSON.stringify({ task: 'email.send', entity_id: 'fits', args: ['x'.repeat(BODY_LIMIT - 100)] })
    assert.equal((await app.inject({ method: 'POST', url: '/jobs', headers: json, payload: fits })).statusCode, 201)
  })

  it('should refuse args, kwargs or metadata nested too deeply with 400 naming the field, not a 500', async (t) => {
    // the default body limit (1 MiB): deep enough to overflow JSON.stringify fits in it
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'email.send', 'http://127.0.0.1:9/hook')
    const json = { 'content-type': 'application/json' }
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)
    const raw = (fields: string): InjectOptions =>
      ({ method: 'POST', url: '/jobs', headers: json, payload: `{"task":"email.send","entity_id":"deep",${fields}}` })
    await assertRefused(app, redis(), [
      ['args 101 levels deep', raw(`"args":${nested(101)}`), 400, /^body\.args: nests arrays and objects more than 100 levels deep/],
      ['args 100000 levels deep', raw(`"args":${nested(100_000)}`), 400, /^body\.args: /],
      ['kwargs 101 levels deep', raw(`"kwargs":{"a":${nested(100)}}`), 400, /^body\.kwargs: /],
      ['metadata deep in objects', raw(`"metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`), 400, /^body\.metadata: /]
    ])
    const deepest = await app.inject(raw(`"args":${nested(100)},"kwargs":{"a":${nested(99)}}`))
    assert.equal(deepest.statusCode, 201, deepest.body)
    assert.equal(JSON.stringify(deepest.json().args), nested(100))
  })

  it('should refuse bad PATCH bodies and bad path ids with 400 naming the field', async (t) => {
    const app = await populatedApp(t, redis())
    const patch = (payload: unknown, id = 'e2'): InjectOptions =>
      ({ method: 'PATCH', url: `/jobs/${id}/priority`, payload: payload as Record<string, unknown> })
    await assertRefused(app, redis(), [
      ['PATCH priority 0', patch({ priority: 0 }), 400, /^body\.priority: /],
      ['PATCH priority 4', patch({ priority: 4 }), 400, /^body\.priority: /],
      ['PATCH priority "high"', patch({ priority: 'high' }), 400, /^body\.priority: /],
      ['PATCH priority "1"', patch({ priority: '1' }), 400, /^body\.priority: /],
      ['PATCH without priority', patch({}), 400, /^body\.priority: is required/],
      ['PATCH with an unknown field', patch({ priority: 1, when: 'now' }), 400, /^body\.when: unknown field/],
      ['GET a too long id', { url: `/jobs/${'x'.repeat(257)}` }, 400, /^params\.id: /],
      ['PATCH a too long id', patch({ priority: 1 }, 'x'.repeat(257)), 400, /^params\.id: /],
      ['DELETE a too long id', { method: 'DELETE', url: `/jobs/${'x'.repeat(257)}` }, 400, /^params\.id: /],
      ['retry a too long id', { method: 'POST', url: `/jobs/${'x'.repeat(300)}/retry` }, 400, /^params\.id: /],
      ['unknown job', { url: '/jobs/nobody' }, 404, /nobody/],
      ['malformed percent-encoding', { url: '/jobs/%E0%A4%A' }, 400, /is not a valid url component/],
      ['GET /queue with a bad list', { url: '/queue?list=all' }, 400, /^querystring\.list: /],
      ['GET /queue with limit over 1000', { url: '/queue?list=queued&limit=1001' }, 400, /^querystring\.limit: /]
    ])
  })

  it('should serve an entity_id of the longest allowed length on every /jobs/{id} route', async (t) => {
    const app = await populatedApp(t, redis())
    const entity = 'ü'.repeat(200) + 'x'.repeat(56)
    const id = encodeURIComponent(entity)
    const created = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: entity, priority: 3 } })
    assert.equal(created.statusCode, 201)
    const read = await app.inject({ url: `/jobs/${id}` })
    assert.equal(read.statusCode, 200, read.body)
    assert.equal(read.json().entity_id, entity)
    const patched = await app.inject({ method: 'PATCH', url: `/jobs/${id}/priority`, payload: { priority: 2 } })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.equal(patched.json().priority, 2)
    assert.equal((await app.inject({ method: 'DELETE', url: `/jobs/${id}` })).statusCode, 204)
    assert.equal((await app.inject({ url: `/jobs/${id}` })).json().status, 'cancelled')
  })

  it('should answer unknown routes and methods with 404 in the one error shape', async (t) => {
    const app = await populatedApp(t, redis())
    await assertRefused(app, redis(), [
      ['unknown route', { url: '/nope' }, 404, /GET \/nope/],
      ['unknown method', { method: 'PUT', url: '/jobs/e1' }, 404, /PUT \/jobs\/e1/]
    ])
  })
})
