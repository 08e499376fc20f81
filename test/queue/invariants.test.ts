import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, jobKey, registerHandler, startRedis } from '../helper.js'

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
    await redis.client.zadd(k.queued, 1, jobKey(jobs[0].job_id))
    await redis.client.hdel(k.jobs, jobKey(jobs[2].job_id))
    await redis.client.hset(k.entities, 'ghost', 'no-such-job')
    await redis.client.hset(k.jobs, 'zz', await redis.client.hgetBuffer(k.jobs, jobKey(jobs[1].job_id)) as Buffer)
    const problems = await queue.checkInvariants()
    assert.ok(problems.some((p) => p.startsWith(`${jobs[0].job_id} is in both queued and completed`)), problems.join('\n'))
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
})
