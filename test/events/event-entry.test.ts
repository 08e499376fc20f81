import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { decodeEntry } from '../../src/events/event.js'
import { buildTestApp, registerHandler, sharedRedis } from '../helper.js'

/**
 * The stream entry the scripts write and the event the API makes of it: one packed field, the
 * entity id last (it may hold spaces), and entries of the older layout (a field per value), which a
 * stream keeps until they are trimmed, read the same.
 */
describe('event stream entries', () => {
  const redis = sharedRedis()

  it('should pack an event into one field and read it back, an entity id with spaces included', async (t) => {
    const app = await buildTestApp(t, redis().url)
    await registerHandler(app, 'report.build', 'http://127.0.0.1:9/hook')
    const entity = '  a  b c '
    const created = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'report.build', entity_id: entity, priority: 2 } })
    assert.equal(created.statusCode, 201)
    const job = created.json()
    assert.equal((await app.inject({ method: 'PATCH', url: `/jobs/${job.job_id}/priority`, payload: { priority: 1 } })).statusCode, 200)

    const entries = await redis().client.xrange(app.jobQueue.keys.events, '-', '+') as Array<[string, string[]]>
    assert.equal(entries.length, 2)
    const [[, enqueued], [id, raised]] = entries
    assert.deepEqual(enqueued.filter((_, i) => i % 2 === 0), ['e'])
    assert.ok(raised.includes('detail'), 'a priority change says more in a detail field')

    const event = decodeEntry('reports', enqueued)
    assert.deepEqual(event, {
      type: 'job.enqueued',
      queue: 'reports',
      job_id: job.job_id,
      entity_id: entity,
      task: 'report.build',
      status: 'queued',
      priority: 2,
      attempt: 0,
      at: job.queued_at
    })
    const change = decodeEntry('reports', raised)
    assert.equal(change.type, 'job.priority_changed')
    assert.equal(change.priority, 1)
    assert.equal(change.entity_id, entity)
    // The time is the script's clock (the API's), the entry id Redis's: the same machine's here.
    assert.ok(Math.abs(Date.parse(change.at) - Number(id.split('-')[0])) < 1000, `${change.at} against entry ${id}`)
  })

  it('should read an entry of the older layout, a field per value, as the same event', () => {
    const at = Date.parse('2026-12-02T10:00:00.123Z')
    const older = ['type', 'job.retry_scheduled', 'job_id', 'J1', 'entity_id', 'a b', 'task', 't.x', 'status', 'scheduled',
      'priority', '3', 'attempt', '2', 'at', String(at), 'detail', JSON.stringify({ next_attempt_at: at + 1000, error: 'HTTP 503' })]
    const packed = ['e', `job.retry_scheduled J1 t.x scheduled 3 2 ${at} a b`,
      'detail', JSON.stringify({ next_attempt_at: at + 1000, error: 'HTTP 503' })]
    const expected = {
      type: 'job.retry_scheduled',
      queue: 'q',
      job_id: 'J1',
      entity_id: 'a b',
      task: 't.x',
      status: 'scheduled',
      priority: 3,
      attempt: 2,
      at: '2026-12-02T10:00:00.123Z',
      next_attempt_at: '2026-12-02T10:00:01.123Z',
      error: 'HTTP 503'
    }
    assert.deepEqual(decodeEntry('q', older), expected)
    assert.deepEqual(decodeEntry('q', packed), expected)
  })
})
