import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, registerHandler, sharedRedis } from '../helper.js'
import { JobQueue } from '../../src/queue/job-queue.js'

/** Texts a caller or a handler may send, with every character class a JSON encoder treats specially. */
const TEXTS = [
  '"quotes" \\ backslash / slash </script>',
  'controls \u0000\u0001\u001f\u007f\b\f\n\r\t',
  'é 漢字 😀 \u2028\u2029',
  ''
]

describe('job texts travel through the scripts byte for byte', () => {
  const redis = sharedRedis()

  it('should give back entity_id, args, kwargs, metadata and result exactly as they were sent', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
    const queue = app.jobQueue
    const sent = TEXTS.map((text, i) => ({
      task: 'task',
      entity_id: `e${i} ${text}`,
      priority: 2 as const,
      args: JSON.stringify([text]),
      kwargs: JSON.stringify({ [text]: text }),
      // Numbers beyond a double's precision stay as the caller wrote them: the JSON is kept as text.
      metadata: `{"big":12345678901234567890,"tiny":1e-300,"text":${JSON.stringify(text)}}`
    }))
    const created = (await queue.enqueueMany(sent)).map((r) => r.job)
    const claimed = (await queue.claim(sent.length, 'w', 60_000)).jobs
    for (const [i, job] of claimed.entries()) {
      const j = created.findIndex((c) => c?.job_id === job.job_id)
      assert.deepEqual([job.entity_id, job.args, job.kwargs, job.metadata],
        [sent[j].entity_id, sent[j].args, sent[j].kwargs, sent[j].metadata], `claimed job ${i}`)
      const result = JSON.stringify({ r: TEXTS[j] })
      await queue.complete(job.job_id, job.lease as string, result)
      const read = await queue.get(job.job_id)
      assert.deepEqual([read.entity_id, read.args, read.kwargs, read.metadata, read.result],
        [sent[j].entity_id, sent[j].args, sent[j].kwargs, sent[j].metadata, result], `read job ${i}`)
    }
    assert.equal(claimed.length, sent.length)
  })

  it('should keep the latest time a job_id can carry exact (62^7 - 1 ms, in 2081)', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'task', 'http://127.0.0.1:9/hook')
    const late = 62 ** 7 - 1
    const queue = new JobQueue({ redis: app.jobQueue.redis, queue: app.jobQueue.queueName, clock: () => late })
    const { job } = await queue.enqueue({ task: 'task', entity_id: 'late', priority: 1, args: '[]', kwargs: '{}', metadata: '{}' })
    assert.equal((await queue.get(job.job_id)).queued_at, late)
  })
})
