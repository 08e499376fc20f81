import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { buildTestApp, sharedRedis, snapshotQueue, startRedis } from '../helper.js'
import { Webhook } from 'standardwebhooks'
import { queueKeys, readyKey } from '../../src/queue/keys.js'
import type { JobRecord } from '../../src/queue/job.js'
import { callbackBody, callbackHeaders, callbackOrigin } from '../../src/worker/dispatch.js'

/** A queue name no other test of the shared Redis uses; `label` says which queue of the test it is. */
const queueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`

const HOOK = 'http://127.0.0.1:9/hook'

async function putHandler (app: FastifyInstance, queue: string, name: string, url = HOOK): Promise<string> {
  const res = await app.inject({ method: 'PUT', url: `/queues/${queue}/handlers/${name}`, payload: { url } })
  assert.equal(res.statusCode, 201, `PUT /queues/${queue}/handlers/${name}: ${res.body}`)
  return res.json().secret
}

async function enqueueIn (app: FastifyInstance, queue: string, entity: string, priority = 1, task = 'task') {
  const res = await app.inject({ method: 'POST', url: `/queues/${queue}/jobs`, payload: { task, entity_id: entity, priority } })
  assert.ok(res.statusCode === 201 || res.statusCode === 200, `POST /queues/${queue}/jobs: ${res.statusCode} ${res.body}`)
  return res.json()
}

const jobUrl = (queue: string, ident: string, tail = '') => `/queues/${queue}/jobs/${encodeURIComponent(ident)}${tail}`

async function getIn (app: FastifyInstance, queue: string, ident: string) {
  const res = await app.inject({ url: jobUrl(queue, ident) })
  assert.equal(res.statusCode, 200, `GET ${jobUrl(queue, ident)}: ${res.body}`)
  return res.json()
}

/** Claims the next job of the queue as a worker would; it must be `jobId`. Returns its lease. */
async function claimIn (app: FastifyInstance, queue: string, jobId: string): Promise<string> {
  const { jobs } = await app.queues.get(queue).jobs.claim(1, 'test-worker', 30_000)
  assert.equal(jobs[0]?.job_id, jobId)
  return jobs[0].lease as string
}

/** Every key of the Redis with its DUMP, and the queue registry: equal snapshots mean nothing was written. */
async function snapshotAll (client: Redis): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {}
  for (const key of (await client.keys('*')).sort()) snapshot[key] = (await client.dumpBuffer(key))?.toString('hex') ?? ''
  return snapshot
}

/** GET /queue's body without the figures that tick between two requests: the API's uptime, the oldest job's age. */
function withoutClocks (body: Record<string, unknown>): Record<string, unknown> {
  const { uptime_seconds: uptime, oldest_queued_age_ms: age, ...rest } = body
  assert.ok(Number.isInteger(uptime), `uptime_seconds ${String(uptime)}`)
  assert.ok(age === null || Number.isInteger(age), `oldest_queued_age_ms ${String(age)}`)
  return { ...rest, oldest_queued: age === null ? 'none' : 'some' }
}

describe('named queues: the routes under /queues/{queue}', () => {
  const redis = sharedRedis()

  it('should keep the jobs of one entity in two queues apart: enqueue, read, change, cancel and retry each on its own', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const a = queueName('a')
    const b = queueName('b')
    const secretA = await putHandler(app, a, 'task')
    const secretB = await putHandler(app, b, 'task')
    assert.notEqual(secretA, secretB, 'each queue\'s handler has its own secret')
    // The handlers are the queue's own: the other queues (and the default one) do not have them.
    assert.deepEqual((await app.inject({ url: `/queues/${a}/handlers` })).json().handlers.map((h: { name: string }) => h.name), ['task'])
    assert.deepEqual((await app.inject({ url: '/handlers' })).json().handlers, [])
    assert.equal((await app.inject({ url: '/handlers/task' })).statusCode, 404)

    const inA = await enqueueIn(app, a, 'e1', 2)
    const inB = await enqueueIn(app, b, 'e1', 1)
    assert.equal(inA.outcome, 'created')
    assert.equal(inB.outcome, 'created', 'an entity waiting in queue a is not waiting in queue b')
    assert.equal(inB.position_in_queue, 1)
    const again = await enqueueIn(app, a, 'e1', 2)
    assert.deepEqual([again.outcome, again.job_id], ['exists', inA.job_id])
    assert.equal((await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: 'e1' } })).statusCode, 422,
      'the default queue has no handler named task')

    assert.deepEqual([(await getIn(app, a, 'e1')).job_id, (await getIn(app, a, 'e1')).priority], [inA.job_id, 2])
    assert.deepEqual([(await getIn(app, b, 'e1')).job_id, (await getIn(app, b, 'e1')).priority], [inB.job_id, 1])
    assert.equal((await getIn(app, b, inB.job_id)).entity_id, 'e1')

    // PATCH in a leaves b's job as it was.
    const patched = await app.inject({ method: 'PATCH', url: jobUrl(a, 'e1', '/priority'), payload: { priority: 3 } })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.deepEqual([patched.json().job_id, patched.json().priority], [inA.job_id, 3])
    assert.equal((await getIn(app, b, 'e1')).priority, 1)

    // DELETE in a cancels a's job only.
    const cancelled = await app.inject({ method: 'DELETE', url: jobUrl(a, 'e1') })
    assert.equal(cancelled.statusCode, 204, cancelled.body)
    assert.equal((await getIn(app, a, inA.job_id)).status, 'cancelled')
    assert.equal((await getIn(app, b, 'e1')).status, 'queued')
    // The entity is free in a again, and still busy in b.
    assert.equal((await enqueueIn(app, a, 'e1')).outcome, 'created')
    assert.equal((await enqueueIn(app, b, 'e1')).outcome, 'exists')
    assert.equal((await app.inject({ method: 'DELETE', url: jobUrl(a, 'e1') })).statusCode, 204)

    // A job of a fails for good; it is retried through a, not through b.
    const f = await enqueueIn(app, a, 'f')
    assert.equal(await app.queues.get(a).jobs.fail(f.job_id, await claimIn(app, a, f.job_id), 'handler said 400', null), 'failed')
    // b holds one job (its first key); a's third job has a key b never gave out, so no job of b has its id.
    assert.equal((await app.inject({ method: 'POST', url: jobUrl(b, f.job_id, '/retry') })).statusCode, 404)
    const retried = await app.inject({ method: 'POST', url: jobUrl(a, f.job_id, '/retry') })
    assert.equal(retried.statusCode, 200, retried.body)
    assert.deepEqual([retried.json().job_id, retried.json().status], [f.job_id, 'queued'])

    // A job id of queue a is unknown in queue b and in the default queue, on every route; nothing changes in b.
    const before = await snapshotQueue(redis().client, b)
    for (const [method, url, payload] of [
      ['GET', jobUrl(b, f.job_id), undefined],
      ['PATCH', jobUrl(b, f.job_id, '/priority'), { priority: 2 }],
      ['DELETE', jobUrl(b, f.job_id), undefined],
      ['POST', jobUrl(b, f.job_id, '/retry'), undefined],
      ['GET', `/jobs/${f.job_id}`, undefined],
      ['GET', jobUrl(b, 'f'), undefined]
    ] as const) {
      const res = await app.inject({ method, url, payload })
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`)
      assert.equal(res.json().code, 'JQ_ERR_JOB_NOT_FOUND', `${method} ${url}: ${res.body}`)
    }
    assert.deepEqual(await snapshotQueue(redis().client, b), before)

    const overviewA = (await app.inject({ url: `/queues/${a}` })).json()
    const overviewB = (await app.inject({ url: `/queues/${b}` })).json()
    assert.deepEqual([overviewA.queued, overviewA.cancelled, overviewA.failed], [1, 2, 0])
    assert.deepEqual([overviewB.queued, overviewB.cancelled, overviewB.failed], [1, 0, 0])
  })

  // A job_id is its enqueue millisecond and its queue's sequence number: unique within a queue only.
  // The callback's webhook-id, by which Standard Webhooks receivers drop duplicates, must be unique
  // across queues: it is `<queue>:<job_id>` for every queue but the worker's JOBQ_QUEUE.
  it('should give the callbacks of two queues different webhook-ids even where their job ids are equal', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const job = (entity: string) => ({ task: 'task', entity_id: entity, priority: 2 as const, args: '[]', kwargs: '{}', metadata: '{}' })
    const a = queueName('a')
    const b = queueName('b')
    await putHandler(app, a, 'task')
    await putHandler(app, b, 'task')
    const [[inA], [inB]] = await Promise.all([app.queues.get(a).jobs.enqueueMany([job('x')]), app.queues.get(b).jobs.enqueueMany([job('y')])])
    const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64')
    const headersOf = (record: JobRecord, queue: string) => {
      const body = callbackBody(record, 'token')
      return { body, headers: callbackHeaders(record, [secret], body, 'jobq-test', Date.now(), callbackOrigin(queue, a)) }
    }
    const fromA = headersOf(inA.job!, a)
    const fromB = headersOf({ ...inB.job!, job_id: inA.job!.job_id }, b)
    assert.equal(fromA.headers['webhook-id'], inA.job!.job_id, 'the default queue keeps plain job ids')
    assert.equal(fromB.headers['webhook-id'], `${b}:${inA.job!.job_id}`)
    assert.equal(fromB.headers['jobq-queue'], b)
    // The signature covers the id the receiver sees.
    for (const { body, headers } of [fromA, fromB]) assert.doesNotThrow(() => new Webhook(secret).verify(body, headers))
  })

  it('should answer GET /queues/{queue} as GET /queue does for the default queue, and 404 for a queue that does not exist', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const name = app.defaultQueue.name
    const put = await app.inject({ method: 'PUT', url: '/handlers/task', payload: { url: HOOK } })
    assert.equal(put.statusCode, 201)
    for (const [i, entity] of ['d1', 'd2', 'd3'].entries()) {
      assert.equal((await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'task', entity_id: entity, priority: 1 + i } })).statusCode, 201)
    }
    for (const query of ['', '?list=queued&limit=2', '?list=processing']) {
      const top = await app.inject({ url: `/queue${query}` })
      const named = await app.inject({ url: `/queues/${name}${query}` })
      assert.equal(top.statusCode, 200, top.body)
      assert.equal(named.statusCode, 200, named.body)
      assert.deepEqual(withoutClocks(named.json()), withoutClocks(top.json()), query)
      assert.equal(named.json().queue, name)
    }
    const page = (await app.inject({ url: `/queues/${name}?list=queued&limit=2` })).json()
    assert.deepEqual(page.jobs.map((j: { entity_id: string }) => j.entity_id), ['d1', 'd2'])
    assert.equal(typeof page.next_cursor, 'string')

    // A named queue answers in the same shape, with its own name and counts.
    const a = queueName('a')
    await putHandler(app, a, 'task')
    await enqueueIn(app, a, 'x1', 3)
    await enqueueIn(app, a, 'x2', 3)
    const res = await app.inject({ url: `/queues/${a}` })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    const shape = Object.keys((await app.inject({ url: '/queue' })).json()).sort()
    assert.deepEqual(Object.keys(body).sort(), shape)
    assert.equal(body.queue, a)
    assert.deepEqual([body.queued, body.by_priority], [2, { 1: 0, 2: 0, 3: 2 }])
    assert.ok(body.oldest_queued_age_ms >= 0)
    const listed = (await app.inject({ url: `/queues/${a}?list=queued` })).json()
    assert.deepEqual(listed.jobs.map((j: { entity_id: string }) => j.entity_id), ['x1', 'x2'])
    assert.equal(listed.next_cursor, null)
    assert.equal((await app.inject({ url: '/queue' })).json().queued, 3, 'the default queue is not a')

    for (const url of ['/queues/unknown', '/queues/unknown?list=queued', `/queues/${queueName('never')}`]) {
      const missing = await app.inject({ url })
      assert.equal(missing.statusCode, 404, `${url}: ${missing.body}`)
      assert.equal(missing.json().code, 'JQ_ERR_QUEUE_NOT_FOUND')
      assert.match(missing.json().message, /no queue named/)
    }
    assert.match((await app.inject({ url: '/queues/unknown' })).json().message, /\bunknown\b/)
  })

  it('should refuse a job for a queue with no such handler (422), writing nothing for that queue', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const before = await snapshotAll(redis().client)
    const unknown = queueName('unknown')
    for (const queue of ['unknown', unknown]) {
      const res = await app.inject({ method: 'POST', url: `/queues/${queue}/jobs`, payload: { task: 'task', entity_id: 'e' } })
      assert.equal(res.statusCode, 422, res.body)
      assert.equal(res.json().code, 'JQ_ERR_NO_HANDLER')
      const batch = await app.inject({ method: 'POST', url: `/queues/${queue}/jobs/batch`, payload: { jobs: [{ task: 'task', entity_id: 'e' }] } })
      assert.equal(batch.statusCode, 200, batch.body)
      assert.deepEqual(batch.json().results.map((r: { outcome: string }) => r.outcome), ['no_handler'])
      assert.equal((await app.inject({ url: `/queues/${queue}/jobs/e` })).statusCode, 404)
    }
    assert.deepEqual(await snapshotAll(redis().client), before, 'a refused job wrote something')
    assert.deepEqual(await redis().client.keys(`jobq:{${unknown}}:*`), [])
    assert.equal(await redis().client.sismember('jobq:queues', unknown), 0)

    // A queue whose handler is for another task refuses the job too.
    const a = queueName('a')
    await putHandler(app, a, 'other')
    const res = await app.inject({ method: 'POST', url: `/queues/${a}/jobs`, payload: { task: 'task', entity_id: 'e' } })
    assert.equal(res.statusCode, 422, res.body)
    assert.equal(res.json().code, 'JQ_ERR_NO_HANDLER')
  })

  it('should refuse a bad queue name on every route with a 400 naming params.queue, writing nothing', async (t) => {
    const app = await buildTestApp(t, redis().url)
    // Valid elsewhere, so the only thing wrong with each request is the queue's name.
    const a = queueName('a')
    await putHandler(app, a, 'task')
    const job = await enqueueIn(app, a, 'e1')
    const before = await snapshotAll(redis().client)
    const bad = ['x'.repeat(65), 'a b', 'a{b', 'a}b', '{a}', 'é', 'a*b', 'a:b', 'a/b', 'a?b', 'a%b', 'a\tb']
    let requests = 0
    for (const name of bad) {
      const q = `/queues/${encodeURIComponent(name)}`
      const routes: Array<[string, string, unknown?]> = [
        ['POST', `${q}/jobs`, { task: 'task', entity_id: 'e1' }],
        ['POST', `${q}/jobs/batch`, { jobs: [{ task: 'task', entity_id: 'e1' }] }],
        ['GET', `${q}/jobs/${job.job_id}`],
        ['PATCH', `${q}/jobs/e1/priority`, { priority: 3 }],
        ['DELETE', `${q}/jobs/e1`],
        ['POST', `${q}/jobs/e1/retry`],
        ['GET', q],
        ['GET', `${q}?list=queued`],
        ['PUT', `${q}/handlers/task`, { url: HOOK }],
        ['GET', `${q}/handlers/task`],
        ['GET', `${q}/handlers`],
        ['DELETE', `${q}/handlers/task`],
        ['POST', `${q}/handlers/task/rotate-secret`, {}]
      ]
      for (const [method, url, payload] of routes) {
        const res = await app.inject({ method: method as 'GET', url, payload: payload as Record<string, unknown> | undefined })
        assert.equal(res.statusCode, 400, `${method} ${url} (${JSON.stringify(name)}): ${res.body}`)
        assert.match(res.json().message, /^params\.queue: /, `${method} ${url}: ${res.body}`)
        requests++
      }
    }
    assert.equal(requests, bad.length * 13)
    assert.deepEqual(await snapshotAll(redis().client), before, 'a request with a bad queue name wrote something')
    // Nothing of the valid queue was touched: its job is still queued at its priority.
    const still = await getIn(app, a, 'e1')
    assert.deepEqual([still.status, still.priority], ['queued', 1])

    // The longest name (64) and every allowed character pass.
    for (const name of ['Q'.repeat(64), `A-z_0.9-${randomUUID().slice(0, 6)}`]) {
      await putHandler(app, name, 'task')
      assert.equal((await enqueueIn(app, name, 'e1')).outcome, 'created')
      assert.equal((await app.inject({ url: `/queues/${name}` })).json().queue, name)
    }
  })

  it('should serve the default queue at the top-level routes exactly as under /queues/<default>', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const d = app.defaultQueue.name
    // A handler put at the top level is the default queue's, and the other way round.
    assert.equal((await app.inject({ method: 'PUT', url: '/handlers/top', payload: { url: HOOK } })).statusCode, 201)
    await putHandler(app, d, 'named')
    for (const name of ['top', 'named']) {
      const viaTop = await app.inject({ url: `/handlers/${name}` })
      const viaNamed = await app.inject({ url: `/queues/${d}/handlers/${name}` })
      assert.equal(viaTop.statusCode, 200, viaTop.body)
      assert.deepEqual(viaNamed.json(), viaTop.json())
    }
    assert.deepEqual((await app.inject({ url: `/queues/${d}/handlers` })).json(), (await app.inject({ url: '/handlers' })).json())
    assert.equal((await app.inject({ url: '/handlers' })).json().handlers.length, 2)

    // Jobs enqueued either way are the same queue's.
    const top = (await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'top', entity_id: 't1', priority: 2 } })).json()
    const named = await enqueueIn(app, d, 'n1', 2, 'named')
    const batch = await app.inject({ method: 'POST', url: `/queues/${d}/jobs/batch`, payload: { jobs: [{ task: 'top', entity_id: 'b1' }, { task: 'top', entity_id: 't1', priority: 2 }] } })
    assert.deepEqual(batch.json().results.map((r: { outcome: string }) => r.outcome), ['created', 'exists'])
    assert.equal(batch.json().results[1].job_id, top.job_id)
    for (const ident of [top.job_id, named.job_id, 't1', 'n1', 'b1']) {
      const viaTop = await app.inject({ url: `/jobs/${ident}` })
      const viaNamed = await app.inject({ url: jobUrl(d, ident) })
      assert.equal(viaTop.statusCode, 200, viaTop.body)
      assert.deepEqual(viaNamed.json(), viaTop.json())
    }
    // Changed through one, seen through the other.
    assert.equal((await app.inject({ method: 'PATCH', url: '/jobs/n1/priority', payload: { priority: 1 } })).statusCode, 200)
    assert.equal((await getIn(app, d, 'n1')).priority, 1)
    assert.equal((await app.inject({ method: 'DELETE', url: jobUrl(d, 't1') })).statusCode, 204)
    assert.equal((await app.inject({ url: '/jobs/t1' })).json().status, 'cancelled')
    assert.equal(await app.queues.get(d).jobs.fail(named.job_id, await claimIn(app, d, named.job_id), 'no', null), 'failed')
    const retried = await app.inject({ method: 'POST', url: `/jobs/${named.job_id}/retry` })
    assert.equal(retried.statusCode, 200, retried.body)
    assert.deepEqual(retried.json(), await getIn(app, d, named.job_id))
    assert.deepEqual(withoutClocks((await app.inject({ url: `/queues/${d}` })).json()), withoutClocks((await app.inject({ url: '/queue' })).json()))
    const overview = (await app.inject({ url: '/queue' })).json()
    assert.deepEqual([overview.queue, overview.queued, overview.cancelled], [d, 2, 1])

    assert.equal((await app.inject({ method: 'DELETE', url: `/queues/${d}/handlers/top` })).statusCode, 204)
    assert.equal((await app.inject({ url: '/handlers/top' })).statusCode, 404)
    assert.equal((await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'top', entity_id: 't2' } })).statusCode, 422)
  })

  it('should describe every named-queue route in the OpenAPI document, each with an operationId of its own', async (t) => {
    const app = await buildTestApp(t, redis().url)
    type Operation = { operationId?: string, parameters?: Array<Record<string, any>>, responses: Record<string, unknown> }
    const doc: { paths: Record<string, Record<string, Operation>> } = JSON.parse(JSON.stringify(app.swagger()))
    const served = await app.inject({ url: '/docs/json' })
    assert.equal(served.statusCode, 200)
    assert.deepEqual(served.json().paths, doc.paths)

    const named: Record<string, string[]> = {
      '/queues/{queue}/jobs': ['post'],
      '/queues/{queue}/jobs/batch': ['post'],
      '/queues/{queue}/jobs/{id}': ['delete', 'get'],
      '/queues/{queue}/jobs/{id}/priority': ['patch'],
      '/queues/{queue}/jobs/{id}/retry': ['post'],
      '/queues/{queue}': ['get'],
      '/queues/{queue}/handlers': ['get'],
      '/queues/{queue}/handlers/{name}': ['delete', 'get', 'put'],
      '/queues/{queue}/handlers/{name}/rotate-secret': ['post']
    }
    assert.deepEqual(Object.keys(doc.paths['/queues'] ?? {}).sort(), ['get'])
    for (const [path, methods] of Object.entries(named)) {
      assert.ok(doc.paths[path], `missing path ${path}`)
      assert.deepEqual(Object.keys(doc.paths[path]).sort(), methods, path)
      // Each is the twin of a top-level route, with the same methods.
      const twin = path === '/queues/{queue}' ? '/queue' : path.replace('/queues/{queue}', '')
      assert.deepEqual(Object.keys(doc.paths[twin] ?? {}).sort(), methods, `${twin}, the twin of ${path}`)
      for (const method of methods) {
        const op = doc.paths[path][method]
        assert.ok(op.operationId, `${method} ${path} has no operationId`)
        assert.notEqual(op.operationId, doc.paths[twin][method].operationId, `${method} ${path} reuses its twin's operationId`)
        const param = op.parameters?.find((p) => p.name === 'queue')
        assert.ok(param, `${method} ${path} documents no queue parameter`)
        assert.deepEqual([param.in, param.required, param.schema.pattern], ['path', true, '^[A-Za-z0-9_.-]{1,64}$'], `${method} ${path}`)
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} documents no response`)
      }
    }
    assert.ok(doc.paths['/queues/{queue}'].get.responses['404'], 'GET /queues/{queue} documents its 404')
    const ids: string[] = []
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.operationId, `${method} ${path} has no operationId`)
        ids.push(op.operationId)
      }
    }
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i)
    assert.deepEqual(repeated, [], 'operationIds must be unique')
    assert.ok(ids.length >= 2 * Object.values(named).flat().length + 1)
  })
})

describe('named queues: the registry and the keys', () => {
  // A Redis of this block's own per test: the list of queues and the keys are checked whole.
  it('should list every queue with its counts (GET /queues), the default queue of each API that started included', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const d = app.defaultQueue.name
    assert.deepEqual((await app.inject({ url: '/queues' })).json(), {
      queues: [{ name: d, queued: 0, processing: 0, scheduled: 0, failed: 0, completed: 0, cancelled: 0, paused: false }]
    }, 'an API lists its default queue from its start, before any handler')

    const a = queueName('a')
    const b = queueName('b')
    await putHandler(app, a, 'task')
    await putHandler(app, b, 'task')
    const jobs = []
    for (let i = 1; i <= 8; i++) jobs.push(await enqueueIn(app, a, `j${i}`))
    const queueA = app.queues.get(a).jobs
    // j1 completed, j2 failed, j3 scheduled for a retry, j4 processing, j5 cancelled, j6-j8 queued.
    await queueA.complete(jobs[0].job_id, await claimIn(app, a, jobs[0].job_id), null)
    assert.equal(await queueA.fail(jobs[1].job_id, await claimIn(app, a, jobs[1].job_id), 'gone', null), 'failed')
    assert.equal(await queueA.fail(jobs[2].job_id, await claimIn(app, a, jobs[2].job_id), 'later', Date.now() + 600_000), 'scheduled')
    await claimIn(app, a, jobs[3].job_id)
    assert.equal((await app.inject({ method: 'DELETE', url: jobUrl(a, 'j5') })).statusCode, 204)
    await enqueueIn(app, b, 'j1')

    // Another API with another default queue, on the same Redis: its queue is listed once it started.
    const other = await buildTestApp(t, redis.url)
    const o = other.defaultQueue.name
    const zero = { queued: 0, processing: 0, scheduled: 0, failed: 0, completed: 0, cancelled: 0, paused: false }
    const expected = [
      { name: d, ...zero },
      { name: a, queued: 3, processing: 1, scheduled: 1, failed: 1, completed: 1, cancelled: 1, paused: false },
      { name: b, ...zero, queued: 1 },
      { name: o, ...zero }
    ].sort((x, y) => x.name < y.name ? -1 : 1)
    for (const api of [app, other]) {
      const res = await api.inject({ url: '/queues' })
      assert.equal(res.statusCode, 200, res.body)
      assert.deepEqual(res.json(), { queues: expected })
    }
    // The same counts as each queue's own overview.
    for (const entry of expected) {
      const overview = (await app.inject({ url: `/queues/${entry.name}` })).json()
      for (const field of ['queued', 'processing', 'scheduled', 'failed', 'completed', 'cancelled'] as const) {
        assert.equal(overview[field], entry[field], `${entry.name} ${field}`)
      }
    }
    assert.deepEqual((await redis.client.smembers('jobq:queues')).sort(), expected.map((e) => e.name).sort())
  })

  it('should keep each queue\'s keys under its own hash tag, one cluster slot per queue', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const d = app.defaultQueue.name
    const a = queueName('a')
    const b = queueName('b')
    for (const queue of [a, b, d]) await putHandler(app, queue, 'task')
    for (const queue of [a, b, d]) {
      const batch = await app.inject({ method: 'POST', url: `/queues/${queue}/jobs/batch`, payload: { jobs: [1, 2, 3].map((i) => ({ task: 'task', entity_id: `e${i}` })) } })
      assert.equal(batch.statusCode, 200, batch.body)
    }
    // Every state a job can be in, in a.
    const jobsA = app.queues.get(a).jobs
    const [j1, j2, j3] = await Promise.all(['e1', 'e2', 'e3'].map(async (e) => (await getIn(app, a, e)).job_id as string))
    await jobsA.complete(j1, await claimIn(app, a, j1), '{"ok":true}')
    assert.equal(await jobsA.fail(j2, await claimIn(app, a, j2), 'x', Date.now() + 60_000), 'scheduled')
    await claimIn(app, a, j3)
    await enqueueIn(app, a, 'e4')
    assert.equal((await app.inject({ method: 'DELETE', url: jobUrl(a, 'e4') })).statusCode, 204)
    await enqueueIn(app, a, 'e5')
    await app.inject({ method: 'POST', url: `/queues/${a}/handlers/task/rotate-secret`, payload: {} })

    const keys = (await redis.client.keys('*')).sort()
    const outside = keys.filter((key) => key !== 'jobq:queues' && !/^jobq:\{[^}]+\}:/.test(key))
    assert.deepEqual(outside, [], `keys outside any queue's hash tag: ${outside.join(', ')}`)
    assert.ok(keys.includes('jobq:queues'))
    const tagged = (queue: string) => keys.filter((key) => key.startsWith(`jobq:{${queue}}:`))
    const keysA = queueKeys(a)
    for (const key of [readyKey(keysA, 'task'), keysA.processing, keysA.scheduled, keysA.completed, keysA.cancelled, keysA.jobs, keysA.entities, keysA.seq, keysA.handlers]) {
      assert.ok(tagged(a).includes(key), `${key} not among ${tagged(a).join(', ')}`)
    }
    // a's jobs are in a's hash, and nowhere else.
    assert.equal(await redis.client.hlen(keysA.jobs), 5)
    assert.equal(await redis.client.hlen(queueKeys(b).jobs), 3)
    assert.equal(await redis.client.zcard(readyKey(queueKeys(b), 'task')), 3)
    assert.equal(await redis.client.zcard(readyKey(keysA, 'task')), 1)
    // Every key belongs to one of the three queues.
    assert.equal(tagged(a).length + tagged(b).length + tagged(d).length + 1, keys.length, keys.join('\n'))
  })
})
