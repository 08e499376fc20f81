import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { buildTestApp, freePort, registerHandler, startRedis, uniqueQueueName, waitFor, type Cleanup } from './helper.js'

/**
 * What a new user sees: `jobq start`, `jobq api` and `jobq worker` with Redis away, with a private
 * redis-server, in both log formats, and `jobq doctor`; real processes on loopback.
 */

const ROOT = join(import.meta.dirname, '..')
const CLI = join(ROOT, 'src/cli.ts')
// By URL, so a process started in another directory still finds it.
const TSX = import.meta.resolve('tsx')

interface Proc {
  child: ChildProcess
  /** What it wrote, stdout and stderr together. */
  output (): string
  lines (): string[]
  exited: Promise<number | null>
}

/** `jobq <args>` as a user runs it, without the runner's own settings; SIGKILLed after the test. */
function jobq (t: Cleanup, args: string[], env: Record<string, string>, cwd = ROOT): Proc {
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(JOBQ_|NODE_TEST|LOG_|REDIS_|PORT$|HOST$)/.test(key)) base[key] = value
  }
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => { text += chunk.toString('utf8') })
  child.stderr?.on('data', (chunk: Buffer) => { text += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  return { child, output: () => text, lines: () => text.split('\n').filter((l) => l.trim() !== ''), exited }
}

/** Whether anything accepts a connection on 127.0.0.1:port. */
function listening (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

const readyz = (port: number) => fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0)

const isJson = (line: string) => {
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

describe('a first run', { timeout: 120_000 }, () => {
  it('should say once that Redis cannot be reached, with what to do, then that it is back', async (t) => {
    // A Redis stopped at once: its port is where the processes look, with nothing there yet.
    const redis = await startRedis(t)
    await redis.stop()
    const port = await freePort()
    const env = { REDIS_URL: redis.url, JOBQ_QUEUE: uniqueQueueName(), LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port) }
    // No LOG_FORMAT: into a pipe, that is JSON.
    const procs = { api: jobq(t, ['api'], env), worker: jobq(t, ['worker'], env) }
    for (const [name, proc] of Object.entries(procs)) {
      await waitFor(`${name} to report Redis unreachable`, () => proc.output().includes('cannot reach Redis'), 30_000, 50)
    }
    // Not a stream: over 3 s, one line about it and nothing else at warn or above.
    await sleep(3000)
    for (const [name, proc] of Object.entries(procs)) {
      const lines = proc.lines()
      assert.ok(lines.every(isJson), `${name} writes JSON lines into a pipe:\n${proc.output()}`)
      const entries = lines.map((line) => JSON.parse(line) as { level: number, msg: string, err?: unknown })
      const warnings = entries.filter((e) => e.level >= 40)
      assert.equal(warnings.length, 1, `${name} warned once:\n${proc.output()}`)
      const [warning] = warnings
      assert.match(warning.msg, new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${redis.port} \\(connect ECONNREFUSED`))
      assert.match(warning.msg, /redis-server --port \d+/)
      assert.match(warning.msg, /REDIS_URL/)
      assert.equal(warning.err, undefined, 'an expected condition carries no error object')
      assert.ok(!proc.output().includes('stack'), `${name} printed no stack trace:\n${proc.output()}`)
    }
    // Serving all the same, and saying it is not ready.
    await waitFor('/readyz to answer 503', async () => await readyz(port) === 503, 15_000, 100)

    await redis.start()
    for (const [name, proc] of Object.entries(procs)) {
      await waitFor(`${name} to say Redis is back`, () => /Redis at \S+ is reachable again/.test(proc.output()), 30_000, 50)
    }
    await waitFor('the worker to start', () => procs.worker.output().includes('worker started'), 15_000, 50)
    await waitFor('/readyz to answer 200', async () => await readyz(port) === 200, 15_000, 100)
  })

  it('should run a private redis-server with `jobq start --redis-server`, and stop it on SIGTERM', async (t) => {
    const redisPort = await freePort()
    const port = await freePort()
    const cwd = mkdtempSync(join(tmpdir(), 'jobq-first-run-'))
    t.after(() => rmSync(cwd, { recursive: true, force: true }))
    const start = jobq(t, ['start', '--redis-server', '--port', String(port)],
      { REDIS_URL: `redis://127.0.0.1:${redisPort}`, JOBQ_QUEUE: uniqueQueueName(), LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, cwd)
    // A redis-server that outlived the test would hold its port: stop it whatever happens.
    t.after(async () => {
      const client = new Redis({ port: redisPort, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null })
      client.on('error', () => {})
      await client.connect().then(() => client.shutdown('NOSAVE'), () => {}).catch(() => {})
      client.disconnect()
    })
    await waitFor('the API to answer /readyz', async () => await readyz(port) === 200, 60_000, 100)
    assert.match(start.output(), /started a private redis-server on redis:\/\/127\.0\.0\.1:\d+ \(pid \d+\), data in \.jobq\/redis/)

    const client = new Redis({ port: redisPort, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null })
    client.on('error', () => {})
    try {
      assert.deepEqual(await client.config('GET', 'dir'), ['dir', join(cwd, '.jobq/redis')])
      assert.deepEqual(await client.config('GET', 'appendonly'), ['appendonly', 'yes'])
      assert.deepEqual(await client.config('GET', 'bind'), ['bind', '127.0.0.1'])
    } finally {
      client.disconnect()
    }
    assert.ok(existsSync(join(cwd, '.jobq/redis/appendonlydir')), 'the append-only file is under the working directory')

    start.child.kill('SIGTERM')
    assert.equal(await start.exited, 0, start.output())
    assert.match(start.output(), /stopped the private redis-server/)
    assert.equal(await listening(redisPort), false, 'the private redis-server is gone')
  })

  it('should write one readable line per event with LOG_FORMAT=pretty, and JSON with json', async (t) => {
    const dead = await freePort()
    const env = { REDIS_URL: `redis://127.0.0.1:${dead}`, JOBQ_QUEUE: uniqueQueueName(), LOG_LEVEL: 'info' }
    const pretty = jobq(t, ['worker'], { ...env, LOG_FORMAT: 'pretty' })
    const json = jobq(t, ['worker'], { ...env, LOG_FORMAT: 'json' })
    for (const proc of [pretty, json]) {
      await waitFor('the worker to report Redis unreachable', () => proc.output().includes('cannot reach Redis'), 30_000, 50)
    }
    await sleep(500)
    const lines = pretty.lines()
    assert.ok(lines.length > 0 && lines.every((line) => !isJson(line)), pretty.output())
    const reported = lines.filter((line) => line.includes('cannot reach Redis'))
    assert.equal(reported.length, 1, pretty.output())
    assert.match(reported[0], /^\[\d\d:\d\d:\d\d\.\d\d\d\] WARN: \(worker\) cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ .*REDIS_URL/)
    assert.ok(json.lines().every(isJson), json.output())
  })

  it('should check Redis and the handlers with `jobq doctor`: warnings exit 0, an unreachable Redis 1', async (t) => {
    const redis = await startRedis(t)
    const hookPort = await freePort()
    // A queue with a handler nothing answers for, and a default queue with no data yet.
    const other = uniqueQueueName()
    const app = await buildTestApp(t, redis.url, { JOBQ_QUEUE: other })
    await registerHandler(app, 'email.send', `http://127.0.0.1:${hookPort}/`)
    const queue = uniqueQueueName()

    const doctor = jobq(t, ['doctor'], { REDIS_URL: redis.url, JOBQ_QUEUE: queue })
    assert.equal(await doctor.exited, 0, doctor.output())
    const out = doctor.output()
    assert.match(out, new RegExp(`^ok +Redis answers at redis://127\\.0\\.0\\.1:${redis.port}`, 'm'))
    assert.match(out, /^ok +Redis \d+\.\d+/m)
    assert.match(out, /^warn +append-only file off/m)
    assert.match(out, /^ok +maxmemory-policy noeviction/m)
    assert.match(out, new RegExp(`^ok +data readable: ${other} \\(format \\d+\\)`, 'm'))
    assert.match(out, new RegExp(`^ok +no data yet: ${queue}`, 'm'))
    assert.match(out, new RegExp(`^warn +handler email\\.send \\(queue ${other}\\) at http://127\\.0\\.0\\.1:${hookPort}/ does not answer`, 'm'))
    assert.match(out, /^0 failed, 2 warnings$/m)
    assert.equal(await redis.client.exists(`jobq:{${queue}}:format`), 0, 'the doctor wrote nothing')

    const dead = await freePort()
    const down = jobq(t, ['doctor'], { REDIS_URL: `redis://:hunter2@127.0.0.1:${dead}` })
    assert.equal(await down.exited, 1, down.output())
    assert.match(down.output(), new RegExp(`^fail +cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${dead} .*redis-server`, 'm'))
    assert.ok(!down.output().includes('hunter2'), 'the password is never shown')
  })
})
