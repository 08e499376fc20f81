import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateClientTypes } from '../src/client/generate.js'
import { createClient, type QueueList, type QueueSummary } from '../src/client/index.js'
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

  it('should drive a named queue through its /queues/{queue} routes, typed like the default queue\'s', async (t) => {
    const redis = await startRedis(t)
    const ADMIN = 'admin-key-for-the-client-test'
    const app = await buildApp(testConfig(redis.url, { JOBQ_ADMIN_KEYS: ADMIN }))
    t.after(() => app.close())
    const client = createClient({ baseUrl: await app.listen({ host: '127.0.0.1', port: 0 }), apiKey: ADMIN })
    const queue = 'emails'

    const absent = await client.GET('/queues/{queue}', { params: { path: { queue } } })
    assert.equal(absent.response.status, 404)
    assert.equal(absent.error?.code, 'JQ_ERR_QUEUE_NOT_FOUND')

    const handler = await client.PUT('/queues/{queue}/handlers/{name}', { params: { path: { queue, name: 'email.send' } }, body: { url: 'http://127.0.0.1:9/hook' } })
    assert.equal(handler.response.status, 201)

    const enqueued = await client.POST('/queues/{queue}/jobs', { params: { path: { queue } }, body: { task: 'email.send', entity_id: 'user-1', priority: 2 } })
    assert.deepEqual([enqueued.data?.outcome, enqueued.data?.position_in_queue], ['created', 1])
    const status = await client.GET('/queues/{queue}/jobs/{id}', { params: { path: { queue, id: 'user-1' } } })
    assert.equal(status.data?.job_id, enqueued.data?.job_id)
    // The default queue's routes do not see it.
    assert.equal((await client.GET('/jobs/{id}', { params: { path: { id: 'user-1' } } })).response.status, 404)

    const overview = await client.GET('/queues/{queue}', { params: { path: { queue }, query: { list: 'queued' } } })
    assert.deepEqual([overview.data?.queue, overview.data?.queued, overview.data?.jobs?.map((j) => j.entity_id)], [queue, 1, ['user-1']])

    const list = await client.GET('/queues')
    const lists: QueueList | undefined = list.data
    const emails: QueueSummary | undefined = lists?.queues.find((q) => q.name === queue)
    assert.deepEqual(emails, { name: queue, queued: 1, processing: 0, scheduled: 0, failed: 0, completed: 0, cancelled: 0, paused: false })

    const badName = await client.GET('/queues/{queue}', { params: { path: { queue: 'no such queue' } } })
    assert.equal(badName.response.status, 400)
  })
})
