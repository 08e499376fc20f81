import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, jobKey, registerHandler, startRedis } from '../helper.js'
import { readyKey } from '../../src/queue/keys.js'
import { ScheduleStore, type ScheduleDefinition } from '../../src/queue/schedule-store.js'

describe('checkInvariants', () => {
  it('should find nothing wrong in a queue used normally, and name each corruption', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const queue = app.jobQueue
    await registerHandler(app, 'h', 'http://127.0.0.1:9/')
    for (let i = 0; i < 6; i++) {
      await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'h', entity_id: `e${i}`, priority: (i % 3) + 1 } })
    }
    const { jobs } = await queue.claim(3, 'w1', 30_000)
    await queue.complete(jobs[0].job_id, jobs[0].lease!, null)
    await queue.fail(jobs[1].job_id, jobs[1].lease!, 'boom', Date.now() + 60_000)
    await app.inject({ method: 'DELETE', url: '/jobs/e5' })
    assert.deepEqual(await queue.checkInvariants(), [])

    const k = queue.keys
    await redis.client.zadd(readyKey(k, 'h'), 1, jobKey(jobs[0].job_id))
    await redis.client.hdel(k.jobs, jobKey(jobs[2].job_id))
    await redis.client.hset(k.entities, 'ghost', 'no-such-job')
    await redis.client.hset(k.jobs, 'zz', await redis.client.hgetBuffer(k.jobs, jobKey(jobs[1].job_id)) as Buffer)
    const problems = await queue.checkInvariants()
    assert.ok(problems.some((p) => p.startsWith(`${jobs[0].job_id} is in both completed and the ready set of h`)), problems.join('\n'))
    assert.ok(problems.some((p) => p === `key ${jobKey(jobs[2].job_id)} is in processing but has no record`), problems.join('\n'))
    assert.ok(problems.some((p) => p === 'entity index of ghost names missing key no-such-job'), problems.join('\n'))
    assert.ok(problems.some((p) => /^\w+ is stored under key zz, not that of seq \d+$/.test(p)), problems.join('\n'))

    await redis.client.set(k.seq, '2')
    await redis.client.del(k.format)
    const more = await queue.checkInvariants()
    const pastCounter = more.filter((p) => p.includes('past the sequence counter 2'))
    assert.ok(pastCounter.length > 0 && pastCounter.every((p) => /^\w+ has seq [3-6], past the sequence counter 2$/.test(p)), more.join('\n'))
    assert.ok(more.some((p) => p === 'the queue holds jobs but no format mark'), more.join('\n'))
  })

  it('should find nothing wrong in schedules used normally, and name each schedule corruption', async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    const queue = app.jobQueue
    const k = queue.keys
    await registerHandler(app, 'h', 'http://127.0.0.1:9/')
    const start = Date.parse('2030-06-01T12:00:00.300Z')
    const clock = { now: start }
    const store = new ScheduleStore(queue.redis, k, queue.queueName, () => clock.now)
    const definition = (entity: string): ScheduleDefinition => ({
      cron: '* * * * * *',
      timezone: 'UTC',
      catch_up: 'last',
      paused: false,
      job: { task: 'h', entity_id: entity, priority: 2, args: '[]', kwargs: '{}', metadata: '{}' }
    })
    for (const name of ['running', 'paused', 'none', 'gone']) await store.put(name, definition(name))
    await store.put('none', { ...definition('none'), catch_up: 'none' })
    await store.setPaused('paused', true)
    clock.now = start + 1000
    await store.fireDue()
    clock.now = start + 4000
    await store.fireDue()
    await store.trigger('paused')
    await store.delete('gone')
    await store.setPaused('paused', false)
    await store.setPaused('paused', true)
    assert.deepEqual(await queue.checkInvariants(), [])

    const before = JSON.parse(await redis.client.hget(k.schedules, 'running') as string)
    await redis.client.zrem(k.ticks, 'running')
    await redis.client.zadd(k.ticks, start, 'paused')
    await redis.client.zadd(k.ticks, start, 'orphan')
    await redis.client.hset(k.schedules, 'none', JSON.stringify({ ...before, name: 'other', last_job_id: null, revision: 0 }))
    await redis.client.hset(k.schedules, 'broken', '{"name":')
    const problems = await queue.checkInvariants()
    const expected = [
      `schedule running runs next at ${before.next_run_at} but waits in ticks for null`,
      `schedule paused has no next run but waits in ticks for ${start}`,
      `ticks waits for orphan at ${start} but there is no such schedule`,
      'schedule none is named other in its record',
      'schedule none has revision 0',
      `schedule none has last outcome ${before.last_outcome} with job null`,
      'schedule broken is not a JSON object'
    ]
    assert.deepEqual([...problems].sort(), [...expected].sort())
  })
})
