import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/api/app.js'
import { parseKeysFile } from '../../src/api/keys-file.js'
import { ConfigError } from '../../src/config/config.js'
import { loggerOptions } from '../../src/config/logger.js'
import { buildTestApp, freePort, snapshotQueue, startRedis, suiteContext, testConfig, waitFor, type Cleanup, type TestRedis } from '../helper.js'

const ROOT = join(import.meta.dirname, '../..')
const ENV_CLIENT = 'env-client-key-0123456789abcdef'
const ENV_ADMIN = 'env-admin-key-0123456789abcdef'
const A_CLIENT = 'a-client-key-0123456789abcdef'
const A_ADMIN = 'a-admin-key-0123456789abcdef'
const MAIN_CLIENT = 'main-client-key-0123456789abcdef'
const ALL_CLIENT = 'all-client-key-0123456789abcdef'
const LATER = 'later-key/0123456789abcdef'

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex')
const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
const entry = (name: string, role: string, queues: string[] | '*', key: string) => ({ name, role, queues, sha256: sha256(key) })
const KEYS = [
  entry('team-a', 'client', ['a'], A_CLIENT),
  entry('team-a-ops', 'admin', ['a'], A_ADMIN),
  entry('team-main', 'client', ['a', 'main'], MAIN_CLIENT),
  entry('everything', 'client', '*', ALL_CLIENT)
]

/** A keys file in a temp dir of its own, removed after the suite. */
function keysFile (t: Cleanup, keys: unknown[] = KEYS): { path: string, write: (doc: unknown) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'jobq-keys-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'keys.json')
  const write = (doc: unknown) => writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc))
  write({ keys })
  return { path, write }
}

describe('keys limited to queues', () => {
  const suite = suiteContext()
  let redis: TestRedis
  let app: FastifyInstance
  const call = (key: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) })

  before(async () => {
    redis = await startRedis(suite)
    const file = keysFile(suite)
    app = await buildTestApp(suite, redis.url, { JOBQ_QUEUE: 'main', JOBQ_API_KEYS: ENV_CLIENT, JOBQ_ADMIN_KEYS: ENV_ADMIN, JOBQ_KEYS_FILE: file.path })
    for (const url of ['/queues/a/handlers/h', '/queues/b/handlers/h', '/handlers/h']) {
      assert.equal((await call(ENV_ADMIN, 'PUT', url, { url: 'http://127.0.0.1:9/' })).statusCode, 201)
    }
  })

  it('should let a client key enqueue into and read its own queue', async () => {
    const res = await call(A_CLIENT, 'POST', '/queues/a/jobs', { task: 'h', entity_id: 'e1' })
    assert.equal(res.statusCode, 201)
    assert.equal((await call(A_CLIENT, 'GET', `/queues/a/jobs/${res.json().job_id}`)).statusCode, 200)
    assert.equal((await call(A_CLIENT, 'GET', '/queues/a')).statusCode, 200)
  })

  it('should answer 403 on another queue with the same body whether it exists or not, before validation, writing nothing', async () => {
    const before = await snapshotQueue(redis.client, 'b')
    const registry = await redis.client.keys('*')
    const requests: Array<['GET' | 'POST' | 'DELETE', string, object?]> = [
      ['POST', '/jobs', { task: 'h', entity_id: 'e2' }],
      ['POST', '/jobs', { bogus: true }],
      ['GET', '/jobs/e1'],
      ['DELETE', '/jobs/e1'],
      ['GET', ''],
      ['GET', '?list=queued&limit=100000']
    ]
    for (const [method, path, payload] of requests) {
      const answers = []
      for (const queue of ['b', 'nope']) {
        const res = await call(A_CLIENT, method, `/queues/${queue}${path}`, payload)
        assert.equal(res.statusCode, 403, `${method} /queues/${queue}${path}`)
        answers.push({ ...res.json(), message: res.json().message.replace(queue, '<q>') })
      }
      assert.deepEqual(answers[0], answers[1], `${method} ${path}`)
      assert.deepEqual(answers[0], { statusCode: 403, error: 'Forbidden', message: 'queue: this key may not use queue <q>' })
    }
    assert.deepEqual(await snapshotQueue(redis.client, 'b'), before)
    assert.deepEqual(await redis.client.keys('*'), registry)
    assert.deepEqual(await redis.client.keys('*nope*'), [])
  })

  it('should answer 403 on the default queue\'s routes unless the key lists it', async () => {
    for (const [method, url] of [['GET', '/queue'], ['POST', '/jobs'], ['GET', '/jobs/x']] as const) {
      const res = await call(A_CLIENT, method, url, method === 'POST' ? { task: 'h', entity_id: 'e3' } : undefined)
      assert.equal(res.statusCode, 403, `${method} ${url}`)
      assert.equal(res.json().message, 'queue: this key may not use queue main')
    }
    assert.equal((await call(MAIN_CLIENT, 'GET', '/queue')).statusCode, 200)
    assert.equal((await call(MAIN_CLIENT, 'POST', '/jobs', { task: 'h', entity_id: 'e3' })).statusCode, 201)
    assert.equal((await call(MAIN_CLIENT, 'GET', '/queues/main/jobs/e3')).statusCode, 200)
  })

  it('should let an admin key manage the handlers of its queues only', async () => {
    assert.equal((await call(A_ADMIN, 'PUT', '/queues/a/handlers/h2', { url: 'http://127.0.0.1:9/' })).statusCode, 201)
    assert.equal((await call(A_ADMIN, 'GET', '/queues/a/handlers')).statusCode, 200)
    const other = await call(A_ADMIN, 'PUT', '/queues/b/handlers/h2', { url: 'http://127.0.0.1:9/' })
    assert.equal(other.statusCode, 403)
    assert.equal(other.json().message, 'queue: this key may not use queue b')
    assert.equal((await call(A_ADMIN, 'GET', '/handlers')).statusCode, 403)
    assert.equal((await call(ENV_ADMIN, 'GET', '/queues/b/handlers/h2')).statusCode, 404)
  })

  it('should not let a client key manage handlers, even of its own queue', async () => {
    for (const key of [A_CLIENT, ALL_CLIENT]) {
      const res = await call(key, 'PUT', '/queues/a/handlers/h3', { url: 'http://127.0.0.1:9/' })
      assert.equal(res.statusCode, 403)
      assert.equal(res.json().message, 'authorization: managing handlers needs an admin key')
      assert.equal((await call(key, 'GET', '/queues/a/handlers')).statusCode, 403)
    }
  })

  it('should list only the key\'s queues in GET /queues', async () => {
    const names = async (key: string) => (await call(key, 'GET', '/queues')).json().queues.map((q: { name: string }) => q.name).sort()
    assert.deepEqual(await names(A_CLIENT), ['a'])
    assert.deepEqual(await names(MAIN_CLIENT), ['a', 'main'])
    assert.deepEqual(await names(ALL_CLIENT), ['a', 'b', 'main'])
    assert.deepEqual(await names(ENV_CLIENT), ['a', 'b', 'main'])
    assert.equal((await app.inject({ method: 'GET', url: '/queues' })).statusCode, 401)
  })

  it('should let "*" and the keys of JOBQ_API_KEYS use every queue', async () => {
    for (const key of [ALL_CLIENT, ENV_CLIENT]) {
      assert.equal((await call(key, 'POST', '/queues/b/jobs', { task: 'h', entity_id: `e-${key}` })).statusCode, 201)
      assert.equal((await call(key, 'GET', '/queue')).statusCode, 200)
      assert.equal((await call(key, 'GET', '/queues/nope')).statusCode, 404)
    }
    assert.equal((await call(ENV_ADMIN, 'PUT', '/queues/a/handlers/h4', { url: 'http://127.0.0.1:9/' })).statusCode, 201)
  })

  it('should keep the routes that are not about a queue as they were', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200)
    assert.equal((await call(A_CLIENT, 'GET', '/metrics')).statusCode, 200)
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
  })
})

describe('reloading the keys file', () => {
  const suite = suiteContext()
  let redis: TestRedis
  before(async () => {
    redis = await startRedis(suite)
  })

  it('should put a rewritten file in force with reloadKeys, and keep the previous keys when it is bad', async (t) => {
    const file = keysFile(t)
    const app = await buildTestApp(t, redis.url, { JOBQ_KEYS_FILE: file.path })
    const status = async (key: string) => (await app.inject({ method: 'GET', url: '/queues/a', headers: bearer(key) })).statusCode
    assert.equal(await status(A_CLIENT), 404)
    assert.equal(await status(LATER), 401)

    file.write({ keys: [entry('later', 'client', ['b'], LATER), entry('team-a', 'client', ['b'], A_CLIENT)] })
    assert.equal(await app.reloadKeys(), true)
    assert.equal(await status(LATER), 403)
    assert.equal(await status(A_CLIENT), 403)
    assert.equal((await app.inject({ method: 'GET', url: '/queues/b', headers: bearer(LATER) })).statusCode, 404)
    assert.equal(await status(ALL_CLIENT), 401)

    for (const bad of ['{"keys": [', { keys: [{ ...entry('x', 'root', '*', ALL_CLIENT) }] }]) {
      file.write(bad)
      assert.equal(await app.reloadKeys(), false)
      assert.equal((await app.inject({ method: 'GET', url: '/queues/b', headers: bearer(LATER) })).statusCode, 404)
      assert.equal(await status(ALL_CLIENT), 401)
    }
    rmSync(file.path)
    assert.equal(await app.reloadKeys(), false)
    assert.equal(await status(LATER), 403)
  })

  it('should write neither keys nor hashes to the log, even at trace', async (t) => {
    const file = keysFile(t)
    const lines: string[] = []
    const stream = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
    const config = testConfig(redis.url, { JOBQ_KEYS_FILE: file.path, JOBQ_API_KEYS: ENV_CLIENT, LOG_LEVEL: 'trace' })
    const app = await buildApp(config, { logger: { ...loggerOptions(config, 'api', false), stream } })
    t.after(() => app.close())
    await app.ready()
    assert.equal(app.log.level, 'trace')
    for (const key of [A_CLIENT, A_ADMIN, ENV_CLIENT, 'wrong-key-0123456789abcdef']) {
      await app.inject({ method: 'GET', url: '/queues/b/jobs/x', headers: bearer(key) })
      await app.inject({ method: 'GET', url: '/queues/a', headers: bearer(key) })
    }
    await app.inject({ method: 'PUT', url: '/queues/a/handlers/h', headers: bearer(A_CLIENT), payload: { url: 'http://127.0.0.1:9/' } })
    file.write({ keys: [...KEYS, entry('later', 'client', ['a'], LATER)] })
    assert.equal(await app.reloadKeys(), true)
    // Bad in several ways, each with a hash nearby or in the wrong place.
    for (const bad of [`{"keys": [{"sha256": "${sha256(LATER)}" "name": "x"}]}`, { keys: [{ ...KEYS[0], role: 'root' }] },
      { keys: [{ ...KEYS[0], sha256: LATER }] }, { keys: [{ ...KEYS[0], [sha256(LATER)]: 1 }] },
      { keys: [{ ...KEYS[0], queues: [LATER] }] }]) {
      file.write(bad)
      assert.equal(await app.reloadKeys(), false)
    }
    const log = lines.join('')
    assert.match(log, /keys file not reloaded/)
    assert.match(log, /keys\[0\]\.role: must be/)
    for (const key of [A_CLIENT, A_ADMIN, MAIN_CLIENT, ALL_CLIENT, ENV_CLIENT, LATER, 'wrong-key-0123456789abcdef']) {
      const hash = createHash('sha256').update(key).digest()
      for (const secret of [key, hash.toString('hex'), hash.toString('hex').slice(0, 16), hash.toString('base64'), hash.toString('base64url')]) {
        assert.ok(!log.toLowerCase().includes(secret.toLowerCase()), `the log holds ${secret}`)
      }
    }
  })
})

describe('the keys file at start', () => {
  const suite = suiteContext()
  const bad = (doc: unknown) => {
    const file = keysFile(suite)
    file.write(doc)
    return buildApp(testConfig('redis://127.0.0.1:1', { JOBQ_KEYS_FILE: file.path }))
  }

  it('should stop the API with a ConfigError naming the entry and field', async () => {
    const good = KEYS[0]
    const cases: Array<[unknown, RegExp]> = [
      ['{"keys": [', /^JOBQ_KEYS_FILE: not valid JSON/],
      [[], /^JOBQ_KEYS_FILE: must be a JSON object/],
      [{ keys: [], extra: 1 }, /^JOBQ_KEYS_FILE: extra: unknown field$/],
      [{}, /^JOBQ_KEYS_FILE: keys: is required$/],
      [{ keys: [good, { ...good, name: 'b', comment: 'x' }] }, /^JOBQ_KEYS_FILE: keys\[1\]\.comment: unknown field$/],
      [{ keys: [{ ...good, role: 'root' }] }, /^JOBQ_KEYS_FILE: keys\[0\]\.role: must be "client" or "admin"$/],
      [{ keys: [{ name: 'x', role: 'client', queues: '*' }] }, /^JOBQ_KEYS_FILE: keys\[0\]\.sha256: is required$/],
      [{ keys: [{ ...good, queues: ['a', 'no spaces'] }] }, /^JOBQ_KEYS_FILE: keys\[0\]\.queues\[1\]: is not a queue name/],
      [{ keys: [{ ...good, queues: [] }] }, /^JOBQ_KEYS_FILE: keys\[0\]\.queues: must be "\*" or a non-empty array/],
      [{ keys: [{ ...good, queues: 'a' }] }, /^JOBQ_KEYS_FILE: keys\[0\]\.queues: must be "\*"/],
      [{ keys: [{ ...good, sha256: good.sha256.slice(1) }] }, /^JOBQ_KEYS_FILE: keys\[0\]\.sha256: must be 64 hexadecimal digits/],
      [{ keys: [good, { ...good, name: 'copy' }] }, /^JOBQ_KEYS_FILE: keys\[1\]\.sha256: the same key as keys\[0\]$/],
      [{ keys: [good, { ...KEYS[1], name: good.name }] }, /^JOBQ_KEYS_FILE: keys\[1\]\.name: "team-a" is also the name of keys\[0\]$/]
    ]
    for (const [doc, message] of cases) {
      await assert.rejects(bad(doc), (err: Error) => {
        assert.ok(err instanceof ConfigError, `${err.name}: ${err.message}`)
        assert.match(err.message, message)
        assert.ok(!err.message.includes(good.sha256.slice(1, 17)), 'the message quotes the hash')
        return true
      })
    }
    await assert.rejects(buildApp(testConfig('redis://127.0.0.1:1', { JOBQ_KEYS_FILE: '/nonexistent/keys.json' })), /JOBQ_KEYS_FILE: cannot read \/nonexistent\/keys\.json \(ENOENT\)/)
  })

  it('should refuse a key that is also in JOBQ_API_KEYS, and count the file as keys for a non-loopback HOST', async (t) => {
    const file = keysFile(t)
    await assert.rejects(buildApp(testConfig('redis://127.0.0.1:1', { JOBQ_KEYS_FILE: file.path, JOBQ_API_KEYS: A_CLIENT })),
      /^ConfigError: JOBQ_KEYS_FILE: keys\[0\]\.sha256: this key is also in JOBQ_API_KEYS/)
    const app = await buildApp(testConfig('redis://127.0.0.1:1', { JOBQ_KEYS_FILE: file.path, HOST: '0.0.0.0' }))
    t.after(() => app.close())
    assert.equal((await app.inject({ method: 'GET', url: '/queue' })).statusCode, 401)
  })

  it('should require keys while the file lists none', async (t) => {
    const file = keysFile(t, [])
    const app = await buildApp(testConfig('redis://127.0.0.1:1', { JOBQ_KEYS_FILE: file.path }))
    t.after(() => app.close())
    assert.equal((await app.inject({ method: 'GET', url: '/queue' })).statusCode, 401)
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  })

  it('should read hashes in either case', () => {
    const [key] = parseKeysFile(JSON.stringify({ keys: [{ ...KEYS[0], sha256: KEYS[0].sha256.toUpperCase() }] }))
    assert.equal(key.digest.toString('hex'), KEYS[0].sha256)
  })
})

describe('jobq api with a keys file', () => {
  const api = (env: Record<string, string>) => ({ cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'trace', ...env } })

  it('should exit 2 at start naming the bad field', (t) => {
    const file = keysFile(t, [{ ...KEYS[0], role: 'root' }])
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'api'],
      { ...api({ REDIS_URL: 'redis://127.0.0.1:1', JOBQ_KEYS_FILE: file.path }), encoding: 'utf8', timeout: 30_000 })
    assert.equal(res.status, 2)
    assert.match(res.stderr, /^jobq: configuration: JOBQ_KEYS_FILE: keys\[0\]\.role: must be "client" or "admin"$/m)
  })

  it('should put a rewritten file in force on SIGHUP', async (t) => {
    const redis = await startRedis(t)
    const file = keysFile(t)
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'api'],
      { ...api({ REDIS_URL: redis.url, PORT: String(port), HOST: '127.0.0.1', JOBQ_KEYS_FILE: file.path }), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => { output += chunk })
    child.stderr.on('data', (chunk) => { output += chunk })
    t.after(() => child.kill('SIGKILL'))
    const status = (key: string) => fetch(`http://127.0.0.1:${port}/queues`, { headers: bearer(key) }).then((r) => r.status, () => 0)
    await waitFor('the API to answer', async () => (await status(A_CLIENT)) === 200, 20_000, 100, () => child.exitCode !== null)
    assert.equal(await status(LATER), 401)

    file.write({ keys: [entry('later', 'client', ['a'], LATER)] })
    child.kill('SIGHUP')
    await waitFor('the new key to work', async () => (await status(LATER)) === 200, 10_000, 50, () => child.exitCode !== null)
    assert.equal(await status(A_CLIENT), 401)

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
    assert.match(output, /keys file loaded/)
    for (const key of [A_CLIENT, LATER]) {
      assert.ok(!output.includes(key) && !output.includes(sha256(key)), 'the log holds a key or its hash')
    }
  })
})
