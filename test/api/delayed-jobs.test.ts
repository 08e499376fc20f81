import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, registerHandler, sharedRedis } from '../helper.js'

describe('delayed jobs (delay_ms, run_at)', () => {
  const redis = sharedRedis()

  const setup = async (t: Parameters<typeof buildTestApp>[0]) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'later.task', 'http://127.0.0.1:9/hook')
    return app
  }

  it('should keep a delayed job scheduled, with next_attempt_at and no position, until it is due', async (t) => {
    const app = await setup(t)
    const before = Date.now()
    const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'd1', delay_ms: 60_000 } })
    assert.equal(res.statusCode, 201, res.body)
    const job = res.json()
    assert.equal(job.status, 'scheduled')
    assert.equal(job.position_in_queue, null)
    const due = Date.parse(job.next_attempt_at)
    assert.ok(due >= before + 60_000 && due <= Date.now() + 60_000, job.next_attempt_at)
    const overview = (await app.inject({ url: '/queue' })).json()
    assert.deepEqual([overview.queued, overview.scheduled], [0, 1])
    // A claim now takes nothing: it is not due.
    assert.equal((await app.jobQueue.claim(10, 'w', 30_000)).jobs.length, 0)
  })

  it('should take run_at as an RFC 3339 time, a past one meaning now', async (t) => {
    const app = await setup(t)
    const at = new Date(Date.now() + 3_600_000).toISOString()
    const later = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'r1', run_at: at } })
    assert.equal(later.json().status, 'scheduled')
    assert.equal(later.json().next_attempt_at, at)
    const past = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'r2', run_at: '2001-01-01T00:00:00Z' } })
    assert.equal(past.json().status, 'queued')
    assert.equal(past.json().position_in_queue, 1)
  })

  it('should refuse both at once, a delay over a year and a bad date with a 400 naming the field, writing nothing', async (t) => {
    const app = await setup(t)
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ delay_ms: 10, run_at: new Date().toISOString() }, /^body\.run_at: give either delay_ms or run_at/],
      [{ delay_ms: 366 * 86_400_000 }, /^body\.delay_ms: /],
      [{ delay_ms: -1 }, /^body\.delay_ms: /],
      [{ delay_ms: 1.5 }, /^body\.delay_ms: /],
      [{ run_at: 'tomorrow' }, /^body\.run_at: /],
      [{ run_at: new Date(Date.now() + 400 * 86_400_000).toISOString() }, /^body\.run_at: at most one year/]
    ]
    for (const [extra, message] of cases) {
      const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'bad', ...extra } })
      assert.equal(res.statusCode, 400, `${JSON.stringify(extra)}: ${res.body}`)
      assert.match(res.json().message, message)
    }
    const batch = await app.inject({ method: 'POST', url: '/jobs/batch', payload: { jobs: [{ task: 'later.task', entity_id: 'ok' }, { task: 'later.task', entity_id: 'bad', delay_ms: 5, run_at: new Date().toISOString() }] } })
    assert.equal(batch.statusCode, 400)
    assert.match(batch.json().message, /^body\.jobs\.1\.run_at: /)
    assert.equal((await app.inject({ url: '/queue' })).json().queued, 0)
  })

  it('should deduplicate a scheduled entity: exists or priority_raised, due at the earlier time', async (t) => {
    const app = await setup(t)
    const first = (await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'e', priority: 3, delay_ms: 600_000 } })).json()
    const later = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'e', priority: 3, delay_ms: 900_000 } })
    assert.deepEqual([later.statusCode, later.json().outcome, later.json().job_id, later.json().next_attempt_at], [200, 'exists', first.job_id, first.next_attempt_at])
    const sooner = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'e', priority: 2, delay_ms: 60_000 } })
    assert.equal(sooner.json().outcome, 'priority_raised')
    assert.equal(sooner.json().priority, 2)
    assert.ok(Date.parse(sooner.json().next_attempt_at) < Date.parse(first.next_attempt_at))
    // Without a delay: due now, it takes its place by priority and first-enqueue order.
    const now = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'e', priority: 2 } })
    assert.deepEqual([now.json().outcome, now.json().status, now.json().next_attempt_at, now.json().position_in_queue], ['exists', 'queued', null, 1])
  })

  it('should change, read and cancel a scheduled job as a queued one', async (t) => {
    const app = await setup(t)
    const job = (await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: 'c', priority: 3, delay_ms: 60_000 } })).json()
    const patched = await app.inject({ method: 'PATCH', url: `/jobs/${job.job_id}/priority`, payload: { priority: 1 } })
    assert.deepEqual([patched.statusCode, patched.json().priority, patched.json().status], [200, 1, 'scheduled'])
    assert.equal((await app.inject({ url: '/jobs/c' })).json().status, 'scheduled')
    assert.equal((await app.inject({ method: 'DELETE', url: '/jobs/c' })).statusCode, 204)
    assert.equal((await app.inject({ url: `/jobs/${job.job_id}` })).json().status, 'cancelled')
    assert.equal((await app.inject({ url: '/queue' })).json().scheduled, 0)
  })

  it('should make a due delayed job claimable in priority and first-enqueue order', async (t) => {
    const app = await setup(t)
    const soon = Date.now() + 150
    for (const [entity, priority] of [['x', 3], ['y', 1], ['z', 3]] as const) {
      await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'later.task', entity_id: entity, priority, run_at: new Date(soon).toISOString() } })
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
    const claimed = await app.jobQueue.claim(3, 'w', 30_000)
    assert.deepEqual(claimed.jobs.map((j) => j.entity_id), ['y', 'x', 'z'])
  })
})
