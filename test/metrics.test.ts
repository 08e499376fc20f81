import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, freePort, registerHandler, startRedis } from './helper.js'
import { enqueue, ok, startHookServer, startWorker, waitForStatus } from './worker/worker-helper.js'

/** Parses Prometheus text format into `name{labels}` -> value, checking every line on the way. */
function parseMetrics (text: string): Map<string, number> {
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line)
    assert.ok(match, `not a Prometheus sample line: ${line}`)
    // Every sample carries the queue label; drop it so the names below stay short.
    const name = match[1].replace(/queue="[^"]*",?/, '').replace(',}', '}').replace('{}', '')
    samples.set(name, Number(match[2]))
  }
  return samples
}

describe('GET /metrics', () => {
  it('should report queue depth by priority, states, the oldest job and enqueue outcomes', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    await registerHandler(app, 'h', 'http://127.0.0.1:9/')
    for (const [entity, priority] of [['a', 1], ['b', 3], ['c', 3], ['a', 1]] as const) {
      await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'h', entity_id: entity, priority } })
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
    const res = await app.inject({ method: 'GET', url: '/metrics' })
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/plain/)
    const m = parseMetrics(res.body)
    assert.equal(m.get('jobq_queued_jobs{priority="1"}'), 1)
    assert.equal(m.get('jobq_queued_jobs{priority="2"}'), 0)
    assert.equal(m.get('jobq_queued_jobs{priority="3"}'), 2)
    assert.equal(m.get('jobq_jobs{state="processing"}'), 0)
    assert.equal(m.get('jobq_enqueue_total{outcome="created"}'), 3)
    assert.equal(m.get('jobq_enqueue_total{outcome="exists"}'), 1)
    assert.ok(m.get('jobq_oldest_queued_job_age_seconds')! >= 0.02)
    assert.equal(m.get('jobq_metrics_scrape_ok'), 1)
    assert.ok(m.has('jobq_api_process_cpu_user_seconds_total'))
  })

  it('should report each handler\'s jobs by state, and the queued ones held by a pause or a limit, by reason', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    for (const name of ['held', 'free']) await registerHandler(app, name, 'http://127.0.0.1:9/')
    for (const [task, entity] of [['held', 'a'], ['held', 'b'], ['free', 'c']]) {
      await app.inject({ method: 'POST', url: '/jobs', payload: { task, entity_id: entity } })
    }
    await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'free', entity_id: 'd', delay_ms: 60_000 } })
    assert.equal((await app.inject({ method: 'POST', url: '/handlers/held/pause' })).statusCode, 200)
    // A claim finds the queue's first job held and does not look at it again: one job of 'free' goes.
    const claimed = await app.jobQueue.claim(5, 'w', 60_000)
    assert.deepEqual(claimed.jobs.map((j) => j.entity_id), ['c'])
    const m = parseMetrics((await app.inject({ method: 'GET', url: '/metrics' })).body)
    assert.equal(m.get('jobq_handler_jobs{handler="held",state="queued"}'), 2)
    assert.equal(m.get('jobq_handler_jobs{handler="free",state="in_flight"}'), 1)
    assert.equal(m.get('jobq_handler_jobs{handler="free",state="scheduled"}'), 1)
    assert.equal(m.get('jobq_handler_held_jobs{handler="held",reason="paused"}'), 2)
    assert.equal(m.get('jobq_handler_held_jobs{handler="held",reason="concurrency"}'), 0)
    assert.equal(m.get('jobq_handler_held_jobs{handler="free",reason="paused"}'), 0)
  })
})

describe('worker metrics on JOBQ_METRICS_PORT', () => {
  it('should count callbacks by status class and time them by handler', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hooks = await startHookServer(t, ok)
    await registerHandler(app, 'email.send', hooks.url)
    const port = await freePort()
    await startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName, env: { JOBQ_METRICS_PORT: String(port) } })
    const job = await enqueue(app, { task: 'email.send', entity_id: 'm1' })
    await waitForStatus(app, job.job_id, 'completed')
    const m = parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())
    assert.equal(m.get('jobq_callback_results_total{handler="email.send",status_class="2xx"}'), 1)
    assert.equal(m.get('jobq_dispatch_duration_seconds_count{handler="email.send",result="completed"}'), 1)
    assert.equal(m.get('jobq_callbacks_in_flight'), 0)
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404)
  })
  it('should count the schedule ticks it fired by outcome, the missed ones it caught up, and time their lateness', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const hooks = await startHookServer(t, ok)
    await registerHandler(app, 'tick', hooks.url)
    const put = await app.inject({ method: 'PUT', url: '/schedules/s', payload: { cron: '* * * * * *', job: { task: 'tick', entity_id: 't' } } })
    assert.equal(put.statusCode, 201, put.body)
    // No worker fires the first tick within a second of its time: the first firing catches up.
    await new Promise((resolve) => setTimeout(resolve, Date.parse(put.json().next_run_at) + 1200 - Date.now()))
    const port = await freePort()
    await startWorker(t, { redisUrl: redis.url, queue: app.jobQueue.queueName, env: { JOBQ_METRICS_PORT: String(port) } })
    await hooks.waitForDeliveries(3)
    const m = parseMetrics(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())
    t.diagnostic([...m].filter(([name]) => name.startsWith('jobq_schedule_')).map(([name, n]) => `${name} ${n}`).join(', '))
    const created = m.get('jobq_schedule_ticks_total{outcome="created"}') ?? 0
    assert.ok(created >= 3, `${created} ticks created`)
    assert.ok((m.get('jobq_schedule_missed_total{action="caught_up"}') ?? 0) >= 1, 'the first firing caught up')
    const fired = [...m].filter(([name]) => name.startsWith('jobq_schedule_ticks_total')).reduce((sum, [, n]) => sum + n, 0)
    assert.equal(m.get('jobq_schedule_tick_lateness_seconds_count'), fired, 'one lateness per tick that enqueued')
    // Within a second of its tick (a catch-up counts from the latest missed one), but on a loaded moment.
    assert.ok((m.get('jobq_schedule_tick_lateness_seconds_bucket{le="1"}') ?? 0) >= fired - 2, JSON.stringify([...m].filter(([n]) => n.includes('lateness'))))
  })
})
