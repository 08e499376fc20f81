import { it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { buildTestApp, startRedis, uniqueQueueName } from './helper.js'
import { startWorker } from './worker/worker-helper.js'
import { runToEnd, type Ran } from './run-to-end.js'

/**
 * The Python client (clients/python) against a real API, worker and Redis: its unittest suite run by
 * the system python3, with PYTHONPATH at the package as a user without pip would set it. The suite
 * starts the package's WSGI example handler itself (it needs the handler's secret, which only
 * registering gives) and a recording handler of its own.
 */

const ROOT = join(import.meta.dirname, '..')
const PACKAGE = join(ROOT, 'clients/python')
const CLIENT_KEY = 'client-key-for-the-python-tests'
const ADMIN_KEY = 'admin-key-for-the-python-tests'

const python = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' })
const pythonVersion = python.error || python.status !== 0 ? null : python.stdout.trim()
const skip = pythonVersion === null
  ? 'python3 is not installed, so the Python client is not tested (Debian: apt-get install python3)'
  : Number(pythonVersion.split('.')[1]) < 9 && pythonVersion.startsWith('3.')
    ? `python3 is ${pythonVersion}; the Python client needs 3.9 or later`
    : false

/** python3 -m unittest, SIGKILLed after `timeoutMs`; stdout and stderr interleaved, as a terminal shows them. */
async function unittest (args: string[], env: Record<string, string>, timeoutMs: number): Promise<Ran> {
  const base: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    // The runner's own JOBQ_* settings are not the suite's; PYTHON* could point python3 elsewhere.
    if (value !== undefined && !/^(JOBQ_|NODE_TEST|PYTHON)/.test(name)) base[name] = value
  }
  return await runToEnd('python3', ['-m', 'unittest', ...args], {
    cwd: PACKAGE,
    env: { ...base, PYTHONPATH: PACKAGE, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...env },
    timeoutMs
  })
}

it('should pass the Python client\'s tests against a real API, worker and Redis', { skip, timeout: 90_000 }, async (t) => {
  const redis = await startRedis(t)
  const queue = uniqueQueueName()
  const named = `py-named-${queue.slice(-12)}`
  const app = await buildTestApp(t, redis.url, { JOBQ_QUEUE: queue })
  const keyed = await buildTestApp(t, redis.url, { JOBQ_QUEUE: queue, JOBQ_API_KEYS: CLIENT_KEY, JOBQ_ADMIN_KEYS: ADMIN_KEY })
  const [url, keyedUrl] = await Promise.all([app.listen({ host: '127.0.0.1', port: 0 }), keyed.listen({ host: '127.0.0.1', port: 0 })])
  await startWorker(t, { redisUrl: redis.url, queue, env: { JOBQ_QUEUES: `${queue},${named}` } })

  const ran = await unittest(['discover', '-s', 'tests', '-v'], {
    JOBQ_URL: url,
    JOBQ_TEST_NAMED_QUEUE: named,
    JOBQ_TEST_KEYED_URL: keyedUrl,
    JOBQ_TEST_CLIENT_KEY: CLIENT_KEY,
    JOBQ_TEST_ADMIN_KEY: ADMIN_KEY
  }, 60_000)
  assert.equal(ran.code, 0, `python3 -m unittest exited ${ran.code ?? ran.signal}:\n${ran.output}`)
  assert.match(ran.output, /^OK$/m, ran.output)
  // Everything ran: nothing against the real API was skipped for want of a setting.
  assert.doesNotMatch(ran.output, /skipped/, ran.output)
  const count = Number(/^Ran (\d+) tests? in /m.exec(ran.output)?.[1])
  assert.ok(count >= 30, `expected the whole suite to run, got ${count} tests:\n${ran.output}`)
})
