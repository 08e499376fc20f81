import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, registerHandler, sharedRedis, startRedis, suiteContext } from '../helper.js'

const body = (overrides: Record<string, unknown> = {}) => ({
  cron: '30 2 * * *',
  timezone: 'Europe/Berlin',
  job: { task: 'report', entity_id: 'nightly', args: [1, []], kwargs: { a: {} }, metadata: { by: 'cron' } },
  ...overrides
})

async function put (app: FastifyInstance, name: string, payload: unknown, url = `/schedules/${name}`) {
  return await app.inject({ method: 'PUT', url, payload: payload as Record<string, unknown> })
}

describe('/schedules', () => {
  const redis = sharedRedis()

  it('should create, replace, read and list a schedule, with its next run', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'report', 'http://127.0.0.1:9/hook')
    const created = await put(app, 'nightly', body())
    assert.equal(created.statusCode, 201, created.body)
    const view = created.json()
    assert.deepEqual({ ...view, next_run_at: undefined, created_at: undefined, updated_at: undefined }, {
      name: 'nightly',
      cron: '30 2 * * *',
      timezone: 'Europe/Berlin',
      job: { task: 'report', entity_id: 'nightly', args: [1, []], kwargs: { a: {} }, priority: 1, metadata: { by: 'cron' } },
      catch_up: 'last',
      paused: false,
      next_run_at: undefined,
      last_run_at: null,
      last_job_id: null,
      last_outcome: null,
      created_at: undefined,
      updated_at: undefined
    })
    const next = Date.parse(view.next_run_at)
    assert.ok(next > Date.now() && next <= Date.now() + 25 * 3_600_000, view.next_run_at)
    // 02:30 in Berlin is 00:30 or 01:30 UTC.
    assert.match(view.next_run_at, /T0[01]:30:00\.000Z$/)

    const replaced = await put(app, 'nightly', body({ cron: '*/5 * * * * *', timezone: 'UTC', catch_up: 'none' }))
    assert.deepEqual([replaced.statusCode, replaced.json().cron, replaced.json().catch_up, replaced.json().created_at],
      [200, '*/5 * * * * *', 'none', view.created_at])
    await put(app, 'another', body({ paused: true }))

    const one = await app.inject({ url: '/schedules/nightly' })
    assert.deepEqual(one.json(), replaced.json())
    const list = await app.inject({ url: '/schedules' })
    assert.deepEqual(list.json().schedules.map((s: { name: string, paused: boolean, next_run_at: string | null }) =>
      [s.name, s.paused, s.next_run_at === null]), [['another', true, true], ['nightly', false, false]])
    assert.equal((await app.inject({ url: '/schedules/missing' })).statusCode, 404)
  })

  it('should answer 400 naming the field for a bad expression, timezone or job, and 422 without a handler', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'report', 'http://127.0.0.1:9/hook')
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [body({ cron: '61 * * * *' }), /^body\.cron: .*minute/],
      [body({ cron: '* * *' }), /^body\.cron: expected 5 fields/],
      [body({ cron: '* * * * * * *' }), /^body\.cron: expected 5 fields/],
      [body({ cron: '2030-01-01T00:00:00' }), /^body\.cron: /],
      [body({ cron: '0 0 30 2 *' }), /^body\.cron: .*never run/],
      [body({ cron: '' }), /cron/],
      [body({ timezone: 'Mars/Olympus_Mons' }), /^body\.timezone: "Mars\/Olympus_Mons" is not an IANA timezone/],
      [body({ timezone: '+01:00' }), /^body\.timezone: /],
      [body({ catch_up: 'all' }), /catch_up/],
      [body({ job: { task: 'report' } }), /entity_id/],
      [body({ job: { task: 'report', entity_id: 'e', delay_ms: 5 } }), /delay_ms/],
      [body({ extra: 1 }), /extra/]
    ]
    for (const [payload, message] of cases) {
      const res = await put(app, 'bad', payload)
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`)
      assert.match(res.json().message, message)
    }
    const noHandler = await put(app, 'bad', body({ job: { task: 'nobody', entity_id: 'e' } }))
    assert.deepEqual([noHandler.statusCode, noHandler.json().code], [422, 'JQ_ERR_NO_HANDLER'])
    assert.match(noHandler.json().message, /^body\.job\.task: no handler named nobody/)
    assert.equal((await put(app, 'bad name!', body())).statusCode, 400)
    assert.equal((await app.inject({ url: '/schedules' })).json().schedules.length, 0)
  })

  it('should pause, resume, trigger and delete, and show the tick on the triggered job', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'report', 'http://127.0.0.1:9/hook')
    await put(app, 'nightly', body())
    const paused = await app.inject({ method: 'POST', url: '/schedules/nightly/pause' })
    assert.deepEqual([paused.statusCode, paused.json().paused, paused.json().next_run_at], [200, true, null])

    const before = Date.now()
    const triggered = await app.inject({ method: 'POST', url: '/schedules/nightly/trigger' })
    assert.equal(triggered.statusCode, 201, triggered.body)
    const { outcome, job, schedule } = triggered.json()
    assert.deepEqual([outcome, job.status, job.entity_id, job.args, job.schedule.name, schedule.paused, schedule.last_job_id],
      ['created', 'queued', 'nightly', [1, []], 'nightly', true, job.job_id])
    const tick = Date.parse(job.schedule.tick)
    assert.ok(tick >= before && tick <= Date.now(), job.schedule.tick)
    assert.deepEqual((await app.inject({ url: `/jobs/${job.job_id}` })).json().schedule, job.schedule)

    const again = await app.inject({ method: 'POST', url: '/schedules/nightly/trigger' })
    assert.deepEqual([again.statusCode, again.json().outcome, again.json().job.job_id], [200, 'exists', job.job_id])

    const resumed = await app.inject({ method: 'POST', url: '/schedules/nightly/resume' })
    assert.deepEqual([resumed.statusCode, resumed.json().paused, resumed.json().next_run_at !== null], [200, false, true])
    assert.equal((await app.inject({ method: 'DELETE', url: '/schedules/nightly' })).statusCode, 204)
    for (const [method, url] of [['DELETE', '/schedules/nightly'], ['POST', '/schedules/nightly/pause'], ['POST', '/schedules/nightly/resume'],
      ['POST', '/schedules/nightly/trigger']] as const) {
      assert.equal((await app.inject({ method, url })).statusCode, 404, `${method} ${url}`)
    }
    assert.equal((await app.inject({ url: `/jobs/${job.job_id}` })).json().status, 'queued', 'the jobs it enqueued stay')
  })

  it('should serve the same routes for a named queue', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await app.inject({ method: 'PUT', url: '/queues/reports/handlers/report', payload: { url: 'http://127.0.0.1:9/hook' } })
    const created = await put(app, 'nightly', body(), '/queues/reports/schedules/nightly')
    assert.equal(created.statusCode, 201, created.body)
    assert.equal((await app.inject({ url: '/queues/reports/schedules' })).json().schedules.length, 1)
    assert.equal((await app.inject({ url: '/schedules' })).json().schedules.length, 0, 'not in the default queue')
  })
})

describe('/schedules with keys', () => {
  const suite = suiteContext()
  const CLIENT = 'client-key-0123456789abcdef'
  const ADMIN = 'admin-key-0123456789abcdef'
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
  let app: FastifyInstance
  before(async () => {
    const redis = await startRedis(suite)
    app = await buildTestApp(suite, redis.url, { JOBQ_API_KEYS: CLIENT, JOBQ_ADMIN_KEYS: ADMIN })
  })

  it('should let a client key read schedules, and only an admin key change them', async () => {
    const handler = await app.inject({ method: 'PUT', url: '/handlers/report', headers: bearer(ADMIN), payload: { url: 'http://127.0.0.1:9/' } })
    assert.equal(handler.statusCode, 201)
    assert.equal((await app.inject({ method: 'PUT', url: '/schedules/s', payload: body() })).statusCode, 401)
    const refused = await app.inject({ method: 'PUT', url: '/schedules/s', headers: bearer(CLIENT), payload: body() })
    assert.deepEqual([refused.statusCode, refused.json().message], [403, 'authorization: changing schedules needs an admin key'])
    assert.equal((await app.inject({ method: 'PUT', url: '/schedules/s', headers: bearer(ADMIN), payload: body() })).statusCode, 201)
    for (const url of ['/schedules', '/schedules/s', '/queues/other/schedules']) {
      assert.equal((await app.inject({ url, headers: bearer(CLIENT) })).statusCode, 200, url)
      assert.equal((await app.inject({ url })).statusCode, 401, url)
    }
    for (const verb of ['pause', 'resume', 'trigger']) {
      assert.equal((await app.inject({ method: 'POST', url: `/schedules/s/${verb}`, headers: bearer(CLIENT) })).statusCode, 403, verb)
    }
    assert.equal((await app.inject({ method: 'DELETE', url: '/schedules/s', headers: bearer(CLIENT) })).statusCode, 403)
    assert.equal((await app.inject({ method: 'DELETE', url: '/schedules/s', headers: bearer(ADMIN) })).statusCode, 204)
  })
})
