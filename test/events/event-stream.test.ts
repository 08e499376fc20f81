import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { Redis } from 'ioredis'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/api/app.js'
import { buildTestApp, registerHandler, sharedRedis, testConfig, waitFor, type Cleanup } from '../helper.js'
import { openStream } from './sse-helper.js'

/**
 * The event stream's fan-out, filters, resume and limits, fed by entries written straight to the
 * queue's stream as the scripts write them (see lib: the end-to-end run is in lifecycle.test.ts).
 */

let seq = 0
/** Writes one entry as a script would: every field a string, times in ms. */
async function addEvent (client: Redis, queue: string, fields: Record<string, string | number> = {}): Promise<string> {
  seq++
  const entry = { type: 'job.enqueued', job_id: `job${seq}`, entity_id: `e${seq}`, task: 't', status: 'queued', priority: 1, attempt: 0, at: Date.now(), ...fields }
  return await client.xadd(`jobq:{${queue}}:events`, '*', ...Object.entries(entry).flatMap(([k, v]) => [k, String(v)])) as string
}

async function listening (t: Cleanup, redisUrl: string, env: Record<string, string> = {}): Promise<{ app: FastifyInstance, url: string, queue: string }> {
  const app = await buildTestApp(t, redisUrl, env)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, url, queue: app.defaultQueue.name }
}

/** Connections Redis has that are blocked in (or last ran) XREAD. */
async function readerConnections (client: Redis): Promise<number> {
  const list = await client.client('LIST') as string
  return list.split('\n').filter((line) => /\bcmd=xread\b/.test(line)).length
}

describe('GET /events', () => {
  const redis = sharedRedis()

  it('should stream each entry written after it opened, typed, timed in RFC 3339, its detail flattened in', async (t) => {
    const { url, queue } = await listening(t, redis().url)
    const stream = await openStream(t, `${url}/events`)
    assert.equal(stream.status, 200)
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/)
    await waitFor('the connected comment', () => stream.comments.includes('connected'))
    const at = Date.UTC(2026, 11, 2, 4, 0, 0)
    const id = await addEvent(redis().client, queue, {
      type: 'job.retry_scheduled',
      job_id: 'j1',
      entity_id: 'user-1',
      task: 'email.send',
      status: 'scheduled',
      priority: 2,
      attempt: 1,
      at,
      detail: JSON.stringify({ error: 'HTTP 503', next_attempt_at: at + 1000, type: 'not this' })
    })
    const [event] = await stream.waitForEvents(1)
    assert.equal(event.id, id)
    assert.equal(event.event, undefined, 'a plain message, which onmessage handlers get')
    assert.deepEqual(event.data, {
      type: 'job.retry_scheduled',
      queue,
      job_id: 'j1',
      entity_id: 'user-1',
      task: 'email.send',
      status: 'scheduled',
      priority: 2,
      attempt: 1,
      at: '2026-12-02T04:00:00.000Z',
      error: 'HTTP 503',
      next_attempt_at: '2026-12-02T04:00:01.000Z'
    })
  })

  it('should resume after Last-Event-ID (header or ?last_event_id=) with exactly the rest, also while entries keep coming', async (t) => {
    const { url, queue } = await listening(t, redis().url)
    const ids: string[] = []
    for (let i = 0; i < 1200; i++) ids.push(await addEvent(redis().client, queue, { job_id: `r${i}` }))
    const live = await openStream(t, `${url}/events`)
    await waitFor('the connected comment', () => live.comments.includes('connected'))
    // Entries keep arriving while the two resumed streams read their history.
    const writing = (async () => {
      for (let i = 1200; i < 1500; i++) ids.push(await addEvent(redis().client, queue, { job_id: `r${i}` }))
    })()
    const byHeader = await openStream(t, `${url}/events`, { 'last-event-id': ids[99] })
    const byQuery = await openStream(t, `${url}/events?last_event_id=${ids[999]}`)
    await writing
    const rest = await byHeader.waitForEvents(1400)
    await byQuery.waitForEvents(500)
    await live.waitForEvents(300)
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.deepEqual(rest.map((e) => e.id), ids.slice(100))
    assert.deepEqual(byQuery.events.map((e) => e.id), ids.slice(1000))
    assert.deepEqual(live.events.map((e) => e.id), ids.slice(1200))
    assert.deepEqual(rest.map((e) => e.data.job_id), ids.slice(100).map((_, i) => `r${i + 100}`))
  })

  it('should say when events after Last-Event-ID were trimmed away, then go on from the oldest retained', async (t) => {
    const { url, queue } = await listening(t, redis().url)
    const first = await addEvent(redis().client, queue)
    for (let i = 0; i < 20; i++) await addEvent(redis().client, queue)
    await redis().client.xtrim(`jobq:{${queue}}:events`, 'MAXLEN', 10)
    const [[oldest]] = await redis().client.xrange(`jobq:{${queue}}:events`, '-', '+', 'COUNT', 1)
    const stream = await openStream(t, `${url}/events`, { 'last-event-id': first })
    const events = await stream.waitForEvents(11)
    assert.equal(events[0].event, 'gap')
    assert.deepEqual(events[0].data, { queue, last_event_id: first, oldest_event_id: oldest })
    assert.equal(events[1].id, oldest)
    assert.equal(events.length, 11)

    // From 0-0 on a stream that never lost an entry: everything, no gap.
    const { url: url2, queue: queue2 } = await listening(t, redis().url)
    for (let i = 0; i < 3; i++) await addEvent(redis().client, queue2)
    const all = await openStream(t, `${url2}/events?last_event_id=0-0`)
    const got = await all.waitForEvents(3)
    assert.ok(got.every((e) => e.event === undefined))
  })

  it('should filter by job_id, entity_id, task and types, and refuse an unknown type naming types', async (t) => {
    const { app, url, queue } = await listening(t, redis().url)
    const byJob = await openStream(t, `${url}/events?job_id=fj`)
    const byEntity = await openStream(t, `${url}/events?entity_id=fe`)
    const byTask = await openStream(t, `${url}/events?task=ft`)
    const byTypes = await openStream(t, `${url}/events?types=job.completed,job.failed`)
    const both = await openStream(t, `${url}/events?entity_id=fe&types=job.completed`)
    await waitFor('connected', () => both.comments.includes('connected'))
    await addEvent(redis().client, queue, { job_id: 'fj', type: 'job.started' })
    await addEvent(redis().client, queue, { entity_id: 'fe', type: 'job.started' })
    await addEvent(redis().client, queue, { entity_id: 'fe', type: 'job.completed' })
    await addEvent(redis().client, queue, { task: 'ft', type: 'job.failed' })
    const last = await addEvent(redis().client, queue, { type: 'job.enqueued' })
    const all = await openStream(t, `${url}/events?last_event_id=0-0`)
    await all.waitForEvents(5)
    assert.equal(all.events.at(-1)?.id, last)
    await byTypes.waitForEvents(2)
    assert.deepEqual(byJob.events.map((e) => e.data.job_id), ['fj'])
    assert.deepEqual(byEntity.events.map((e) => e.data.type), ['job.started', 'job.completed'])
    assert.deepEqual(byTask.events.map((e) => e.data.type), ['job.failed'])
    assert.deepEqual(byTypes.events.map((e) => e.data.type), ['job.completed', 'job.failed'])
    assert.deepEqual(both.events.map((e) => e.data.type), ['job.completed'])

    for (const [query, field] of [['types=job.completed,job.exploded', 'types'], ['last_event_id=yesterday', 'last_event_id'], ['job_id=', 'job_id'], ['colour=red', 'colour']]) {
      const res = await app.inject({ method: 'GET', url: `/events?${query}` })
      assert.equal(res.statusCode, 400, query)
      assert.match(res.json().message, new RegExp(field), query)
    }
    const badHeader = await app.inject({ method: 'GET', url: '/events', headers: { 'last-event-id': 'x' } })
    assert.equal(badHeader.statusCode, 400)
    assert.match(badHeader.json().message, /last-event-id/)
  })

  it('should serve a named queue\'s events under /queues/{queue}/events, and 404 for a queue that does not exist', async (t) => {
    const { app, url } = await listening(t, redis().url)
    await app.inject({ method: 'PUT', url: '/queues/reports/handlers/r.task', payload: { url: 'http://127.0.0.1:9/hook' } })
    const stream = await openStream(t, `${url}/queues/reports/events`)
    await waitFor('connected', () => stream.comments.includes('connected'))
    await addEvent(redis().client, 'reports', { job_id: 'named' })
    const [event] = await stream.waitForEvents(1)
    assert.equal(event.data.queue, 'reports')
    const missing = await app.inject({ method: 'GET', url: '/queues/nosuchqueue/events' })
    assert.equal(missing.statusCode, 404)
    assert.match(missing.json().message, /queue: no queue named nosuchqueue/)
  })

  it('should write a comment line at least every JOBQ_EVENTS_HEARTBEAT_MS on an idle stream', async (t) => {
    const { url } = await listening(t, redis().url, { JOBQ_EVENTS_HEARTBEAT_MS: '1000' })
    const stream = await openStream(t, `${url}/events`)
    await waitFor('two keep-alive comments', () => stream.comments.filter((c) => c === 'keep-alive').length >= 2, 5000)
  })

  it('should serve many clients from one Redis connection, and give it up once nobody listens', { timeout: 60_000 }, async (t) => {
    const { url, queue } = await listening(t, redis().url)
    const before = await readerConnections(redis().client)
    const streams = await Promise.all(Array.from({ length: 50 }, () => openStream(t, `${url}/events`)))
    await waitFor('every stream connected', () => streams.every((s) => s.comments.includes('connected')))
    assert.equal(await readerConnections(redis().client) - before, 1, 'one reader connection for 50 clients')
    await addEvent(redis().client, queue)
    for (const s of streams) await s.waitForEvents(1)
    for (const s of streams) s.close()
    await waitFor('the reader connection closed', async () => await readerConnections(redis().client) === before, 20_000, 200)
  })

  it('should drop a client that stops reading before its buffer passes JOBQ_EVENTS_CLIENT_BUFFER_BYTES', { timeout: 60_000 }, async (t) => {
    const { app, url, queue } = await listening(t, redis().url, { JOBQ_EVENTS_CLIENT_BUFFER_BYTES: '262144' })
    const { port } = new URL(url)
    // A client that sends its request and then never reads a byte.
    const socket = connect(Number(port), '127.0.0.1')
    t.after(() => socket.destroy())
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('GET /events HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n')
    socket.pause()
    const closed = new Promise((resolve) => socket.once('close', resolve))
    const reader = await openStream(t, `${url}/events`)
    await waitFor('the stalled client registered', () => app.eventStreams.size === 2)
    // 2 KB entries, 100 KB a round, until the kernel's socket buffers and then the bound are full.
    const detail = JSON.stringify({ error: 'x'.repeat(2000) })
    for (let round = 0; round < 400 && app.eventStreams.size === 2; round++) {
      const pipeline = redis().client.pipeline()
      for (let i = 0; i < 50; i++) pipeline.xadd(`jobq:{${queue}}:events`, '*', 'type', 'job.failed', 'job_id', 'j', 'entity_id', 'e', 'task', 't', 'status', 'failed', 'priority', '1', 'attempt', '1', 'at', String(Date.now()), 'detail', detail)
      await pipeline.exec()
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await waitFor('the stalled client dropped', () => app.eventStreams.size === 1, 15_000)
    assert.ok(!reader.events.some((e) => e.event === 'gap'))
    socket.resume()
    await closed
    // The client that reads is still served.
    const before = reader.events.length
    await addEvent(redis().client, queue, { job_id: 'after' })
    await waitFor('the reading client served', () => reader.events.at(-1)?.data.job_id === 'after' && reader.events.length > before)
  })
})

describe('GET /events with keys', () => {
  const redis = sharedRedis()
  const KEY = 'a-client-key-for-the-event-tests'

  it('should answer 401 without a key (also with one in the URL), stream with one in the header, and never log a key', async (t) => {
    const lines: string[] = []
    const sink = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
    const app = await buildApp(testConfig(redis().url, { JOBQ_API_KEYS: KEY }), { logger: { level: 'trace', stream: sink } })
    t.after(() => app.close())
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    await registerHandler(app, 'x', 'http://127.0.0.1:9/hook').catch(() => {})
    const anonymous = await fetch(`${url}/events`)
    assert.equal(anonymous.status, 401)
    for (const name of ['key', 'api_key', 'access_token', 'token']) {
      const inUrl = await fetch(`${url}/events?${name}=${KEY}`, { headers: { authorization: `Bearer ${KEY}` } })
      assert.equal(inUrl.status, 400, `${name} in the query is refused, not taken as a key`)
      await inUrl.body?.cancel()
      const noHeader = await fetch(`${url}/events?${name}=${KEY}`)
      assert.equal(noHeader.status, 401)
    }
    const stream = await openStream(t, `${url}/events`, { authorization: `Bearer ${KEY}` })
    assert.equal(stream.status, 200)
    await waitFor('connected', () => stream.comments.includes('connected'))
    stream.close()
    await app.close()
    assert.ok(lines.length > 5, 'requests were logged')
    for (const line of lines) assert.ok(!line.includes(KEY), `a log line holds the key: ${line}`)
  })

  it('should let a key limited to some queues stream those queues only (403 for the others, before anything is read)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'jobq-keys-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const limited = 'a-key-for-queue-a-only-0123456789'
    const file = join(dir, 'keys.json')
    writeFileSync(file, JSON.stringify({ keys: [{ name: 'a', role: 'client', queues: ['a'], sha256: createHash('sha256').update(limited).digest('hex') }] }))
    const app = await buildTestApp(t, redis().url, { JOBQ_QUEUE: 'main', JOBQ_ADMIN_KEYS: KEY, JOBQ_KEYS_FILE: file })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    await app.inject({ method: 'PUT', url: '/queues/a/handlers/h', headers: { authorization: `Bearer ${KEY}` }, payload: { url: 'http://127.0.0.1:9/' } })
    const headers = { authorization: `Bearer ${limited}` }
    for (const path of ['/events', '/queues/b/events']) {
      const res = await fetch(`${url}${path}`, { headers })
      assert.equal(res.status, 403, path)
      assert.match(((await res.json()) as { message: string }).message, /may not use queue/)
    }
    const stream = await openStream(t, `${url}/queues/a/events`, headers)
    assert.equal(stream.status, 200)
  })
})
