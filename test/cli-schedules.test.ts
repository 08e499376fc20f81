import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildTestApp, registerHandler, startRedis } from './helper.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..')
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('JOBQ_'))) as Record<string, string>

describe('jobq schedules', () => {
  it('should add, list, pause, resume, trigger and remove a schedule, per queue too', { timeout: 120_000 }, async (t) => {
    const redis = await startRedis(t)
    const app = await buildTestApp(t, redis.url)
    await registerHandler(app, 'report', 'http://127.0.0.1:9/x')
    await app.inject({ method: 'PUT', url: '/queues/other/handlers/report', payload: { url: 'http://127.0.0.1:9/x' } })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const jobq = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...baseEnv, JOBQ_URL: url } })
        return { code: 0, stdout, stderr }
      } catch (err) {
        const { code, stdout, stderr } = err as { code: number, stdout: string, stderr: string }
        return { code, stdout, stderr }
      }
    }

    const added = await jobq('schedules', 'add', 'nightly', '30 2 * * *', 'report', 'nightly-report', '--timezone', 'Europe/Berlin',
      '--kwargs', '{"format":"pdf"}', '--priority', '2', '--catch-up', 'none', '--json')
    assert.equal(added.code, 0, added.stderr)
    const schedule = JSON.parse(added.stdout)
    assert.deepEqual([schedule.name, schedule.timezone, schedule.job.kwargs, schedule.job.priority, schedule.catch_up],
      ['nightly', 'Europe/Berlin', { format: 'pdf' }, 2, 'none'])

    const list = await jobq('schedules', 'list')
    assert.match(list.stdout, /^NAME +CRON +TIMEZONE/)
    assert.match(list.stdout, /nightly +30 2 \* \* \* +Europe\/Berlin +report +nightly-report +20\d\d-/)

    assert.match((await jobq('schedules', 'pause', 'nightly')).stdout, /^paused schedule nightly\n[\s\S]*paused +true/)
    assert.match((await jobq('schedules', 'list')).stdout, /nightly .* paused /)
    assert.match((await jobq('schedules', 'resume', 'nightly')).stdout, /^resumed schedule nightly\n[\s\S]*paused +false/)
    const triggered = await jobq('schedules', 'trigger', 'nightly')
    assert.match(triggered.stdout, /^outcome +created\n/)
    assert.match(triggered.stdout, /\nschedule +nightly \(tick 20\d\d-/)
    assert.match((await jobq('schedules', 'rm', 'nightly')).stdout, /^removed schedule nightly\n$/)

    const missing = await jobq('schedules', 'rm', 'nightly')
    assert.equal(missing.code, 3, missing.stderr)
    const bad = await jobq('schedules', 'add', 'bad', '61 * * * *', 'report', 'e')
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /body\.cron: /)

    assert.equal((await jobq('schedules', 'add', 'hourly', '0 * * * *', 'report', 'h', '--queue', 'other')).code, 0)
    assert.match((await jobq('schedules', 'list', '--queue', 'other')).stdout, /hourly/)
    assert.match((await jobq('schedules', 'list')).stdout, /^no schedules/)
    const help = await jobq('schedules', '--help')
    for (const sub of ['add', 'list', 'rm', 'pause', 'resume', 'trigger']) assert.match(help.stdout, new RegExp(`jobq schedules ${sub}\\b`))
  })
})
