import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer as createHttpServer } from 'node:http'
import { createServer as createTcpServer, type Socket } from 'node:net'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { ConfigError, loadClientConfig, loadConfig } from '../src/config/config.js'
import { buildTestApp, freePort, sharedRedis, startRedis, uniqueQueueName, waitFor, type Cleanup } from './helper.js'

/**
 * The client commands of `jobq`, run as the BUILT executable (`npm run build` first) against a real
 * API on a private redis-server: every command, tables and --json, every exit status, --help, and
 * `queue --watch` on a pipe and on a terminal.
 */

const root = join(import.meta.dirname, '..')
const CLI = join(root, 'dist/cli.js')
const CLIENT_KEY = 'client-key-for-the-cli-tests'
const ADMIN_KEY = 'admin-key-for-the-cli-tests'

/** The environment without the machine's JOBQ_* variables, so only what a test sets counts. */
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('JOBQ_'))) as Record<string, string>

interface Run {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Spawns the built jobq; stdout and stderr are collected as they come (`out()`, `err()`). */
function start (args: string[], env: Record<string, string> = {}, command = process.execPath, argv = [CLI, ...args]) {
  const child = spawn(command, argv, { cwd: root, env: { ...baseEnv, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const done = new Promise<Run>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (status, signal) => {
      clearTimeout(kill)
      resolve({ status, signal, stdout, stderr })
    })
  })
  return { child, done, out: () => stdout, err: () => stderr }
}

/** Runs the built jobq to its end. Never spawnSync: the API that answers it runs in this process. */
function jobq (args: string[], env: Record<string, string> = {}): Promise<Run> {
  return start(args, env).done
}

/** Name/value lines (`jobq status`) as a map; also checks that the values form one aligned column. */
function parseFields (text: string): Map<string, string> {
  const lines = text.trimEnd().split('\n')
  const columns = new Set<number>()
  const fields = new Map<string, string>()
  for (const line of lines) {
    const match = /^(\S+)( +)(.*)$/.exec(line)
    assert.ok(match, `a name/value line: ${JSON.stringify(line)}`)
    columns.add(match[1].length + match[2].length)
    fields.set(match[1], match[3])
  }
  assert.equal(columns.size, 1, `values aligned in one column:\n${text}`)
  return fields
}

/** Number of `--- <time> <url>` snapshot headers of `jobq queue --watch` on a pipe. */
const snapshots = (text: string) => (text.match(/^--- \S+ http/gm) ?? []).length

const hasUtilLinuxScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false

describe('jobq client commands (built binary against a real API)', () => {
  const redis = sharedRedis()

  before(() => {
    try {
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe', timeout: 180_000 })
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: Buffer, stderr?: Buffer }
      throw new Error(`npm run build failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`)
    }
  })

  interface Api {
    app: FastifyInstance
    url: string
    /** JOBQ_URL and an admin JOBQ_API_KEY for it. */
    env: Record<string, string>
  }

  /** An API with keys on its own queue, listening on a free port; closed after the test. */
  async function startApi (t: Cleanup, redisUrl = redis().url): Promise<Api> {
    const app = await buildTestApp(t, redisUrl, { JOBQ_API_KEYS: CLIENT_KEY, JOBQ_ADMIN_KEYS: ADMIN_KEY })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    return { app, url, env: { JOBQ_URL: url, JOBQ_API_KEY: ADMIN_KEY } }
  }

  async function addHandler (api: Api, name = 'email.send'): Promise<void> {
    const res = await api.app.inject({ method: 'PUT', url: `/handlers/${name}`, headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: { url: 'http://127.0.0.1:9/hook' } })
    assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body)
  }

  /** Enqueues through the API itself, for tests whose subject is another command. */
  async function enqueue (api: Api, entity: string, priority = 1): Promise<void> {
    const res = await api.app.inject({ method: 'POST', url: '/jobs', headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: { task: 'email.send', entity_id: entity, priority } })
    assert.equal(res.statusCode, 201, res.body)
  }

  async function apiJson (api: Api, url: string): Promise<any> {
    const res = await api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    return res.json()
  }

  /** Takes the next queued job into processing, as a worker would. */
  async function claim (api: Api) {
    const { jobs } = await api.app.jobQueue.claim(1, 'cli-test-worker', 60_000)
    assert.equal(jobs.length, 1)
    return jobs[0]
  }

  describe('--help', () => {
    const QUEUE = /--queue NAME +The named queue/
    const commands: Array<[string[], RegExp[]]> = [
      [['enqueue'], [/<task>/, /<entity_id>/, /--priority N/, /--args JSON/, /--kwargs JSON/, /--metadata JSON/, /--wait/, /--timeout DURATION/, QUEUE]],
      [['status'], [/<id>/, /job_id, or an entity_id/, QUEUE]],
      [['wait'], [/<id>/, /--timeout DURATION/, /^ {2}8 {2}the job had not ended/m, QUEUE]],
      [['priority'], [/<id>/, /<priority>/, /1 \(highest\), 2 or 3/, QUEUE]],
      [['cancel'], [/<id>/, /deleted/, QUEUE]],
      [['retry'], [/<id>/, /failed job/, QUEUE]],
      [['queue'], [/--watch/, /--interval MS/, /throughput/, /SIGTERM/, QUEUE, /^ {2}3 {2}with --queue: no queue of that name/m]],
      [['queues'], [/first handler is registered/, /--queue NAME to work in one of them/]],
      [['handlers', 'add'], [/<name>/, /<url>/, /--timeout-ms N/, /--max-attempts N/, /--backoff-ms N/, /shown|printed this once/, QUEUE]],
      [['handlers', 'list'], [/never their secrets/, QUEUE]],
      [['handlers', 'rm'], [/<name>/, QUEUE]]
    ]

    it('should describe every command, the client settings and the exit statuses in jobq --help', async () => {
      const res = await jobq(['--help'])
      assert.equal(res.status, 0)
      for (const [words] of commands) assert.match(res.stdout, new RegExp(`^  ${words.join(' ')}\\b`, 'm'))
      for (const name of ['api', 'worker', 'start']) assert.match(res.stdout, new RegExp(`^  ${name}\\b`, 'm'))
      assert.match(res.stdout, /--url\s+JOBQ_URL\s+http:\/\/127\.0\.0\.1:3000/)
      assert.match(res.stdout, /--api-key\s+JOBQ_API_KEY\s+\(none\)/)
      for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8]) assert.match(res.stdout, new RegExp(`^  ${code}  \\S`, 'm'), `exit ${code} is documented`)
      assert.match(res.stdout, /--concurrency\s+JOBQ_CONCURRENCY\s+16/)
      assert.match(res.stdout, /take --queue NAME to work in a named queue/)
    })

    it('should give --help (and -h, and jobq help <command>) on every command and subcommand, with no API needed', async () => {
      const unreachable = { JOBQ_URL: `http://127.0.0.1:${await freePort()}` }
      await Promise.all(commands.map(async ([words, expected]) => {
        const [long, short, viaHelp] = await Promise.all([
          jobq([...words, '--help'], unreachable), jobq([...words, '-h'], unreachable), jobq(['help', ...words], unreachable)
        ])
        for (const res of [long, short, viaHelp]) {
          assert.equal(res.status, 0, `jobq ${words.join(' ')} --help: ${res.stderr}`)
          assert.equal(res.stdout, long.stdout)
        }
        assert.match(long.stdout, new RegExp(`^Usage: jobq ${words.join(' ')}`))
        for (const pattern of [...expected, /--json/, /--url URL/, /--api-key KEY/, /Exit status:/]) assert.match(long.stdout, pattern, `jobq ${words.join(' ')} --help`)
      }))
      const group = await jobq(['handlers', '--help'])
      assert.equal(group.status, 0)
      for (const sub of ['add', 'list', 'rm']) assert.match(group.stdout, new RegExp(`jobq handlers ${sub}\\b`))
      const queues = await jobq(['queues', '--help'], unreachable)
      assert.doesNotMatch(queues.stdout, /^ +--queue/m, 'jobq queues takes no --queue: it lists them all')
    })
  })

  describe('handlers', () => {
    it('should add a handler, print its secret once saying so, replace it, list it and remove it', async (t) => {
      const api = await startApi(t)
      const added = await jobq(['handlers', 'add', 'email.send', 'http://127.0.0.1:9/hook', '--timeout-ms', '5000', '--max-attempts', '3', '--backoff-ms', '250'], api.env)
      assert.equal(added.status, 0, added.stderr)
      const secret = /signing secret: (whsec_\S+)/.exec(added.stdout)?.[1]
      assert.ok(secret, added.stdout)
      assert.match(added.stdout, /shown only this once/)
      assert.match(added.stdout, /^max_attempts +3$/m)
      assert.deepEqual(await apiJson(api, '/handlers/email.send').then((h) => [h.timeout_ms, h.max_attempts, h.backoff_ms]), [5000, 3, 250])

      const replaced = await jobq(['handlers', 'add', 'email.send', 'http://127.0.0.1:9/other'], api.env)
      assert.equal(replaced.status, 0)
      assert.match(replaced.stdout, /^replaced handler email\.send/)
      assert.doesNotMatch(replaced.stdout, /whsec_/)
      assert.match(replaced.stdout, /secret is unchanged/)

      const withJson = await jobq(['handlers', 'add', 'sms.send', 'http://127.0.0.1:9/sms', '--json'], api.env)
      assert.equal(withJson.status, 0)
      assert.match(JSON.parse(withJson.stdout).secret, /^whsec_/)
      assert.match(withJson.stderr, /shown only this once/)

      const list = await jobq(['handlers', 'list'], api.env)
      assert.equal(list.status, 0)
      const [header, ...rows] = list.stdout.trimEnd().split('\n')
      assert.match(header, /^NAME\s+URL\s+STATE\s+QUEUED\s+SCHEDULED\s+IN_FLIGHT\s+LIMITS\s+TIMEOUT_MS\s+MAX_ATTEMPTS\s+BACKOFF_MS$/)
      assert.equal(rows.length, 2)
      assert.match(rows[0], /^email\.send\s+http:\/\/127\.0\.0\.1:9\/other\s+running\s+0\s+0\s+0\s+-\s+30000\s+5\s+1000$/)
      // Aligned: every column starts at the same offset in every line (URL is left-aligned).
      assert.equal(rows[0].indexOf('http'), header.indexOf('URL'))
      assert.equal(rows[1].indexOf('http'), header.indexOf('URL'))
      const rightEdge = (line: string, text: string) => line.indexOf(text) + text.length
      assert.equal(rightEdge(rows[0], '30000'), rightEdge(header, 'TIMEOUT_MS'), 'numbers right-aligned under their header')
      assert.doesNotMatch(list.stdout, /whsec_/)

      const listJson = await jobq(['handlers', 'list', '--json'], api.env)
      assert.deepEqual(JSON.parse(listJson.stdout), await apiJson(api, '/handlers'))

      const removed = await jobq(['handlers', 'rm', 'sms.send'], api.env)
      assert.equal(removed.status, 0)
      assert.match(removed.stdout, /removed handler sms\.send/)
      const again = await jobq(['handlers', 'rm', 'sms.send', '--json'], api.env)
      assert.equal(again.status, 3)
      assert.equal(JSON.parse(again.stdout).statusCode, 404)
      assert.match(again.stderr, /sms\.send/)

      const empty = await jobq(['handlers', 'rm', 'email.send'], api.env).then(() => jobq(['handlers', 'list'], api.env))
      assert.match(empty.stdout, /no handlers are registered/)
    })

    it('should set limits, show them, and pause and resume a handler', async (t) => {
      const api = await startApi(t)
      const added = await jobq(['handlers', 'add', 'api.call', 'http://127.0.0.1:9/hook', '--max-concurrency', '5', '--rate', '0.5', '--burst', '3'], api.env)
      assert.equal(added.status, 0, added.stderr)
      assert.match(added.stdout, /^limits +5 in flight, 0\.5\/s burst 3$/m)
      assert.deepEqual(await apiJson(api, '/handlers/api.call').then((h) => [h.max_concurrency, h.rate_per_second, h.burst]), [5, 0.5, 3])
      const paused = await jobq(['handlers', 'pause', 'api.call'], api.env)
      assert.equal(paused.status, 0, paused.stderr)
      assert.match(paused.stdout, /^paused handler api\.call: 0 queued, 0 scheduled, 0 in flight$/m)
      assert.equal((await apiJson(api, '/handlers/api.call')).paused, true)
      assert.match((await jobq(['handlers', 'list'], api.env)).stdout, /^api\.call\s+\S+\s+paused\s+0\s+0\s+0\s+5 in flight, 0\.5\/s burst 3\s/m)
      const resumed = await jobq(['handlers', 'resume', 'api.call', '--json'], api.env)
      assert.equal(resumed.status, 0)
      assert.equal(JSON.parse(resumed.stdout).paused, false)
      const missing = await jobq(['handlers', 'pause', 'no.such'], api.env)
      assert.equal(missing.status, 3)
      const badRate = await jobq(['handlers', 'add', 'x', 'http://127.0.0.1:9/', '--rate', 'fast'], api.env)
      assert.equal(badRate.status, 2)
      assert.match(badRate.stderr, /--rate: "fast" is not a number/)
      const burstAlone = await jobq(['handlers', 'add', 'x', 'http://127.0.0.1:9/', '--burst', '4'], api.env)
      assert.equal(burstAlone.status, 2)
      assert.match(burstAlone.stderr, /--burst: a burst needs --rate/)
    })

    it('should refuse bad settings locally and the API\'s 400 with exit 2, naming the field', async (t) => {
      const api = await startApi(t)
      const local = await jobq(['handlers', 'add', 'x', 'http://127.0.0.1:9/', '--timeout-ms', 'soon'], api.env)
      assert.equal(local.status, 2)
      assert.match(local.stderr, /--timeout-ms: "soon" is not a whole number/)
      const remote = await jobq(['handlers', 'add', 'x', 'http://127.0.0.1:9/', '--max-attempts', '0'], api.env)
      assert.equal(remote.status, 2)
      assert.match(remote.stderr, /max_attempts/)
      assert.match(remote.stderr, /400 from PUT \/handlers\/x/)
      const missing = await jobq(['handlers', 'add', 'x'], api.env)
      assert.equal(missing.status, 2)
      assert.match(missing.stderr, /missing <url>/)
      const noSub = await jobq(['handlers'], api.env)
      assert.equal(noSub.status, 2)
      assert.match(noSub.stderr, /needs a subcommand/)
      const badSub = await jobq(['handlers', 'delete', 'x'], api.env)
      assert.equal(badSub.status, 2)
      assert.match(badSub.stderr, /unknown command "jobq handlers delete"/)
    })

    it('should send --header values, show them only masked, keep them when left out and remove them with --header \'\'', async (t) => {
      const api = await startApi(t)
      const secret = 's3cr3t-value'
      const added = await jobq(['handlers', 'add', 'billing.charge', 'http://127.0.0.1:9/hook',
        '--header', `Authorization: Bearer ${secret}\nx-tenant:acme`], api.env)
      assert.equal(added.status, 0, added.stderr)
      assert.match(added.stdout, /^headers +authorization: \*{4}alue, x-tenant: \*{4}$/m)
      const stored = await api.app.handlerStore.get('billing.charge')
      assert.deepEqual(stored?.headers, { authorization: `Bearer ${secret}`, 'x-tenant': 'acme' })

      const list = await jobq(['handlers', 'list'], api.env)
      assert.match(list.stdout, /^NAME\s+URL\s+STATE\s+QUEUED\s+SCHEDULED\s+IN_FLIGHT\s+LIMITS\s+TIMEOUT_MS\s+MAX_ATTEMPTS\s+BACKOFF_MS\s+HEADERS$/m)
      assert.match(list.stdout, /authorization: \*{4}alue, x-tenant: \*{4}$/m)
      const listJson = await jobq(['handlers', 'list', '--json'], api.env)
      assert.deepEqual(JSON.parse(listJson.stdout).handlers[0].headers, { authorization: '****alue', 'x-tenant': '****' })
      for (const run of [added, list, listJson]) assert.ok(!(run.stdout + run.stderr).includes(secret), run.stdout)

      const kept = await jobq(['handlers', 'add', 'billing.charge', 'http://127.0.0.1:9/other', '--json'], api.env)
      assert.deepEqual(JSON.parse(kept.stdout).headers, { authorization: '****alue', 'x-tenant': '****' })
      const one = await jobq(['handlers', 'add', 'billing.charge', 'http://127.0.0.1:9/other', '--header', 'x-api-key: k-0123456789abcdef'], api.env)
      assert.match(one.stdout, /^headers +x-api-key: \*{4}cdef$/m)
      const removed = await jobq(['handlers', 'add', 'billing.charge', 'http://127.0.0.1:9/other', '--header', ''], api.env)
      assert.equal(removed.status, 0, removed.stderr)
      assert.match(removed.stdout, /^headers +-$/m)
      assert.deepEqual((await api.app.handlerStore.get('billing.charge'))?.headers, {})

      const reserved = await jobq(['handlers', 'add', 'billing.charge', 'http://127.0.0.1:9/', '--header', `webhook-id: ${secret}`], api.env)
      assert.equal(reserved.status, 2)
      assert.match(reserved.stderr, /body\.headers\.webhook-id: JobQ sets this header itself/)
      const malformed = await jobq(['handlers', 'add', 'billing.charge', 'http://127.0.0.1:9/', '--header', secret], api.env)
      assert.equal(malformed.status, 2)
      assert.match(malformed.stderr, /--header: each header is NAME: VALUE/)
      for (const run of [reserved, malformed]) assert.ok(!run.stderr.includes(secret), run.stderr)
    })
  })

  describe('jobs', () => {
    it('should enqueue with a table, --json, and every outcome', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      const created = await jobq(['enqueue', 'email.send', 'user-42', '--priority', '2', '--args', '["welcome", 1]',
        '--kwargs', '{"lang": "en"}', '--metadata={"by": "cli"}'], api.env)
      assert.equal(created.status, 0, created.stderr)
      const fields = parseFields(created.stdout)
      assert.equal(fields.get('outcome'), 'created')
      assert.equal(fields.get('entity_id'), 'user-42')
      assert.equal(fields.get('status'), 'queued')
      assert.equal(fields.get('priority'), '2')
      assert.equal(fields.get('args'), '["welcome",1]')
      assert.equal(fields.get('kwargs'), '{"lang":"en"}')
      assert.equal(fields.get('metadata'), '{"by":"cli"}')
      assert.equal(fields.get('started_at'), '-')
      const stored = await apiJson(api, '/jobs/user-42')
      assert.equal(fields.get('job_id'), stored.job_id)

      const exists = await jobq(['enqueue', 'email.send', 'user-42', '--priority', '3', '--json'], api.env)
      assert.equal(exists.status, 0)
      const existsJson = JSON.parse(exists.stdout)
      assert.equal(existsJson.outcome, 'exists')
      assert.equal(existsJson.job_id, stored.job_id)
      assert.deepEqual(existsJson.args, ['welcome', 1])

      const raised = await jobq(['enqueue', 'email.send', 'user-42', '--priority', '1'], api.env)
      assert.equal(parseFields(raised.stdout).get('outcome'), 'priority_raised')
      assert.equal(parseFields(raised.stdout).get('priority'), '1')

      const defaults = await jobq(['enqueue', 'email.send', 'user-43', '--json'], api.env)
      assert.deepEqual(JSON.parse(defaults.stdout).priority, 1)

      // An entity id that starts with a dash goes after --.
      const dashed = await jobq(['enqueue', 'email.send', '--json', '--', '-odd-'], api.env)
      assert.equal(dashed.status, 0, dashed.stderr)
      assert.equal(JSON.parse(dashed.stdout).entity_id, '-odd-')
    })

    it('should exit 4 when the entity is being processed, naming the running job, with the API\'s error as --json', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      await enqueue(api, 'user-1')
      const running = await claim(api)
      const res = await jobq(['enqueue', 'email.send', 'user-1'], api.env)
      assert.equal(res.status, 4)
      assert.match(res.stderr, new RegExp(`being processed by job ${running.job_id}`))
      assert.match(res.stderr, /409 from POST \/jobs/)
      assert.equal(res.stdout, '')
      const json = await jobq(['enqueue', 'email.send', 'user-1', '--json'], api.env)
      assert.equal(json.status, 4)
      assert.deepEqual(JSON.parse(json.stdout), {
        statusCode: 409, error: 'Conflict', message: JSON.parse(json.stdout).message, code: 'JQ_ERR_ENTITY_PROCESSING', job_id: running.job_id, outcome: 'processing'
      })
    })

    it('should refuse bad arguments with exit 2, naming the flag, before calling the API', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      const cases: Array<[string[], RegExp]> = [
        [['enqueue', 'email.send', 'u', '--args', '["a",'], /--args: not valid JSON/],
        [['enqueue', 'email.send', 'u', '--args', '{"a": 1}'], /--args: must be a JSON array/],
        [['enqueue', 'email.send', 'u', '--kwargs', '[1]'], /--kwargs: must be a JSON object/],
        [['enqueue', 'email.send', 'u', '--kwargs', 'lang=en'], /--kwargs: not valid JSON/],
        [['enqueue', 'email.send', 'u', '--metadata', 'null'], /--metadata: must be a JSON object/],
        [['enqueue', 'email.send', 'u', '--priority', '5'], /--priority: "5" is not a priority/],
        [['enqueue', 'email.send', 'u', '--priority'], /--priority: needs a value/],
        [['enqueue', 'email.send', 'u', '--priorty', '2'], /--priorty: unknown option/],
        [['enqueue', 'email.send'], /missing <entity_id>/],
        [['enqueue', 'email.send', 'u', 'extra'], /unexpected argument "extra"/],
        [['enqueue', 'email.send', 'u', '--json=yes'], /--json: takes no value/],
        [['priority', 'u', 'high'], /<priority>: "high" is not a priority/],
        [['status'], /missing <id>/],
        [['queue', '--interval', '500'], /--interval: only with --watch/],
        [['queue', '--watch', '--interval', '5'], /--interval: "5" is not a whole number from 100/]
      ]
      const results = await Promise.all(cases.map(([args]) => jobq(args, api.env)))
      results.forEach((res, i) => {
        assert.equal(res.status, 2, `jobq ${cases[i][0].join(' ')}: ${res.stderr}`)
        assert.match(res.stderr, cases[i][1])
        assert.match(res.stderr, /^jobq: /)
      })
      assert.deepEqual((await apiJson(api, '/queue')).queued, 0, 'nothing reached the queue')
      // The API's own 400 is a usage error too, and names the field.
      const tooLong = await jobq(['enqueue', 'email.send', 'x'.repeat(300)], api.env)
      assert.equal(tooLong.status, 2)
      assert.match(tooLong.stderr, /entity_id/)
      assert.match(tooLong.stderr, /400 from POST \/jobs/)
    })

    it('should exit 1 on another API error, such as a task with no handler (422)', async (t) => {
      const api = await startApi(t)
      const res = await jobq(['enqueue', 'no.such.task', 'u'], api.env)
      assert.equal(res.status, 1)
      assert.match(res.stderr, /no handler named no\.such\.task/)
      assert.match(res.stderr, /422 from POST \/jobs/)
    })

    it('should show a job\'s status as a table and as the API\'s JSON, and exit 3 for an unknown id', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      await enqueue(api, 'user-1', 3)
      await enqueue(api, 'user 2/ü', 3)
      const table = await jobq(['status', 'user 2/ü'], api.env)
      assert.equal(table.status, 0, table.stderr)
      const fields = parseFields(table.stdout)
      assert.deepEqual([fields.get('entity_id'), fields.get('position_in_queue'), fields.get('position_in_priority')], ['user 2/ü', '2', '2'])
      assert.ok(!fields.has('outcome'))
      const byJobId = await jobq(['status', fields.get('job_id')!, '--json'], api.env)
      assert.deepEqual(JSON.parse(byJobId.stdout), await apiJson(api, `/jobs/${fields.get('job_id')}`))

      const missing = await jobq(['status', 'nobody'], api.env)
      assert.equal(missing.status, 3)
      assert.match(missing.stderr, /nobody/)
      assert.match(missing.stderr, /404 from GET \/jobs\/nobody/)
      const missingJson = await jobq(['status', 'nobody', '--json'], api.env)
      assert.equal(missingJson.status, 3)
      assert.equal(JSON.parse(missingJson.stdout).statusCode, 404)
    })

    it('should show what a handler sent back as inert text, never raw control characters', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      await enqueue(api, 'user-1')
      const job = await claim(api)
      await api.app.jobQueue.fail(job.job_id, job.lease!, 'boom\x1b[2J\nsecond line', null)
      const res = await jobq(['status', 'user-1'], api.env)
      assert.equal(res.status, 0)
      assert.doesNotMatch(res.stdout, /\x1b/) // eslint-disable-line no-control-regex
      assert.match(parseFields(res.stdout).get('last_error')!, /^boom\\u001b\[2J\\nsecond line$/)
    })

    it('should change a waiting job\'s priority, and exit 4 for one being processed and 3 for an unknown one', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      await enqueue(api, 'user-1', 3)
      await enqueue(api, 'user-2', 3)
      const raised = await jobq(['priority', 'user-2', '1'], api.env)
      assert.equal(raised.status, 0, raised.stderr)
      const fields = parseFields(raised.stdout)
      assert.deepEqual([fields.get('priority'), fields.get('position_in_queue')], ['1', '1'])
      const lowered = await jobq(['priority', 'user-2', '3', '--json'], api.env)
      assert.deepEqual([JSON.parse(lowered.stdout).priority, JSON.parse(lowered.stdout).position_in_queue], [3, 2])

      const running = await claim(api)
      assert.equal(running.entity_id, 'user-1')
      const conflict = await jobq(['priority', 'user-1', '1'], api.env)
      assert.equal(conflict.status, 4)
      assert.match(conflict.stderr, /409 from PATCH \/jobs\/user-1\/priority/)
      assert.equal((await jobq(['priority', 'nobody', '1'], api.env)).status, 3)
    })

    it('should cancel a waiting job, forget a finished one, and exit 4 for one being processed', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      await enqueue(api, 'user-1')
      await enqueue(api, 'user-2')
      await enqueue(api, 'user-3')
      const running = await claim(api)
      assert.equal(running.entity_id, 'user-1')
      const busy = await jobq(['cancel', 'user-1'], api.env)
      assert.equal(busy.status, 4)
      assert.match(busy.stderr, /409 from DELETE \/jobs\/user-1/)

      const cancelled = await jobq(['cancel', 'user-2'], api.env)
      assert.equal(cancelled.status, 0, cancelled.stderr)
      assert.deepEqual([parseFields(cancelled.stdout).get('outcome'), parseFields(cancelled.stdout).get('status')], ['cancelled', 'cancelled'])
      const cancelledJson = await jobq(['cancel', 'user-3', '--json'], api.env)
      const body = JSON.parse(cancelledJson.stdout)
      assert.deepEqual([body.id, body.outcome, body.job.status], ['user-3', 'cancelled', 'cancelled'])

      const deleted = await jobq(['cancel', 'user-2'], api.env)
      assert.equal(deleted.status, 0)
      assert.match(deleted.stdout, /^deleted user-2/)
      assert.deepEqual(JSON.parse((await jobq(['cancel', 'user-3', '--json'], api.env)).stdout), { id: 'user-3', outcome: 'deleted', job: null })
      assert.equal((await jobq(['cancel', 'user-2'], api.env)).status, 3)
    })

    it('should retry a failed job, and exit 4 for one that has not failed and 3 for an unknown one', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      await enqueue(api, 'user-1', 2)
      const queued = await jobq(['retry', 'user-1'], api.env)
      assert.equal(queued.status, 4)
      assert.match(queued.stderr, /only a failed job can be retried/)
      const job = await claim(api)
      assert.equal(await api.app.jobQueue.fail(job.job_id, job.lease!, 'handler said 400', null), 'failed')
      const retried = await jobq(['retry', 'user-1'], api.env)
      assert.equal(retried.status, 0, retried.stderr)
      const fields = parseFields(retried.stdout)
      assert.deepEqual([fields.get('job_id'), fields.get('status'), fields.get('priority')], [job.job_id, 'queued', '2'])
      assert.equal((await jobq(['retry', 'nobody', '--json'], api.env)).status, 3)
    })
  })

  describe('queue', () => {
    it('should show depth by priority and every state as a table, and the API\'s JSON with --json', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      for (const [entity, priority] of [['a', 1], ['b', 2], ['c', 2], ['d', 3], ['e', 3], ['f', 3]] as const) await enqueue(api, entity, priority)
      const done = await claim(api)
      await api.app.jobQueue.complete(done.job_id, done.lease!, null)
      await claim(api)
      const res = await jobq(['queue'], api.env)
      assert.equal(res.status, 0, res.stderr)
      const lines = res.stdout.split('\n')
      const row = (name: string) => lines.find((l) => l.trimStart().startsWith(name + ' '))!.trim().split(/\s{2,}/)[1]
      assert.deepEqual(['queued', 'priority 1', 'priority 2', 'priority 3', 'processing', 'scheduled', 'failed', 'completed', 'cancelled'].map(row),
        ['4', '0', '1', '3', '1', '0', '0', '1', '0'])
      assert.match(res.stdout, /^total_processed +1$/m)
      assert.doesNotMatch(res.stdout, /throughput/, 'throughput needs two samples: --watch only')
      // The numbers are right-aligned in one column.
      const counts = lines.filter((l) => /^ *(\S+ )?\S+ +\d+$/.test(l) && !l.startsWith('total'))
      assert.equal(new Set(counts.map((l) => l.length)).size, 1, res.stdout)

      const json = JSON.parse((await jobq(['queue', '--json'], api.env)).stdout)
      const fromApi = await apiJson(api, '/queue')
      for (const volatile of ['uptime_seconds', 'oldest_queued_age_ms']) {
        delete json[volatile]
        delete fromApi[volatile]
      }
      assert.deepEqual(json, fromApi)
    })

    it('should --watch on a pipe: plain snapshots with throughput, ended by SIGTERM with exit 0', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      for (const entity of ['a', 'b', 'c']) await enqueue(api, entity)
      const watch = start(['queue', '--watch', '--interval', '200'], api.env)
      t.after(() => watch.child.kill('SIGKILL'))
      await waitFor('the first snapshot', () => snapshots(watch.out()) >= 1)
      assert.match(watch.out(), /^throughput +- /m)
      // Three jobs finish between refreshes: a later snapshot shows a rate above zero.
      for (let i = 0; i < 3; i++) {
        const job = await claim(api)
        await api.app.jobQueue.complete(job.job_id, job.lease!, null)
      }
      await waitFor('a snapshot with the jobs finished', () => /^total_processed +3$/m.test(watch.out()))
      await waitFor('two refreshes', () => snapshots(watch.out()) >= 2)
      const out = watch.out()
      const rates = [...out.matchAll(/^throughput +(\d+\.\d) jobs\/s$/gm)].map((m) => Number(m[1]))
      assert.ok(rates.some((rate) => rate > 0), out)
      assert.doesNotMatch(out, /\x1b/, 'no ANSI control on a pipe') // eslint-disable-line no-control-regex
      watch.child.kill('SIGTERM')
      const res = await watch.done
      assert.deepEqual([res.status, res.signal], [0, null])
      assert.equal(res.stderr, '')
    })

    it('should --watch --json as one JSON line per refresh, and keep going while the API is away', async (t) => {
      const api = await startApi(t)
      const watch = start(['queue', '--watch', '--json', '--interval', '100'], api.env)
      t.after(() => watch.child.kill('SIGKILL'))
      await waitFor('two JSON lines', () => watch.out().split('\n').filter(Boolean).length >= 2)
      for (const line of watch.out().trimEnd().split('\n')) assert.equal(JSON.parse(line).queued, 0)
      await api.app.close()
      await waitFor('the refresh failure to be reported', () => /cannot reach the API at http:\/\/127\.0\.0\.1:\d+/.test(watch.err()))
      assert.equal(watch.child.exitCode, null, 'still watching')
      watch.child.kill('SIGINT')
      const res = await watch.done
      assert.deepEqual([res.status, res.signal], [0, null])
    })

    it('should --watch on a terminal: refresh in place with ANSI cursor control, and end on Ctrl-C with exit 0',
      { skip: !hasUtilLinuxScript && 'needs util-linux script(1) for a pseudo-terminal' }, async (t) => {
        const api = await startApi(t)
        const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`
        // script(1) runs the command on a pseudo-terminal; a ^C written to it reaches jobq as SIGINT.
        // It runs it through $SHELL -c: `exec` keeps that shell out of the terminal's process group,
        // where dash (CI's /bin/sh) would die of the same SIGINT and make script exit 130.
        const watch = start([], api.env, 'script', ['-qfec', `exec ${quote(process.execPath)} ${quote(CLI)} queue --watch --interval 150`, '/dev/null'])
        t.after(() => watch.child.kill('SIGKILL'))
        await waitFor('two refreshes', () => (watch.out().match(/STATE/g) ?? []).length >= 2)
        const out = watch.out()
        assert.match(out, /\x1b\[\?25l/, 'cursor hidden') // eslint-disable-line no-control-regex
        assert.match(out, /\x1b\[\d+A\r\x1b\[0J/, 'cursor moved up over the last view, which is cleared') // eslint-disable-line no-control-regex
        assert.doesNotMatch(out, /^--- /m)
        watch.child.stdin!.write('\x03')
        const res = await watch.done
        assert.equal(res.status, 0, `status ${res.status} signal ${res.signal}: ${JSON.stringify(res.stdout.slice(-200))}`)
        assert.match(res.stdout, /\x1b\[\?25h/, 'cursor shown again') // eslint-disable-line no-control-regex
      })

    it('should exit with the first refresh\'s error when --watch cannot start', async () => {
      const res = await jobq(['queue', '--watch'], { JOBQ_URL: `http://127.0.0.1:${await freePort()}` })
      assert.equal(res.status, 5)
    })
  })

  describe('named queues (--queue)', () => {
    /** Takes the next queued job of a named queue into processing, as a worker would. */
    async function claimIn (api: Api, queue: string) {
      const { jobs } = await api.app.queues.get(queue).jobs.claim(1, 'cli-test-worker', 60_000)
      assert.equal(jobs.length, 1)
      return jobs[0]
    }

    it('should register a handler, enqueue, show, reprioritize, retry and cancel in a named queue, apart from the default one', async (t) => {
      const api = await startApi(t)
      const queue = uniqueQueueName()
      const added = await jobq(['handlers', 'add', 'email.send', 'http://127.0.0.1:9/hook', '--queue', queue], api.env)
      assert.equal(added.status, 0, added.stderr)
      assert.match(added.stdout, new RegExp(`^registered handler email\\.send in queue ${queue}$`, 'm'))
      assert.match(added.stdout, /signing secret: whsec_/)
      const list = await jobq(['handlers', 'list', '--queue', queue], api.env)
      assert.match(list.stdout, /^email\.send +http:\/\/127\.0\.0\.1:9\/hook/m)
      const defaultList = await jobq(['handlers', 'list'], api.env)
      assert.match(defaultList.stdout, /^no handlers are registered \(/, 'the default queue has no handler')

      const created = await jobq(['enqueue', 'email.send', 'user-1', '--priority', '3', '--queue', queue], api.env)
      assert.equal(created.status, 0, created.stderr)
      assert.deepEqual([parseFields(created.stdout).get('outcome'), parseFields(created.stdout).get('priority')], ['created', '3'])
      const second = await jobq(['enqueue', 'email.send', 'user-2', '--queue', queue, '--json'], api.env)
      assert.equal(JSON.parse(second.stdout).outcome, 'created')
      // The default queue has no handler, so the same enqueue without --queue is refused there.
      const elsewhere = await jobq(['enqueue', 'email.send', 'user-1'], api.env)
      assert.equal(elsewhere.status, 1)
      assert.match(elsewhere.stderr, /422 from POST \/jobs\)/)

      const status = await jobq(['status', 'user-1', '--queue', queue, '--json'], api.env)
      assert.equal(status.status, 0, status.stderr)
      assert.deepEqual(JSON.parse(status.stdout), await apiJson(api, `/queues/${queue}/jobs/user-1`))
      assert.equal(JSON.parse(status.stdout).position_in_queue, 2)
      const notInDefault = await jobq(['status', 'user-1'], api.env)
      assert.equal(notInDefault.status, 3)
      assert.match(notInDefault.stderr, /404 from GET \/jobs\/user-1\)/)
      const missing = await jobq(['status', 'nobody', '--queue', queue], api.env)
      assert.equal(missing.status, 3)
      assert.match(missing.stderr, new RegExp(`404 from GET /queues/${queue}/jobs/nobody\\)`))

      const raised = await jobq(['priority', 'user-1', '1', '--queue', queue], api.env)
      assert.equal(raised.status, 0, raised.stderr)
      assert.deepEqual([parseFields(raised.stdout).get('priority'), parseFields(raised.stdout).get('position_in_queue')], ['1', '1'])

      const overview = await jobq(['queue', '--queue', queue], api.env)
      assert.equal(overview.status, 0, overview.stderr)
      assert.match(overview.stdout, new RegExp(`^queue ${queue}$`, 'm'))
      assert.match(overview.stdout, /^queued +2$/m)
      const overviewJson = JSON.parse((await jobq(['queue', '--queue', queue, '--json'], api.env)).stdout)
      assert.deepEqual([overviewJson.queue, overviewJson.queued], [queue, 2])
      assert.equal((await apiJson(api, '/queue')).queued, 0, 'nothing reached the default queue')

      const job = await claimIn(api, queue)
      assert.equal(job.entity_id, 'user-1')
      const busy = await jobq(['cancel', 'user-1', '--queue', queue], api.env)
      assert.equal(busy.status, 4)
      assert.match(busy.stderr, new RegExp(`409 from DELETE /queues/${queue}/jobs/user-1\\)`))
      assert.equal(await api.app.queues.get(queue).jobs.fail(job.job_id, job.lease!, 'handler said 400', null), 'failed')
      const retried = await jobq(['retry', 'user-1', '--queue', queue], api.env)
      assert.equal(retried.status, 0, retried.stderr)
      assert.deepEqual([parseFields(retried.stdout).get('job_id'), parseFields(retried.stdout).get('status')], [job.job_id, 'queued'])

      const cancelled = await jobq(['cancel', 'user-2', '--queue', queue, '--json'], api.env)
      assert.equal(cancelled.status, 0, cancelled.stderr)
      assert.deepEqual([JSON.parse(cancelled.stdout).outcome, JSON.parse(cancelled.stdout).job.status], ['cancelled', 'cancelled'])
      assert.equal((await apiJson(api, `/queues/${queue}/jobs/user-2`)).status, 'cancelled')

      const removed = await jobq(['handlers', 'rm', 'email.send', '--queue', queue], api.env)
      assert.equal(removed.status, 0, removed.stderr)
      assert.match(removed.stdout, new RegExp(`^removed handler email\\.send in queue ${queue}$`, 'm'))
      assert.equal((await jobq(['handlers', 'rm', 'email.send', '--queue', queue], api.env)).status, 3)
    })

    it('should exit 3 for the overview of a queue that does not exist, naming it', async (t) => {
      const api = await startApi(t)
      const res = await jobq(['queue', '--queue', 'no-such-queue'], api.env)
      assert.equal(res.status, 3)
      assert.match(res.stderr, /no queue named no-such-queue/)
      assert.match(res.stderr, /404 from GET \/queues\/no-such-queue\)/)
      const json = await jobq(['queue', '--queue', 'no-such-queue', '--json'], api.env)
      assert.equal(JSON.parse(json.stdout).code, 'JQ_ERR_QUEUE_NOT_FOUND')
    })

    it('should list every queue with its counts as an aligned table, and as the API\'s JSON with --json', async (t) => {
      // A Redis of the test's own, so the list holds only this test's queues.
      const api = await startApi(t, (await startRedis(t)).url)
      const defaultQueue = (await apiJson(api, '/queue')).queue
      for (const queue of ['beta', 'alpha.v2']) {
        const res = await api.app.inject({ method: 'PUT', url: `/queues/${queue}/handlers/email.send`, headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: { url: 'http://127.0.0.1:9/hook' } })
        assert.equal(res.statusCode, 201, res.body)
      }
      for (let i = 0; i < 12; i++) {
        const res = await api.app.inject({ method: 'POST', url: '/queues/beta/jobs', headers: { authorization: `Bearer ${CLIENT_KEY}` }, payload: { task: 'email.send', entity_id: `user-${i}` } })
        assert.equal(res.statusCode, 201, res.body)
      }
      await claimIn(api, 'beta')
      const res = await jobq(['queues'], api.env)
      assert.equal(res.status, 0, res.stderr)
      const [header, ...rows] = res.stdout.trimEnd().split('\n')
      assert.match(header, /^QUEUE +QUEUED +PROCESSING +SCHEDULED +FAILED +COMPLETED +CANCELLED$/)
      assert.deepEqual(rows.map((row) => row.split(/ +/)), [
        ['alpha.v2', '0', '0', '0', '0', '0', '0'],
        ['beta', '11', '1', '0', '0', '0', '0'],
        [defaultQueue, '0', '0', '0', '0', '0', '0']
      ])
      // Counts are right-aligned under their header.
      for (const row of rows) assert.equal(row.length, header.length, res.stdout)

      const json = await jobq(['queues', '--json'], { ...api.env, JOBQ_API_KEY: CLIENT_KEY })
      assert.equal(json.status, 0, json.stderr)
      assert.deepEqual(JSON.parse(json.stdout), await apiJson(api, '/queues'))
      assert.deepEqual(JSON.parse(json.stdout).queues.map((q: { name: string }) => q.name), ['alpha.v2', 'beta', defaultQueue])
    })

    it('should refuse a bad queue name with exit 2 before calling the API', async (t) => {
      const api = await startApi(t)
      await addHandler(api)
      const cases: Array<[string[], RegExp]> = [
        [['enqueue', 'email.send', 'u', '--queue', 'bad name'], /--queue: "bad name" is not a queue name \(1-64 of A-Z a-z 0-9 _ \. -\)/],
        [['status', 'u', '--queue', 'a/b'], /--queue: "a\/b" is not a queue name/],
        [['cancel', 'u', '--queue='], /--queue: "" is not a queue name/],
        [['queue', '--queue', 'q'.repeat(65)], /--queue: "q{65}" is not a queue name/],
        [['handlers', 'add', 'email.send', 'http://127.0.0.1:9/', '--queue', 'emails*'], /--queue: "emails\*" is not a queue name/],
        [['handlers', 'list', '--queue'], /--queue: needs a value/],
        [['queues', '--queue', 'emails'], /--queue: unknown option/]
      ]
      const results = await Promise.all(cases.map(([args]) => jobq(args, api.env)))
      results.forEach((res, i) => {
        assert.equal(res.status, 2, `jobq ${cases[i][0].join(' ')}: ${res.stderr}`)
        assert.match(res.stderr, cases[i][1])
        assert.match(res.stderr, /^jobq: .*; run jobq .* --help\n$/)
        assert.equal(res.stdout, '')
      })
      assert.deepEqual((await apiJson(api, '/queues')).queues.map((q: { name: string }) => q.name).filter((name: string) => /^(bad|emails)/.test(name)), [])
    })
  })

  describe('exit statuses', () => {
    it('should exit 5 naming the URL when the API refuses connections or does not answer in time', async (t) => {
      const url = `http://127.0.0.1:${await freePort()}`
      const refused = await jobq(['status', 'x'], { JOBQ_URL: url })
      assert.equal(refused.status, 5)
      assert.match(refused.stderr, new RegExp(`cannot reach the API at ${url}: connection refused`))

      const sockets = new Set<Socket>()
      const silent = createTcpServer((socket) => { sockets.add(socket) })
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
      t.after(() => {
        for (const socket of sockets) socket.destroy()
        silent.close()
      })
      const silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`
      const started = Date.now()
      const timedOut = await jobq(['queue', '--client-timeout-ms', '300'], { JOBQ_URL: silentUrl })
      assert.equal(timedOut.status, 5)
      assert.match(timedOut.stderr, new RegExp(`cannot reach the API at ${silentUrl}: no answer within 300 ms`))
      assert.ok(Date.now() - started < 10_000)
    })

    it('should exit 6 without a key, with a wrong key, and with a client key on handlers', async (t) => {
      const api = await startApi(t)
      const none = await jobq(['queue'], { JOBQ_URL: api.url })
      assert.equal(none.status, 6)
      assert.match(none.stderr, /bearer key is required.*JOBQ_API_KEY/)
      const wrong = await jobq(['queue', '--api-key', 'not-a-key-of-this-api'], { JOBQ_URL: api.url })
      assert.equal(wrong.status, 6)
      const client = await jobq(['handlers', 'list'], { JOBQ_URL: api.url, JOBQ_API_KEY: CLIENT_KEY })
      assert.equal(client.status, 6)
      assert.match(client.stderr, /admin key/)
      assert.match(client.stderr, /403 from GET \/handlers/)
      // The client key is enough for jobs and the queue; the flag wins over the variable.
      assert.equal((await jobq(['queue', '--api-key', CLIENT_KEY], { JOBQ_URL: api.url, JOBQ_API_KEY: 'not-a-key-of-this-api' })).status, 0)
    })

    it('should exit 1 on a server error or an answer that is not the API\'s, quoting what came back', async (t) => {
      const server = createHttpServer((req, res) => {
        if (req.url === '/queue') {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not jobq</html>')
        } else {
          res.writeHead(500, { 'content-type': 'text/plain' }).end('boom')
        }
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      t.after(() => server.close())
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
      const failed = await jobq(['status', 'x'], { JOBQ_URL: url })
      assert.equal(failed.status, 1)
      assert.match(failed.stderr, /the API answered: boom \(500 from GET \/jobs\/x\)/)
      const notJson = await jobq(['queue'], { JOBQ_URL: url })
      assert.equal(notJson.status, 1)
      assert.match(notJson.stderr, /not JSON; is JOBQ_URL a JobQ API\?/)
    })

    it('should exit 2 on bad client settings, naming them and never echoing a key', async () => {
      const cases: Array<[Record<string, string>, string[], RegExp]> = [
        [{ JOBQ_URL: 'ftp://127.0.0.1' }, [], /JOBQ_URL: must start with http:\/\/ or https:\/\//],
        [{ JOBQ_URL: 'http://user:pw@127.0.0.1:3000' }, [], /JOBQ_URL: must not hold a user or password/],
        [{}, ['--url', 'not a url'], /--url: not a URL/],
        [{ JOBQ_API_KEY: 'has a space' }, [], /JOBQ_API_KEY: "\[redacted\]"/],
        [{ JOBQ_CLIENT_TIMEOUT_MS: 'soon' }, [], /JOBQ_CLIENT_TIMEOUT_MS: "soon" is not a whole number/],
        [{ JOBQ_URLL: 'http://127.0.0.1:3000' }, [], /JOBQ_URLL: unknown setting/]
      ]
      const results = await Promise.all(cases.map(([env, args]) => jobq(['queue', ...args], env)))
      results.forEach((res, i) => {
        assert.equal(res.status, 2, res.stderr)
        assert.match(res.stderr, cases[i][2])
        assert.doesNotMatch(res.stderr, /has a space|pw@/)
      })
      const unknown = await jobq(['frobnicate'])
      assert.equal(unknown.status, 2)
      assert.match(unknown.stderr, /unknown command "frobnicate"/)
    })
  })

  describe('server commands with client settings in the environment', () => {
    const clientEnv = { JOBQ_URL: 'http://127.0.0.1:9', JOBQ_API_KEY: 'some-client-key', JOBQ_CLIENT_TIMEOUT_MS: '5000' }

    async function stopped (child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])))
      child.kill('SIGTERM')
      return exited
    }

    it('should start `jobq api` with JOBQ_URL and JOBQ_API_KEY set, serve the client commands, and stop with 0', async (t) => {
      const port = await freePort()
      const api = start(['api', '--port', String(port)], { ...clientEnv, REDIS_URL: redis().url, JOBQ_QUEUE: uniqueQueueName(), LOG_LEVEL: 'warn' })
      t.after(() => api.child.kill('SIGKILL'))
      await waitFor('the API to be ready', () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false))
      const queue = await jobq(['queue', '--url', `http://127.0.0.1:${port}`], clientEnv)
      assert.equal(queue.status, 0, queue.stderr)
      assert.match(queue.stdout, /^queued +0$/m)
      assert.deepEqual(await stopped(api.child), [0, null])
      assert.equal(api.err(), '')
    })

    it('should start `jobq worker` with them set, and stop it with 0', async (t) => {
      const worker = start(['worker'], { ...clientEnv, REDIS_URL: redis().url, JOBQ_QUEUE: uniqueQueueName(), LOG_LEVEL: 'info' })
      t.after(() => worker.child.kill('SIGKILL'))
      await waitFor('the worker to start', () => worker.out().includes('worker started') || worker.child.exitCode !== null)
      assert.equal(worker.child.exitCode, null, worker.err())
      assert.deepEqual(await stopped(worker.child), [0, null])
    })

    it('should not take the client flags as server settings', async () => {
      const res = await jobq(['api', '--url', 'http://127.0.0.1:3000'])
      assert.equal(res.status, 2)
      assert.match(res.stderr, /--url: unknown option/)
    })
  })
})

describe('client settings', () => {
  it('should be known to the server\'s configuration, and read with flags winning', () => {
    assert.doesNotThrow(() => loadConfig({ JOBQ_URL: 'http://api:3000', JOBQ_API_KEY: 'k', JOBQ_CLIENT_TIMEOUT_MS: '100' }))
    assert.deepEqual(loadClientConfig({}), { url: 'http://127.0.0.1:3000', apiKey: '', clientTimeoutMs: 10_000 })
    assert.deepEqual(loadClientConfig({ JOBQ_URL: 'http://a:1', JOBQ_API_KEY: 'env-key', REDIS_URL: 'redis://x' }, new Map([['--url', 'https://b']])),
      { url: 'https://b', apiKey: 'env-key', clientTimeoutMs: 10_000 })
    assert.throws(() => loadClientConfig({ JOBQ_CONCURENCY: '3' }), (err: Error) => err instanceof ConfigError && err.message.startsWith('JOBQ_CONCURENCY'))
  })
})
