import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before } from 'node:test'
import { Redis } from 'ioredis'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from '../src/config/config.js'
import { buildApp, type BuildAppOptions } from '../src/api/app.js'
import { freePort } from './free-port.js'

export { freePort }

/** What startRedis and buildTestApp need from a test: somewhere to register their cleanup. */
export interface Cleanup {
  after: (fn: () => unknown) => void
}

export interface TestRedis {
  port: number
  url: string
  dir: string
  /** A plain client for inspecting state; closed with the server. */
  client: Redis
  stop (): Promise<void>
  start (): Promise<void>
}

/**
 * A redis-server of the test's own, on a free port in a temp dir, stopped after the test.
 * Never the machine's shared 6379: tests stop, restart and fill these.
 */
export async function startRedis (t: Cleanup, extraArgs: string[] = []): Promise<TestRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'jobq-redis-'))
  let proc: ChildProcess | null = null
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' })
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
    // Refused connects while the server boots are expected; the loop retries them.
    probe.on('error', () => {})
    for (let i = 0; i < 200; i++) {
      try {
        await probe.connect()
        await probe.ping()
        probe.disconnect()
        return
      } catch {
        probe.disconnect()
        await sleep(25)
      }
    }
    throw new Error(`redis-server on ${port} did not start`)
  }
  const stop = async () => {
    const p = proc
    proc = null
    if (!p || p.exitCode !== null) return
    const exited = new Promise((resolve) => p.once('exit', resolve))
    p.kill('SIGKILL')
    await exited
  }
  await start()
  const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 50, 500) })
  client.on('error', () => {})
  t.after(async () => {
    client.disconnect()
    await stop()
    rmSync(dir, { recursive: true, force: true })
  })
  return { port, url: `redis://127.0.0.1:${port}`, dir, client, stop, start }
}

/**
 * One redis-server shared by the tests of a describe block (started in its `before`, stopped in its
 * `after`), so a file costs one server; each test still gets its own queue through buildTestApp.
 */
export function sharedRedis (extraArgs: string[] = []): () => TestRedis {
  let redis: TestRedis | undefined
  const cleanups: Array<() => unknown> = []
  before(async () => {
    redis = await startRedis({ after: (fn) => { cleanups.push(fn) } }, extraArgs)
  })
  after(async () => {
    for (const fn of cleanups.reverse()) await fn()
  })
  return () => {
    if (!redis) throw new Error('sharedRedis() is only ready inside tests of its describe block')
    return redis
  }
}

/** A queue name no other test uses, so tests can share a Redis. */
export function uniqueQueueName (): string {
  return `test-${randomUUID()}`
}

/** Configuration as the processes would load it, for a test's Redis and queue. */
export function testConfig (redisUrl: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({ REDIS_URL: redisUrl, JOBQ_QUEUE: uniqueQueueName(), ...overrides })
}

/** The API built around a test's Redis, ready for `inject`, closed after the test. */
export async function buildTestApp (t: Cleanup, redisUrl: string, overrides: Record<string, string> = {}, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(redisUrl, overrides), options)
  t.after(() => app.close())
  await app.ready()
  // The client connects in the background (and refuses commands until then): wait until it answers.
  for (let i = 0; i < 200; i++) {
    try {
      await app.jobQueue.redis.ping()
      break
    } catch {
      await sleep(10)
    }
  }
  return app
}

/** Registers a handler through the API and returns its signing secret. */
export async function registerHandler (app: FastifyInstance, name: string, url: string, settings: Record<string, number> = {}): Promise<string> {
  const res = await app.inject({ method: 'PUT', url: `/handlers/${name}`, payload: { url, ...settings } })
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`PUT /handlers/${name}: ${res.statusCode} ${res.body}`)
  return res.json().secret
}

/**
 * A cleanup scope for a whole describe block: call it in the describe body and pass it where a test
 * context is expected (startRedis, buildTestApp), so one redis-server serves every test of the block.
 */
export function suiteContext (): { after: (fn: () => unknown) => void } {
  const cleanups: Array<() => unknown> = []
  after(async () => {
    for (const fn of cleanups.reverse()) await fn()
  })
  return { after: (fn) => { cleanups.push(fn) } }
}

/** The key Redis stores a job under (lua/includes/job.lua): its job_id after the time part, unpadded. */
export function jobKey (jobId: string): string {
  return jobId.slice(7).replace(/^0+/, '')
}

/** Every key of a queue with its DUMP: equal snapshots mean nothing stored changed in between. */
export async function snapshotQueue (client: Redis, queue: string): Promise<Record<string, string>> {
  const keys = (await client.keys(`jobq:{${queue}}:*`)).sort()
  const snapshot: Record<string, string> = {}
  for (const key of keys) snapshot[key] = (await client.dumpBuffer(key))?.toString('hex') ?? ''
  return snapshot
}

/**
 * Polls `probe` until it returns something other than undefined/false; fails at the deadline, or
 * at once when `abort` says so (a process the test waits on has died).
 */
export async function waitFor<T> (what: string, probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000, intervalMs = 20, abort: () => boolean = () => false): Promise<T> {
  const deadline = performance.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined && value !== false) return value
    } catch (err) {
      last = err
    }
    if (abort() || performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    }
    await sleep(intervalMs)
  }
}
