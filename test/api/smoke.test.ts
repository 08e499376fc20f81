import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, registerHandler, startRedis } from '../helper.js'

describe('POST /jobs', () => {
  it('should create a job, then answer exists for the same entity', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    await registerHandler(app, 'email.send', 'http://127.0.0.1:9/hook')
    const first = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: 'e1' } })
    assert.equal(first.statusCode, 201)
    assert.equal(first.json().outcome, 'created')
    const again = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: 'e1', priority: 3 } })
    assert.equal(again.statusCode, 200)
    assert.equal(again.json().outcome, 'exists')
    assert.equal(again.json().job_id, first.json().job_id)
  })
})
