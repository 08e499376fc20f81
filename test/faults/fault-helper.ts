import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { Agent, request, type Dispatcher } from 'undici'
import { Redis } from 'ioredis'
import { JobQueue } from '../../src/queue/job-queue.js'
import { defineScripts } from '../../src/queue/scripts.js'
import { freePort, waitFor, type Cleanup } from '../helper.js'

const ROOT = join(import.meta.dirname, '../..')
const RESULTS = join(import.meta.dirname, 'results')
/** Score band of one priority in a handler's ready set (lua/includes/job.lua BAND). */
const BAND = 2 ** 49

// ---------------------------------------------------------------------------------------------
// Processes: `jobq api` and `jobq worker` as a user runs them

export interface JobqProcess {
  name: string
  pid: number
  child: ChildProcess
  /** What the process wrote to stdout and stderr: all of it, or its first 16 kB and last 200 kB. */
  output (): string
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  running (): boolean
  /** Sends `signal` and waits (up to 10 s) for the exit. */
  kill (signal?: NodeJS.Signals): Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/**
 * Runs `node --import tsx src/cli.ts <command>` with settings in its environment, as a user does.
 * The runner's own JOBQ_* and NODE_TEST* variables are not passed on (an unknown JOBQ_* setting
 * stops the process). The process is SIGKILLed after the test if it still runs.
 */
export function spawnJobq (t: Cleanup, command: 'api' | 'worker', env: Record<string, string>, name: string = command): JobqProcess {
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('JOBQ_') && !key.startsWith('NODE_TEST')) base[key] = value
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', command], {
    cwd: ROOT,
    env: { ...base, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  // The first 16 kB (start-up lines) and the last 200 kB of what it wrote.
  let head = ''
  let tail = ''
  let total = 0
  const echo = process.env.FAULT_LOGS === '1'
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8')
    if (head.length < 16_384) head += text.slice(0, 16_384 - head.length)
    total += text.length
    tail = (tail + text).slice(-200_000)
    if (echo) process.stderr.write(`[${name} ${child.pid}] ${text}`)
  }
  // Cut to whole lines on either side of the gap.
  const output = () => total === tail.length
    ? tail
    : `${head.slice(0, head.lastIndexOf('\n') + 1)}[...]\n${tail.slice(tail.indexOf('\n') + 1)}`
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  let exit: { code: number | null, signal: NodeJS.Signals | null } | null = null
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      resolve(exit)
    })
  })
  const proc: JobqProcess = {
    name,
    pid: child.pid as number,
    child,
    output,
    exited,
    running: () => exit === null,
    async kill (signal = 'SIGKILL') {
      if (exit === null) {
        try { child.kill(signal) } catch {}
      }
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} (pid ${child.pid}) did not exit within 10 s of ${signal}`)), 10_000)
      })
      try {
        return await Promise.race([exited, late])
      } finally {
        clearTimeout(timer)
      }
    }
  }
  t.after(async () => {
    if (exit === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  return proc
}

/**
 * What a process wrote that points at a bug: a log line at error or fatal level, or anything that
 * is not a log line at all (a crash, a stack trace, an unhandled rejection, a Node warning). An
 * error line about a 503 (Redis away or full) is expected in these scenarios and left out, and so
 * is a last line cut short by SIGKILL.
 */
export function unexpectedOutput (proc: JobqProcess): string[] {
  const text = proc.output()
  const complete = text.slice(0, text.lastIndexOf('\n') + 1)
  return complete.split('\n').filter((line) => {
    if (line.trim() === '' || line === '[...]') return false
    let entry: { level?: number, err?: { statusCode?: number } }
    try {
      entry = JSON.parse(line)
    } catch {
      return true
    }
    return (entry.level ?? 0) >= 50 && entry.err?.statusCode !== 503
  }).map((line) => `${proc.name}: ${line.slice(0, 2000)}`)
}

export interface ApiProcess {
  proc: JobqProcess
  port: number
  origin: string
  client: ApiClient
}

/** `jobq api` on a free port of 127.0.0.1, connected to Redis (/readyz answers 200) before this resolves. */
export async function startApi (t: Cleanup, env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort()
  const proc = spawnJobq(t, 'api', { HOST: '127.0.0.1', PORT: String(port), ...env })
  const origin = `http://127.0.0.1:${port}`
  const client = new ApiClient(t, origin)
  try {
    await waitFor(`the API on ${origin} to answer /readyz`, async () => {
      const res = await client.send('GET', '/readyz', undefined, 1000)
      return res.status === 200
    }, 20_000, 50, () => !proc.running())
  } catch (err) {
    throw new Error(`${proc.running() ? (err as Error).message : 'the API exited at start'}:\n${proc.output()}`)
  }
  return { proc, port, origin, client }
}

// ---------------------------------------------------------------------------------------------
// HTTP client of the API

export interface ApiResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: any
  ms: number
}

/** A client of the API over 127.0.0.1 with keep-alive connections; every call is bounded in time. */
export class ApiClient {
  readonly agent: Agent

  constructor (t: Cleanup, readonly origin: string, connections = 16) {
    this.agent = new Agent({ connections, keepAliveTimeout: 4000, connect: { timeout: 5000 } })
    t.after(() => this.agent.destroy())
  }

  /** One request; a network error throws, any HTTP answer resolves. */
  async send (method: Dispatcher.HttpMethod, path: string, body?: unknown, timeoutMs = 10_000, fresh = false): Promise<ApiResponse> {
    const started = performance.now()
    const res = await request(this.origin + path, {
      method,
      dispatcher: this.agent,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      // A fresh connection each time, as a new client would open.
      reset: fresh
    })
    const text = await res.body.text()
    let json: any = null
    try { json = text ? JSON.parse(text) : null } catch {}
    return { status: res.statusCode, headers: res.headers, text, json, ms: performance.now() - started }
  }

  /** A request that must answer `status`; the error names what came instead. */
  async expect (status: number, method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<any> {
    const res = await this.send(method, path, body)
    assert.equal(res.status, status, `${method} ${path}: ${res.status} ${res.text.slice(0, 500)}`)
    return res.json
  }

  async putHandler (name: string, settings: Record<string, unknown>): Promise<void> {
    const res = await this.send('PUT', `/handlers/${name}`, settings)
    assert.ok(res.status === 201 || res.status === 200, `PUT /handlers/${name}: ${res.status} ${res.text}`)
  }

  /**
   * Enqueues `count` new entities through POST /jobs/batch (up to 500 a request); returns the
   * job_ids the API answered `created` for.
   */
  async enqueueBatch (task: string, prefix: string, count: number, extra: Record<string, unknown> = {}): Promise<string[]> {
    const ids: string[] = []
    for (let from = 0; from < count; from += 500) {
      const jobs = Array.from({ length: Math.min(500, count - from) }, (_, i) =>
        ({ task, entity_id: `${prefix}${from + i}`, priority: 1 + ((from + i) % 3), ...extra }))
      const body = await this.expect(200, 'POST', '/jobs/batch', { jobs })
      for (const r of body.results) if (r.outcome === 'created') ids.push(r.job_id)
    }
    return ids
  }

  /** GET /jobs/{id} of every id, `parallel` at a time. */
  async jobs (ids: string[], parallel = 8): Promise<Map<string, any>> {
    const views = new Map<string, any>()
    await mapPool(ids, parallel, async (id) => {
      views.set(id, await this.expect(200, 'GET', `/jobs/${encodeURIComponent(id)}`))
    })
    return views
  }

  /** Waits until no job is queued, processing or scheduled, and returns GET /queue. */
  async drained (timeoutMs = 60_000, until: (q: any) => boolean = () => true): Promise<any> {
    let last: any
    try {
      return await waitFor('the queue to drain', async () => {
        last = await this.expect(200, 'GET', '/queue')
        return last.queued + last.processing + last.scheduled === 0 && until(last) ? last : undefined
      }, timeoutMs, 200)
    } catch (err) {
      throw new Error(`${(err as Error).message}; last GET /queue: ${JSON.stringify(last)}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Handler servers

export interface HookDelivery {
  jobId: string
  attempt: number
  /** performance.now() when the request arrived. */
  at: number
  /** What the handler did with it (the answer function's label). */
  answer: string
}

export interface Hook {
  url: string
  deliveries: HookDelivery[]
  /** Deliveries by job_id (the webhook-id header), in arrival order. */
  byJob: Map<string, HookDelivery[]>
  /** webhook-id occurrences beyond the first: callbacks of a job the handler had already received. */
  duplicateDispatches (): number
}

/** Answers one callback and returns a label for it: 'ok', '500', 'hang', 'reset'... */
export type HookAnswer = (req: IncomingMessage, res: ServerResponse, delivery: Omit<HookDelivery, 'answer'>) => string

/** Answers 200 after `maxDelayMs` at most, like a handler doing a little work. */
export const answerOk = (maxDelayMs = 0): HookAnswer => (_req, res) => {
  const end = () => { if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}') }
  if (maxDelayMs > 0) setTimeout(end, Math.floor(Math.random() * maxDelayMs))
  else end()
  return 'ok'
}

/** A handler on 127.0.0.1 that records every callback; its connections and server close after the test. */
export async function startHook (t: Cleanup, answer: HookAnswer): Promise<Hook> {
  const deliveries: HookDelivery[] = []
  const byJob = new Map<string, HookDelivery[]>()
  const server = createServer((req, res) => {
    const at = performance.now()
    req.resume()
    req.on('end', () => {
      const base = { jobId: String(req.headers['webhook-id'] ?? ''), attempt: Number(req.headers['jobq-attempt']), at }
      const delivery: HookDelivery = { ...base, answer: answer(req, res, base) }
      deliveries.push(delivery)
      const list = byJob.get(delivery.jobId)
      if (list) list.push(delivery)
      else byJob.set(delivery.jobId, [delivery])
    })
  })
  // Longer than the worker's keep-alive (10 s), so an idle connection is never closed under a request.
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    byJob,
    duplicateDispatches: () => [...byJob.values()].reduce((sum, list) => sum + list.length - 1, 0)
  }
}

// ---------------------------------------------------------------------------------------------
// The end of every scenario: the queue's keys are sound and GET /queue counts what they hold

/**
 * checkInvariants() over the queue's keys must be empty, and GET /queue must count exactly what
 * the state sets hold (read while the queue is quiet). Returns GET /queue.
 */
export async function assertQueueSound (redisUrl: string, queueName: string, api: ApiClient): Promise<any> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true })
  redis.on('error', () => {})
  defineScripts(redis)
  try {
    await redis.connect()
    const queue = new JobQueue({ redis, queue: queueName })
    const violations = await queue.checkInvariants()
    assert.deepEqual(violations, [], `checkInvariants():\n${violations.slice(0, 50).join('\n')}`)
    const k = queue.keys
    const view = await api.expect(200, 'GET', '/queue')
    // Queued jobs wait in their handlers' ready sets only (lua/includes/flow.lua).
    const readySets = await redis.keys(`${k.ready}*`)
    const countReady = async (from: number | string, to: number | string) =>
      (await Promise.all(readySets.map(async (key) => await redis.zcount(key, from, to)))).reduce((a, b) => a + b, 0)
    const [queued, processing, scheduled, completed, failed, cancelled, p1, p2, p3] = await Promise.all([
      countReady('-inf', '+inf'), redis.zcard(k.processing), redis.zcard(k.scheduled), redis.zcard(k.completed),
      redis.zcard(k.failed), redis.zcard(k.cancelled),
      ...[1, 2, 3].map(async (p) => await countReady(p * BAND, `(${(p + 1) * BAND}`))
    ])
    assert.deepEqual(
      { queued: view.queued, processing: view.processing, scheduled: view.scheduled, completed: view.completed, failed: view.failed, cancelled: view.cancelled, by_priority: view.by_priority },
      { queued, processing, scheduled, completed, failed, cancelled, by_priority: { 1: p1, 2: p2, 3: p3 } },
      'GET /queue counts what the state sets hold')
    return view
  } finally {
    redis.disconnect()
  }
}

/**
 * What every key of a queue holds, as a SHA-256 per key of its logical content (sorted fields and
 * members), so equal snapshots mean nothing stored changed; unlike DUMP it does not depend on how
 * Redis happens to lay a hash out in memory.
 */
export async function queueContents (redis: Redis, queueName: string): Promise<Record<string, string>> {
  const keys = (await redis.keys(`jobq:{${queueName}}:*`)).sort()
  const contents: Record<string, string> = {}
  for (const key of keys) {
    const type = await redis.type(key)
    let parts: string[]
    if (type === 'string') {
      parts = [(await redis.getBuffer(key))?.toString('hex') ?? '']
    } else if (type === 'hash') {
      const all = await redis.hgetallBuffer(key)
      parts = Object.entries(all).map(([field, value]) => `${field}=${value.toString('hex')}`).sort()
    } else if (type === 'zset') {
      parts = await redis.zrange(key, '0', '-1', 'WITHSCORES')
    } else {
      parts = [`(${type})`]
    }
    contents[key] = `${type}:${parts.length}:` + createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16)
  }
  return contents
}

// ---------------------------------------------------------------------------------------------
// Figures

export interface Figures {
  scenario: string
  acknowledged: number
  completed: number
  failed: number
  lost: number
  duplicate_dispatches: number
  recovery_ms: number | null
  duration_ms: number
  [more: string]: unknown
}

/** Prints the figures as test diagnostics and writes them as one JSON line to results/<scenario>.json. */
export function report (t: TestContext, figures: Figures): void {
  const line = JSON.stringify({ ...figures, at: new Date().toISOString() })
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(join(RESULTS, `${figures.scenario}.json`), line + '\n')
  for (const [key, value] of Object.entries(figures)) t.diagnostic(`${key}: ${JSON.stringify(value)}`)
}

// ---------------------------------------------------------------------------------------------
// Small tools

export { waitFor }

/** Runs `fn` over `items`, at most `parallel` at once. */
export async function mapPool<T> (items: T[], parallel: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i], i)
    }
  }))
}

/** A small seeded PRNG (mulberry32), so a chaos run can be replayed from its printed seed. */
export function seededRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export function percentile (values: number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

export const round = (ms: number): number => Math.round(ms)
