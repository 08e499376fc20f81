import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateClientTypes } from '../src/client/generate.js'
import { createClient } from '../src/client/index.js'
import { buildApp } from '../src/api/app.js'
import { startRedis, testConfig } from './helper.js'

const root = join(import.meta.dirname, '..')

describe('generated client', () => {
  it('should have types generated from the committed OpenAPI document (run `npm run openapi`)', async () => {
    const expected = await generateClientTypes(readFileSync(join(root, 'openapi/openapi.json'), 'utf8'))
    assert.equal(readFileSync(join(root, 'src/client/schema.ts'), 'utf8'), expected)
  })

  it('should drive the whole round trip against a real server', async (t) => {
    const redis = await startRedis(t)
    const ADMIN = 'admin-key-for-the-client-test'
    const app = await buildApp(testConfig(redis.url, { JOBQ_ADMIN_KEYS: ADMIN }))
    t.after(() => app.close())
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const client = createClient({ baseUrl: address, apiKey: ADMIN })

    const handler = await client.PUT('/handlers/{name}', { params: { path: { name: 'email.send' } }, body: { url: 'http://127.0.0.1:9/hook' } })
    assert.equal(handler.response.status, 201)
    assert.match((handler.data as { secret?: string }).secret ?? '', /^whsec_/)

    const first = await client.POST('/jobs', { body: { task: 'email.send', entity_id: 'user-1', args: ['hi'], priority: 3 } })
    const second = await client.POST('/jobs', { body: { task: 'email.send', entity_id: 'user-2', priority: 3 } })
    assert.equal(first.data?.outcome, 'created')
    assert.equal(second.data?.position_in_queue, 2)

    const status = await client.GET('/jobs/{id}', { params: { path: { id: 'user-2' } } })
    assert.equal(status.data?.job_id, second.data?.job_id)

    const raised = await client.PATCH('/jobs/{id}/priority', { params: { path: { id: second.data!.job_id } }, body: { priority: 1 } })
    assert.deepEqual([raised.data?.priority, raised.data?.position_in_queue], [1, 1])

    const queue = await client.GET('/queue', { params: { query: { list: 'queued', limit: 10 } } })
    assert.deepEqual(queue.data?.jobs?.map((j) => j.entity_id), ['user-2', 'user-1'])
    assert.deepEqual(queue.data?.by_priority, { 1: 1, 2: 0, 3: 1 })

    const cancelled = await client.DELETE('/jobs/{id}', { params: { path: { id: 'user-1' } } })
    assert.equal(cancelled.response.status, 204)
    const after = await client.GET('/jobs/{id}', { params: { path: { id: 'user-1' } } })
    assert.equal(after.data?.status, 'cancelled')

    const missing = await client.GET('/jobs/{id}', { params: { path: { id: 'nobody' } } })
    assert.equal(missing.response.status, 404)
    assert.match(missing.error!.message, /nobody/)

    const noKey = createClient({ baseUrl: address })
    assert.equal((await noKey.GET('/queue')).response.status, 401)
  })
})
