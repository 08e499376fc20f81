import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedis } from '../helper.js'
import { answerOk, assertQueueSound, percentile, report, round, spawnJobq, startApi, startHook, type ApiResponse, unexpectedOutput } from './fault-helper.js'

/** The API's bounds on receiving a request's headers and the whole request, small for the test. */
const HEADERS_TIMEOUT_MS = 1000
const REQUEST_TIMEOUT_MS = 2000
/** How late after that bound the server may close a slow connection (its periodic check). */
const CLOSE_SLACK_MS = 3000
const SLOW = { body: 80, headers: 80, idle: 40 }
/** A normal request during the burst must be answered within this. */
const NORMAL_WITHIN_MS = 3000

type Kind = keyof typeof SLOW

interface SlowClient {
  kind: Kind
  socket: Socket
  openedAt: number
  closedAt: number | null
  answer: string
  timer: NodeJS.Timeout | null
}

/**
 * One slow client: `body` sends its headers and then a body of 1000 bytes one byte a second;
 * `headers` never finishes its headers (one more byte of a header line a second); `idle` connects
 * and sends nothing.
 */
function slowClient (port: number, kind: Kind): SlowClient {
  const socket = connect(port, '127.0.0.1')
  const client: SlowClient = { kind, socket, openedAt: performance.now(), closedAt: null, answer: '', timer: null }
  socket.on('error', () => {})
  socket.on('data', (chunk) => { client.answer += chunk.toString('latin1') })
  socket.on('close', () => {
    client.closedAt = performance.now()
    if (client.timer) clearInterval(client.timer)
  })
  socket.once('connect', () => {
    if (kind === 'body') {
      socket.write('POST /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{')
      client.timer = setInterval(() => socket.write(' '), 1000)
    } else if (kind === 'headers') {
      socket.write('GET /queue HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ')
      client.timer = setInterval(() => socket.write('a'), 1000)
    }
  })
  return client
}

test('API under a burst of slow clients: normal requests are still answered and slow ones are cut off', { timeout: 90_000 }, async (t) => {
  const started = performance.now()
  const redis = await startRedis(t)
  const queue = 'faults-slow-clients'
  const hook = await startHook(t, answerOk(5))
  const api = await startApi(t, { REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), JOBQ_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) })
  await api.client.putHandler('slow.task', { url: hook.url })
  const worker = spawnJobq(t, 'worker', { REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_CONCURRENCY: '4' })

  const slow: SlowClient[] = []
  t.after(() => {
    for (const c of slow) {
      if (c.timer) clearInterval(c.timer)
      c.socket.destroy()
    }
  })
  for (const kind of Object.keys(SLOW) as Kind[]) {
    for (let i = 0; i < SLOW[kind]; i++) slow.push(slowClient(api.port, kind))
  }
  const burstAt = performance.now()

  // Meanwhile a normal client: a GET /queue on a kept-alive connection and a POST /jobs on a new
  // connection every 100 ms, until every slow client is gone (bounded).
  const normal: Array<{ what: string, res: ApiResponse | null, error: string | null, ms: number }> = []
  const acknowledged: string[] = []
  const deadline = burstAt + REQUEST_TIMEOUT_MS + CLOSE_SLACK_MS + 1000
  for (let i = 0; performance.now() < deadline && (i < 20 || slow.some((c) => c.closedAt === null)); i++) {
    const sentAt = performance.now()
    const calls: Array<[string, Promise<ApiResponse>]> = [
      ['GET /queue', api.client.send('GET', '/queue', undefined, 15_000)],
      ['POST /jobs', api.client.send('POST', '/jobs', { task: 'slow.task', entity_id: `n${i}` }, 15_000, true)]
    ]
    for (const [what, call] of calls) {
      try {
        const res = await call
        normal.push({ what, res, error: null, ms: res.ms })
        if (what === 'POST /jobs' && res.status === 201) acknowledged.push(res.json.job_id)
      } catch (err) {
        normal.push({ what, res: null, error: String((err as Error).message), ms: performance.now() - sentAt })
      }
    }
    await sleep(Math.max(0, 100 - (performance.now() - sentAt)))
  }
  const stillOpen = slow.filter((c) => c.closedAt === null)
  const lifetimes = slow.filter((c) => c.closedAt !== null).map((c) => (c.closedAt as number) - c.openedAt)
  const latencies = normal.map((n) => n.ms)
  const badNormal = normal.filter((n) => n.res === null || (n.res.status !== 200 && n.res.status !== 201) || n.ms > NORMAL_WITHIN_MS)

  await api.client.drained(30_000)
  const views = await api.client.jobs(acknowledged)
  const notCompleted = acknowledged.filter((id) => views.get(id).status !== 'completed')
  const byKind = (kind: Kind) => slow.filter((c) => c.kind === kind)
  const figures = {
    scenario: 'slow-clients',
    acknowledged: acknowledged.length,
    completed: acknowledged.length - notCompleted.length,
    failed: acknowledged.filter((id) => views.get(id).status === 'failed').length,
    lost: notCompleted.length,
    duplicate_dispatches: hook.duplicateDispatches(),
    // From the burst to the last slow connection closed by the server.
    recovery_ms: stillOpen.length === 0 ? round(Math.max(...lifetimes)) : null,
    duration_ms: round(performance.now() - started),
    slow_clients: slow.length,
    slow_still_open: stillOpen.length,
    slow_still_open_by_kind: Object.fromEntries((Object.keys(SLOW) as Kind[]).map((k) => [k, byKind(k).filter((c) => c.closedAt === null).length])),
    slow_answered_408: slow.filter((c) => c.answer.startsWith('HTTP/1.1 408')).length,
    slow_lifetime_max_ms: lifetimes.length ? round(Math.max(...lifetimes)) : null,
    normal_requests: normal.length,
    normal_failed_or_late: badNormal.length,
    normal_p50_ms: round(percentile(latencies, 0.5) ?? 0),
    normal_max_ms: round(Math.max(...latencies))
  }
  report(t, figures)

  assert.deepEqual(badNormal.slice(0, 10).map((n) => [n.what, n.res?.status, n.error, round(n.ms)]), [],
    `normal requests must be answered (200/201) within ${NORMAL_WITHIN_MS} ms during the burst`)
  assert.deepEqual(figures.slow_still_open_by_kind, { body: 0, headers: 0, idle: 0 },
    `slow connections still open ${round(performance.now() - burstAt)} ms after they started: the API must bound ` +
    'how long a client may take to send its headers and its whole request (http headersTimeout, Fastify ' +
    'requestTimeout, checked every connectionsCheckingInterval), set by JOBQ_HEADERS_TIMEOUT_MS and JOBQ_REQUEST_TIMEOUT_MS')
  for (const c of slow) {
    const lifetime = (c.closedAt as number) - c.openedAt
    assert.ok(lifetime < REQUEST_TIMEOUT_MS + CLOSE_SLACK_MS, `a ${c.kind} client was closed only after ${round(lifetime)} ms`)
  }
  assert.deepEqual(notCompleted, [])
  assert.ok(api.proc.running(), `the API exited:\n${api.proc.output()}`)
  assert.deepEqual([api.proc, worker].flatMap(unexpectedOutput).slice(0, 10), [], 'no process logged an error or crashed')
  assert.ok(worker.running(), `the worker exited:\n${worker.output()}`)
  await assertQueueSound(redis.url, queue, api.client)
})
