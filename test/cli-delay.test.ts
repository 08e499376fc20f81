import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildTestApp, registerHandler, startRedis } from './helper.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..')
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('JOBQ_'))) as Record<string, string>

describe('jobq enqueue --delay and --at', () => {
  it('should schedule the job that far ahead, and refuse a malformed duration as a usage error', { timeout: 60_000 }, async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    await registerHandler(app, 'later.task', 'http://127.0.0.1:9/x')
    await app.listen({ host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const jobq = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args, '--json'],
      { cwd: root, env: { ...baseEnv, JOBQ_URL: url } }).then((r) => JSON.parse(r.stdout), (err) => err)

    const before = Date.now()
    const delayed = await jobq('enqueue', 'later.task', 'd1', '--delay', '90s')
    assert.equal(delayed.status, 'scheduled')
    const due = Date.parse(delayed.next_attempt_at)
    assert.ok(due >= before + 90_000 && due <= Date.now() + 90_000, delayed.next_attempt_at)

    const at = new Date(Date.now() + 3_600_000).toISOString()
    const timed = await jobq('enqueue', 'later.task', 'd2', '--at', at)
    assert.equal(timed.next_attempt_at, at)

    const bad = await jobq('enqueue', 'later.task', 'd3', '--delay', 'soon')
    assert.equal(bad.code, 2, String(bad.stderr))
    assert.match(String(bad.stderr), /--delay: "soon" is not a duration/)
  })
})
