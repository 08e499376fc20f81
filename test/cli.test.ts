import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, startRedis, uniqueQueueName } from './helper.js'

const root = join(import.meta.dirname, '..')
const jobq = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 })

describe('jobq', () => {
  it('should stop at start, exit 2 and name a malformed setting', () => {
    const res = jobq(['api'], { PORT: 'eighty' })
    assert.equal(res.status, 2)
    assert.match(res.stderr, /PORT: "eighty" is not a whole number/)
  })

  it('should name an unknown JOBQ_ variable and an unknown flag', () => {
    assert.match(jobq(['worker'], { JOBQ_CONCURENCY: '4' }).stderr, /JOBQ_CONCURENCY: unknown setting/)
    assert.match(jobq(['worker', '--concurency', '4']).stderr, /--concurency: unknown option/)
  })

  it('should refuse an unknown command and print help', () => {
    const bad = jobq(['serve'])
    assert.equal(bad.status, 2)
    assert.match(bad.stderr, /unknown command "serve"/)
    const help = jobq(['worker', '--help'])
    assert.equal(help.status, 0)
    assert.match(help.stdout, /--concurrency\s+JOBQ_CONCURRENCY\s+16/)
  })

  it('should run the API and a worker with `jobq start` and stop both on SIGTERM', async (t) => {
    const redis = await startRedis(t)
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--port', String(port)], {
      cwd: root, env: { ...process.env, REDIS_URL: redis.url, JOBQ_QUEUE: uniqueQueueName(), LOG_LEVEL: 'warn' }, stdio: 'ignore'
    })
    t.after(() => child.kill('SIGKILL'))
    let ready = false
    for (let i = 0; i < 200 && !ready; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)
      if (!ready) await sleep(100)
    }
    assert.ok(ready, 'the API answered /readyz')
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  })
})
