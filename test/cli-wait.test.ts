import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, registerHandler, sharedRedis, waitFor, type Cleanup } from './helper.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..')
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('JOBQ_'))) as Record<string, string>

interface Run { code: number, stdout: string, stderr: string, json: any }

/** `jobq` from source against the app; the exit status, output, and stdout as JSON when it is. */
function jobqFor (app: FastifyInstance) {
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  return (...args: string[]): Promise<Run> => run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...baseEnv, JOBQ_URL: url } })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (err) => ({ code: err.code as number, stdout: String(err.stdout), stderr: String(err.stderr) }))
    .then((r) => {
      let json: any = null
      try { json = JSON.parse(r.stdout) } catch {}
      return { ...r, json }
    })
}

async function startApi (t: Cleanup, redisUrl: string): Promise<FastifyInstance> {
  const app = await buildTestApp(t, redisUrl)
  await registerHandler(app, 'w.task', 'http://127.0.0.1:9/x')
  await app.listen({ host: '127.0.0.1', port: 0 })
  return app
}

describe('jobq wait and jobq enqueue --wait', () => {
  const redis = sharedRedis()

  it('should print a job that ended with exit 0 (completed) or 7 (failed, cancelled), and exit 8 when --timeout runs out', { timeout: 60_000 }, async (t) => {
    const app = await startApi(t, redis().url)
    const jobq = jobqFor(app)
    await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'w.task', entity_id: 'slow' } })
    const started = performance.now()
    const timedOut = await jobq('wait', 'slow', '--timeout', '1s', '--json')
    assert.equal(timedOut.code, 8, timedOut.stderr)
    assert.ok(performance.now() - started >= 1000)
    assert.equal(timedOut.json.status, 'queued')
    assert.match(timedOut.stderr, /still queued after --timeout/)

    const { jobs: [job] } = await app.jobQueue.claim(1, 'test', 60_000)
    await app.jobQueue.complete(job.job_id, job.lease!, '{"sent":true}')
    const done = await jobq('wait', job.job_id)
    assert.equal(done.code, 0, done.stderr)
    assert.match(done.stdout, /^status +completed$/m)

    await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'w.task', entity_id: 'gone' } })
    await app.inject({ method: 'DELETE', url: '/jobs/gone' })
    const cancelled = await jobq('wait', 'gone', '--json')
    assert.equal(cancelled.code, 7)
    assert.equal(cancelled.json.status, 'cancelled')
    assert.equal((await jobq('wait', 'nobody')).code, 3)
    assert.equal((await jobq('wait', 'slow', '--timeout', 'soon')).code, 2)
  })

  it('should wait for the end of a job being worked on, and enqueue --wait for the one it enqueued', { timeout: 60_000 }, async (t) => {
    const app = await startApi(t, redis().url)
    const jobq = jobqFor(app)
    const waiting = jobq('enqueue', 'w.task', 'later', '--wait', '--json')
    const job = await waitFor('the job enqueued', async () => (await app.jobQueue.claim(1, 'test', 60_000)).jobs[0])
    await new Promise((resolve) => setTimeout(resolve, 300))
    await app.jobQueue.fail(job.job_id, job.lease!, 'handler said 400', null)
    const res = await waiting
    assert.equal(res.code, 7, res.stderr)
    assert.equal(res.json.job_id, job.job_id)
    assert.equal(res.json.status, 'failed')
    assert.equal(res.json.outcome, 'created')
    assert.match(res.stderr, /failed: handler said 400/)

    await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'w.task', entity_id: 'next' } })
    const next = await app.jobQueue.claim(1, 'test', 60_000)
    const waitingToo = jobq('wait', 'next')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await app.jobQueue.complete(next.jobs[0].job_id, next.jobs[0].lease!, null)
    assert.equal((await waitingToo).code, 0)

    const usage = await jobq('enqueue', 'w.task', 'x', '--timeout', '5s')
    assert.equal(usage.code, 2)
    assert.match(usage.stderr, /--timeout: only with --wait/)
  })
})
