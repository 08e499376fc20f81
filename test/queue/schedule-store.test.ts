import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, registerHandler, sharedRedis, type Cleanup } from '../helper.js'
import { JobQueue } from '../../src/queue/job-queue.js'
import { ScheduleStore, type ScheduleDefinition } from '../../src/queue/schedule-store.js'

/** A fixed clock a day ahead of the real one, so nothing on the real clock (a worker, housekeeping) can race the test. */
const START = Date.parse('2030-06-01T12:00:00.000Z')

const everySecond: ScheduleDefinition = {
  cron: '* * * * * *',
  timezone: 'UTC',
  catch_up: 'last',
  paused: false,
  job: { task: 'task', entity_id: 'report', priority: 2, args: '[1,{"a":[]}]', kwargs: '{}', metadata: '{"n":1.0}' }
}

async function setup (t: Cleanup, url: string) {
  const app = await buildTestApp(t, url)
  await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
  const clock = { now: START + 300 }
  const { redis, keys, queueName } = app.jobQueue
  // Two stores on one queue stand for two workers firing the same ticks.
  const stores = [0, 1].map(() => new ScheduleStore(redis, keys, queueName, () => clock.now))
  const queue = new JobQueue({ redis, queue: queueName, clock: () => clock.now })
  return { app, clock, stores, queue, store: stores[0] }
}

describe('ScheduleStore: firing ticks', () => {
  const redis = sharedRedis()

  it('should enqueue each tick once, however many workers fire it, and repeat nothing when a fire is sent again', async (t) => {
    const { clock, stores, store, queue } = await setup(t, redis().url)
    const { created, schedule } = await store.put('nightly', everySecond)
    assert.deepEqual([created, schedule.next_run_at, schedule.revision, schedule.last_run_at], [true, START + 1000, 1, null])
    assert.equal(await store.nextTickAt(), START + 1000)
    assert.deepEqual(await store.fireDue(), [], 'nothing is due before the tick')

    clock.now = START + 1000
    const firings = (await Promise.all([...stores, ...stores].map((s) => s.fireDue()))).flat()
    assert.equal(firings.length, 1, 'one of four concurrent fires wins')
    const [{ tick, outcome, job, schedule: after }] = firings
    assert.deepEqual([tick, outcome, job?.schedule, after.next_run_at, after.last_run_at, after.last_job_id],
      [START + 1000, 'created', { name: 'nightly', tick: START + 1000 }, START + 2000, START + 1000, job?.job_id])
    // The caller's JSON is kept byte for byte, as for POST /jobs.
    assert.deepEqual([job?.args, job?.metadata, job?.priority], ['[1,{"a":[]}]', '{"n":1.0}', 2])
    const stored = await queue.get(job?.job_id as string)
    assert.deepEqual(stored.schedule, { name: 'nightly', tick: START + 1000 })

    // Its entity still has an active job: the next tick answers exists and adds none.
    clock.now = START + 2000
    const [next] = await store.fireDue()
    assert.deepEqual([next.outcome, next.job?.job_id, next.schedule.next_run_at], ['exists', job?.job_id, START + 3000])
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should enqueue one job for ticks missed while no worker ran (catch_up last), and none with catch_up none', async (t) => {
    const { clock, store, queue } = await setup(t, redis().url)
    await store.put('last', everySecond)
    await store.put('none', { ...everySecond, catch_up: 'none', job: { ...everySecond.job, entity_id: 'other' } })
    clock.now = START + 5300
    const firings = await store.fireDue()
    const byName = Object.fromEntries(firings.map((f) => [f.schedule.name, f]))
    assert.deepEqual([byName.last.tick, byName.last.outcome, byName.last.schedule.next_run_at], [START + 5000, 'created', START + 6000])
    assert.deepEqual([byName.none.tick, byName.none.job, byName.none.schedule.next_run_at], [null, null, START + 6000])
    assert.equal((await queue.overview()).queued, 1, 'one job for five missed ticks, none for the schedule that skips them')
    assert.deepEqual([byName.last.missed, byName.none.missed], [true, true])
    assert.deepEqual(await store.fireDue(), [])
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should fire nothing while paused, fire from the next tick on resume, and trigger without moving the schedule', async (t) => {
    const { clock, store, queue } = await setup(t, redis().url)
    await store.put('s', { ...everySecond, cron: '0 0 * * *' })
    const paused = await store.setPaused('s', true)
    assert.deepEqual([paused?.paused, paused?.next_run_at, await store.nextTickAt()], [true, null, null])
    clock.now = START + 86_400_000
    assert.deepEqual(await store.fireDue(), [])

    const triggered = await store.trigger('s')
    assert.deepEqual([triggered?.outcome, triggered?.job?.schedule, triggered?.schedule.next_run_at, triggered?.schedule.paused],
      ['created', { name: 's', tick: clock.now }, null, true])

    const resumed = await store.setPaused('s', false)
    assert.deepEqual([resumed?.paused, resumed?.next_run_at], [false, Date.parse('2030-06-03T00:00:00Z')])
    assert.equal(await store.setPaused('missing', false), null)
    assert.equal(await store.trigger('missing'), null)
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should not fire a tick planned from a definition that has since changed', async (t) => {
    const { clock, store, app } = await setup(t, redis().url)
    const { schedule } = await store.put('s', everySecond)
    await store.put('s', { ...everySecond, job: { ...everySecond.job, entity_id: 'changed' } })
    clock.now = START + 1000
    // A worker that read revision 1 fires with it; the schedule is at revision 2.
    const k = app.jobQueue.keys
    const { enqueueKeys } = await import('../../src/queue/keys.js')
    const stale = await app.jobQueue.redis.fireSchedule(k.schedules, k.ticks, ...enqueueKeys(k), clock.now, 's', 'tick',
      START + 1000, schedule.revision, START + 1000, START + 2000)
    assert.deepEqual(stale, [0])
    const [fired] = await store.fireDue()
    assert.equal(fired.job?.entity_id, 'changed')
  })

  it('should drop a tick whose schedule is gone, rather than find it due at every look', async (t) => {
    const { clock, store, app, queue } = await setup(t, redis().url)
    await store.put('s', everySecond)
    await app.jobQueue.redis.hdel(app.jobQueue.keys.schedules, 's')
    assert.deepEqual(await queue.checkInvariants(), [`ticks waits for s at ${START + 1000} but there is no such schedule`])
    clock.now = START + 1000
    assert.deepEqual(await store.fireDue(), [])
    assert.equal(await store.nextTickAt(), null)
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should fire a daily 02:30 in Europe/Berlin once on the spring-forward and once on the fall-back day (a fixed clock)', async (t) => {
    const { clock, store, queue } = await setup(t, redis().url)
    const fired: string[] = []
    for (const [from, days] of [['2026-03-27T12:00:00Z', 3], ['2026-10-23T12:00:00Z', 3]] as const) {
      clock.now = Date.parse(from)
      await store.put('berlin', { ...everySecond, cron: '30 2 * * *', timezone: 'Europe/Berlin' })
      for (let i = 0; i < days; i++) {
        // A worker on time: 5 ms after the tick.
        clock.now = (await store.nextTickAt() as number) + 5
        const [firing] = await store.fireDue()
        fired.push(new Date(firing.tick as number).toISOString())
        await queue.cancel(firing.job?.job_id as string) // frees the entity for the next tick
      }
    }
    assert.deepEqual(fired, [
      '2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z',
      '2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'
    ])
  })

  it('should acknowledge a change or a trigger only once replicas have it (JOBQ_WAIT_REPLICAS), and report a tick they did not confirm', async (t) => {
    const { clock, app, queue } = await setup(t, redis().url)
    const { redis: client, keys, queueName } = app.jobQueue
    // This Redis has no replica: every write runs, and none is confirmed within 50 ms.
    const store = new ScheduleStore(client, keys, queueName, () => clock.now, { replicas: 1, timeoutMs: 50 })
    const unconfirmed = { code: 'JQ_ERR_NOT_REPLICATED', statusCode: 503 }
    await assert.rejects(store.put('s', everySecond), unconfirmed)
    assert.equal((await store.get('s'))?.next_run_at, START + 1000, 'the PUT ran on the master')
    await assert.rejects(store.trigger('s'), unconfirmed)
    assert.equal((await queue.overview()).queued, 1, 'the trigger enqueued')

    clock.now = START + 1000
    const [firing] = await store.fireDue()
    assert.deepEqual([firing.replicated, firing.outcome, firing.schedule.next_run_at], [false, 'exists', START + 2000])
    assert.deepEqual(await store.fireDue(), [], 'the tick fired: nothing is due again')

    await assert.rejects(store.setPaused('s', true), unconfirmed)
    // Already paused (perhaps by another connection): what it finds is written again, for this
    // connection's WAIT to cover; without replicas to wait for, nothing is written.
    const hsets = async () => Number(/^cmdstat_hset:calls=(\d+)/m.exec(await client.info('commandstats'))?.[1] ?? 0)
    const before = await hsets()
    assert.equal((await new ScheduleStore(client, keys, queueName, () => clock.now).setPaused('s', true))?.paused, true)
    assert.equal(await hsets(), before)
    await assert.rejects(store.setPaused('s', true), unconfirmed)
    assert.equal(await hsets(), before + 1)
    await assert.rejects(store.delete('s'), unconfirmed)
    assert.equal(await store.get('s'), null)
    assert.deepEqual(await queue.checkInvariants(), [])
  })

  it('should wait once for the replicas of all the ticks it fires together, not once per tick', async (t) => {
    const { clock, app, queue } = await setup(t, redis().url)
    const { redis: client, keys, queueName } = app.jobQueue
    const plain = new ScheduleStore(client, keys, queueName, () => clock.now)
    for (let i = 0; i < 10; i++) await plain.put(`s${i}`, { ...everySecond, job: { ...everySecond.job, entity_id: `e${i}` } })
    // No replica: each wait lasts its whole timeout. Ten in turn would take 3 s and hold the connection.
    const store = new ScheduleStore(client, keys, queueName, () => clock.now, { replicas: 1, timeoutMs: 300 })
    clock.now = START + 1000
    const started = Date.now()
    const firings = await store.fireDue()
    const ms = Date.now() - started
    assert.equal(firings.length, 10)
    assert.ok(firings.every((f) => !f.replicated && f.outcome === 'created'), JSON.stringify(firings.map((f) => [f.replicated, f.outcome])))
    assert.ok(ms < 1500, `fired in ${ms} ms`)
    assert.equal((await queue.overview()).queued, 10)
    assert.deepEqual(await queue.checkInvariants(), [])
  })
})
