import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { freePort, startRedis, uniqueQueueName } from '../helper.js'

const root = join(import.meta.dirname, '../..')

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** One request on a connection of its own, so that the primary hands it to the next process in turn. */
async function fresh (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<{ status: number, text: string }> {
  const res = await request(url, {
    method,
    headers: { connection: 'close', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    reset: true,
    headersTimeout: 10_000,
    bodyTimeout: 10_000
  })
  return { status: res.statusCode, text: await res.body.text() }
}

async function until<T> (what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

describe('jobq api --processes N', () => {
  it('should serve one port from every process, replace one that dies, and stop them all on SIGTERM', async (t) => {
    const redis = await startRedis(t)
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const env: Record<string, string> = {}
    for (const [name, value] of Object.entries(process.env)) {
      if (value !== undefined && !name.startsWith('JOBQ_') && !name.startsWith('NODE_TEST')) env[name] = value
    }
    Object.assign(env, { REDIS_URL: redis.url, JOBQ_QUEUE: uniqueQueueName(), LOG_LEVEL: 'info', LOG_FORMAT: 'json', HOST: '127.0.0.1', PORT: String(port) })
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'api', '--processes', '2'], {
      cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe']
    })
    const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
    // The group (the primary and the processes it forked) never outlives the test.
    t.after(async () => {
      try { process.kill(-(child.pid as number), 'SIGKILL') } catch {}
      await exited
    })
    const lines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    const listening = () => lines().filter((l) => l.msg === 'API process listening').map((l) => l.pid as number)

    const [first, second] = await until('two API processes listening', () => listening().length >= 2 ? listening() : undefined)
    assert.notEqual(first, second)
    assert.deepEqual(new Set(lines().filter((l) => l.msg === 'API process listening').map((l) => l.port)), new Set([port]))

    // Each process counts the enqueues it served in its own /metrics. With every request on a new
    // connection, no process has served them all: every scrape shows a count above 0 and below the total.
    assert.equal((await fresh('PUT', `${base}/handlers/multi.task`, { url: 'http://127.0.0.1:9/hook' })).status, 201)
    const jobs = 13
    for (let i = 0; i < jobs; i++) assert.equal((await fresh('POST', `${base}/jobs`, { task: 'multi.task', entity_id: `e${i}` })).status, 201)
    const counts: number[] = []
    for (let i = 0; i < 6; i++) {
      const { text } = await fresh('GET', `${base}/metrics`)
      counts.push(Number(/^jobq_enqueue_total\{[^}]*outcome="created"[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0))
    }
    assert.ok(counts.every((n) => n > 0 && n < jobs), `enqueues counted by the processes that answered the scrapes: ${counts.join(', ')}`)
    const distinct = [...new Set(counts)]
    if (distinct.length === 2) assert.equal(distinct[0] + distinct[1], jobs)

    // A process that dies is replaced, and the port is served meanwhile by the other.
    process.kill(first, 'SIGKILL')
    await until('the primary to see it die', () => lines().some((l) => l.msg === 'API process exited; starting another' && l.pid === first && l.signal === 'SIGKILL') ? true : undefined)
    assert.equal((await fresh('GET', `${base}/readyz`)).status, 200)
    const replacement = await until('a replacement process', () => listening().find((pid) => pid !== first && pid !== second))
    // With the other original process gone too, the replacement alone answers.
    process.kill(second, 'SIGKILL')
    await until('the second replacement', () => listening().length >= 4 ? true : undefined)
    for (let i = 0; i < 4; i++) assert.equal((await fresh('GET', `${base}/jobs/e${i}`)).status, 200)
    assert.ok(alive(replacement))

    child.kill('SIGTERM')
    assert.deepEqual(await exited, { code: 0, signal: null }, output)
    const survivors = listening().filter((pid) => pid !== first && pid !== second)
    await until('every API process to exit with the primary', () => survivors.every((pid) => !alive(pid)) ? true : undefined, 10_000)
  })
})
