import { it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, freePort, registerHandler, startRedis, uniqueQueueName } from './helper.js'
import { runToEnd, type Ran } from './run-to-end.js'
import { enqueue, getJob, startHookServer, startWorker, waitFor, type JobView } from './worker/worker-helper.js'

/**
 * The README's "Clients and handlers" blocks, run as a reader would run them: the clients against a
 * real API (over TCP), the handlers as real servers that a real worker process calls.
 */

const ROOT = join(import.meta.dirname, '..')
/** The Python snippets use the package in clients/python, as after `pip install ./clients/python`. */
const PYTHONPATH = join(ROOT, 'clients/python')
/** The README's Python handler is the package's example, shown whole. */
const PYTHON_EXAMPLE = join(ROOT, 'clients/python/examples/wsgi_handler.py')
/** Each marked block, with the language its fence must name. */
const SNIPPETS: Record<string, string> = { 'curl-client': 'sh', 'curl-queues': 'sh', 'curl-holding-back': 'sh', 'curl-schedules': 'sh', 'python-client': 'python', 'node-handler': 'js', 'python-handler': 'python', 'node-async-handler': 'js', 'python-async-handler': 'python' }
const ADMIN_KEY = 'admin-key-for-the-readme-snippets'

function readme (): string {
  return readFileSync(join(ROOT, 'README.md'), 'utf8')
}

/** The code of the fenced block on the line after `<!-- snippet: name -->`. */
function snippet (name: string): string {
  const marker = `<!-- snippet: ${name} -->`
  const found = [...readme().matchAll(/<!-- snippet: ([\w-]+) -->\n```(\w+)\n([\s\S]*?)\n```\n/g)].filter((m) => m[1] === name)
  assert.equal(found.length, 1, `README.md should have one fenced block right after ${marker}`)
  assert.equal(found[0][2], SNIPPETS[name], `the block after ${marker} should be fenced as \`\`\`${SNIPPETS[name]}`)
  return found[0][3] + '\n'
}

const hasCommand = (command: string) => !spawnSync(command, ['--version'], { stdio: 'ignore' }).error

/** The environment of a snippet: the test runner's, without anything a snippet reads, plus `vars`. */
function snippetEnv (vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(JOBQ_|NODE_TEST|PORT$|HOST$|HANDLER_URL$|WEBHOOK_SECRET$)/.test(name)) env[name] = value
  }
  return { ...env, PYTHONDONTWRITEBYTECODE: '1', ...vars }
}

const show = (ran: Ran) => `exit ${ran.code ?? ran.signal}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`

/** Runs a command to its end in a temporary directory (SIGKILLed after `timeoutMs`). */
async function run (command: string, args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<Ran> {
  return await runToEnd(command, args, { cwd: tmpdir(), env, timeoutMs })
}

interface SnippetServer {
  /** What it wrote to stdout so far. */
  stdout (): string
  /** stdout and stderr, for failure messages. */
  output (): string
}

/** Starts a handler snippet and waits until it accepts connections on `port`; killed after the test. */
async function startServer (t: TestContext, command: string, args: string[], env: Record<string, string>, port: number): Promise<SnippetServer> {
  const child = spawn(command, args, { cwd: tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); output += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
  const exited = new Promise((resolve) => child.once('close', resolve))
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  for (const deadline = Date.now() + 10_000; ;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited before listening:\n${output}`)
    if (await accepts(port)) break
    if (Date.now() > deadline) throw new Error(`${command} did not listen on ${port} within 10 s:\n${output}`)
    await sleep(50)
  }
  return { stdout: () => stdout, output: () => output }
}

function accepts (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

/** Standard Webhooks, written from the spec rather than taken from src/, so a shared mistake shows. */
function sign (secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
}

/** Waits until the job has ended; fails, naming its last_error, unless it completed. */
async function waitForCompleted (app: FastifyInstance, id: string): Promise<JobView> {
  const job = await waitFor(`job ${id} to end`, async () => {
    const seen = await getJob(app, id)
    return ['completed', 'failed', 'cancelled'].includes(seen.status) ? seen : undefined
  })
  assert.equal(job.status, 'completed', `job ${id} ended ${job.status}: ${job.last_error}`)
  return job
}

/**
 * One handler snippet, called by the real worker and then by hand. `start` runs it on `port` with
 * `secret`. The handler is registered and its secret rotated before the first job, so the worker
 * signs with the new secret and the old one: the snippet knows only the old, the second signature.
 * The snippets print `job <job_id>: ...` when they do a job's work, which is how work is counted.
 */
/**
 * An async handler snippet: it answers 202, reports progress and completes each job through the
 * API with the callback token alone; a callback with a bad signature gets 401.
 */
async function checkAsyncHandler (t: TestContext, app: FastifyInstance, apiUrl: string, name: string, resultUrl: RegExp,
  start: (port: number, secret: string, env: Record<string, string>) => Promise<SnippetServer>): Promise<void> {
  const port = await freePort()
  const put = await app.inject({ method: 'PUT', url: `/handlers/${name}`, payload: { url: `http://127.0.0.1:${port}/`, async: true } })
  assert.equal(put.statusCode, 201, put.body)
  const handler = await start(port, put.json().secret, { JOBQ_URL: apiUrl })
  const job = await enqueue(app, { task: name, entity_id: `${name}-entity` })
  const done = await waitForCompleted(app, job.job_id)
  assert.match(String((done.result as { url?: string } | null)?.url), resultUrl, handler.output())
  assert.equal((done as unknown as { progress: { percent: number } }).progress.percent, 75)
  assert.equal(done.attempts, 1)
  const forged = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST', headers: { 'webhook-id': 'x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }, body: '{}'
  })
  assert.equal(forged.status, 401)
}

async function checkHandler (t: TestContext, app: FastifyInstance, name: string,
  start: (port: number, secret: string) => Promise<SnippetServer>): Promise<void> {
  const port = await freePort()
  const oldSecret = await registerHandler(app, name, `http://127.0.0.1:${port}/`)
  const rotated = await app.inject({ method: 'POST', url: `/handlers/${name}/rotate-secret`, payload: { grace_ms: 600_000 } })
  assert.equal(rotated.statusCode, 200, rotated.body)
  const newSecret: string = rotated.json().secret
  const handler = await start(port, oldSecret)

  const job = await enqueue(app, { task: name, entity_id: `${name}-user`, args: ['welcome'], kwargs: { lang: 'en' } })
  const done = await waitForCompleted(app, job.job_id)
  assert.deepEqual(done.result, { sent: true })
  assert.equal(done.attempts, 1)
  // The handler prints before it answers, but this process may read the pipe after it hears of the
  // completion through Redis (CI failed on that once): wait for the line rather than look once.
  await waitFor(`the handler to have done the work of ${job.job_id}`, () => handler.stdout().includes(job.job_id), 5000)
    .catch((err: Error) => assert.fail(`${err.message}:\n${handler.output()}`))

  // By hand: what a handler must refuse (4xx, nothing done) and what it must take (2xx, done once).
  const now = Math.floor(Date.now() / 1000)
  const bodyOf = (id: string) => JSON.stringify({ job_id: id, entity_id: 'by-hand', task: name, args: [], kwargs: {}, priority: 1, attempt: 1, metadata: {} })
  const cases: Array<{ what: string, accept: boolean, timestamp?: number, signature?: (id: string, ts: number, body: string) => string, sent?: (signed: string) => string, pretty?: true }> = [
    { what: 'a valid signature', accept: true },
    { what: 'the valid signature first of two', accept: true, signature: (id, ts, body) => `${sign(oldSecret, id, ts, body)} ${sign(newSecret, id, ts, body)}` },
    { what: 'a timestamp 4 minutes old', accept: true, timestamp: now - 240 },
    // Signed as sent, bytes and all: a handler that re-serializes the JSON before verifying fails here.
    { what: 'a body with spaces and non-ASCII text', accept: true, pretty: true },
    { what: 'a timestamp 4 minutes ahead', accept: true, timestamp: now + 240 },
    { what: 'another secret', accept: false, signature: (id, ts, body) => sign(newSecret, id, ts, body) },
    { what: 'a body other than the signed one', accept: false, sent: (signed) => signed.replace('"args":[]', '"args":["extra"]') },
    { what: 'a signature over another webhook-id', accept: false, signature: (_id, ts, body) => sign(oldSecret, 'another-id', ts, body) },
    { what: 'a timestamp 6 minutes old', accept: false, timestamp: now - 360 },
    { what: 'a timestamp 6 minutes ahead', accept: false, timestamp: now + 360 },
    { what: 'a valid signature not marked v1', accept: false, signature: (id, ts, body) => sign(oldSecret, id, ts, body).replace(/^v1,/, 'v2,') },
    { what: 'no signature', accept: false, signature: () => '' }
  ]
  const post = async (headers: Record<string, string>, body: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    return { status: res.status, text: await res.text() }
  }
  const ids: string[] = []
  for (const [i, c] of cases.entries()) {
    const id = `${name}-by-hand-${i}`
    ids.push(id)
    const timestamp = c.timestamp ?? now
    const signed = c.pretty ? JSON.stringify({ ...JSON.parse(bodyOf(id)), kwargs: { name: 'Zoë 😀' } }, null, 1) : bodyOf(id)
    const headers: Record<string, string> = { 'webhook-id': id, 'webhook-timestamp': String(timestamp) }
    const signature = (c.signature ?? ((id, ts, body) => sign(oldSecret, id, ts, body)))(id, timestamp, signed)
    if (signature) headers['webhook-signature'] = signature
    const res = await post(headers, c.sent ? c.sent(signed) : signed)
    if (c.accept) {
      assert.equal(res.status, 200, `${c.what}: ${res.status} ${res.text}\n${handler.output()}`)
      assert.deepEqual(JSON.parse(res.text), { sent: true }, c.what)
    } else {
      assert.ok(res.status >= 400 && res.status < 500, `${c.what} should be answered 4xx, got ${res.status} ${res.text}`)
    }
  }
  // A repeat of a delivery (same job_id) is answered like the first, without doing the work again.
  const signedBy = (id: string) => ({ 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': sign(oldSecret, id, now, bodyOf(id)) })
  const again = await post(signedBy(ids[0]), bodyOf(ids[0]))
  assert.equal(again.status, 200, again.text)
  assert.deepEqual(JSON.parse(again.text), { sent: true })

  // The work is printed before the answer, in order: once a last job's line is in, all earlier ones are.
  const last = `${name}-by-hand-last`
  assert.equal((await post(signedBy(last), bodyOf(last))).status, 200)
  await waitFor('the handler to print the last job done by hand', () => handler.stdout().includes(`${last}:`), 5000)
  for (const [i, c] of cases.entries()) {
    const lines = handler.stdout().split('\n').filter((line) => line.includes(`${ids[i]}:`)).length
    assert.equal(lines, c.accept ? 1 : 0, `${c.what}: the work should have been done ${c.accept ? 'once' : 'never'}:\n${handler.output()}`)
  }
  assert.equal(handler.stdout().split(job.job_id).length - 1, 1, 'the worker\'s job should have been done once')
}

it('should run the README\'s client and handler snippets against a real API, worker and Redis', { timeout: 60_000 }, async (t) => {
  const markers = [...readme().matchAll(/<!-- snippet: ([\w-]+) -->/g)].map((m) => m[1]).sort()
  assert.deepEqual(markers, Object.keys(SNIPPETS).sort(), 'every marked README block is tested here, once')
  assert.ok(hasCommand('python3'), 'python3 is needed to run the README\'s Python snippets (Debian: apt-get install python3)')

  const redis = await startRedis(t)
  const queue = uniqueQueueName()
  const app = await buildTestApp(t, redis.url, { JOBQ_QUEUE: queue })
  const keyed = await buildTestApp(t, redis.url, { JOBQ_QUEUE: queue, JOBQ_ADMIN_KEYS: ADMIN_KEY })
  const [apiUrl, keyedUrl] = await Promise.all([app.listen({ host: '127.0.0.1', port: 0 }), keyed.listen({ host: '127.0.0.1', port: 0 })])
  // One callback at a time, so a blocker job can hold the worker while a client works on a waiting job.
  const worker = startWorker(t, { redisUrl: redis.url, queue, env: { JOBQ_CONCURRENCY: '1' } })
  worker.catch(() => {}) // awaited below, once the rest is set up
  const dir = mkdtempSync(join(tmpdir(), 'jobq-readme-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))

  // The clients' handler. Once user-42's callback arrives, a priority-1 blocker job is enqueued
  // before it is answered: the worker takes the blocker next and holds it, so the user-43 job a
  // client enqueues after user-42 completed stays queued while the client changes and cancels it.
  const held: ServerResponse[] = []
  const blocker = await startHookServer(t, (_d, res) => { held.push(res) })
  await registerHandler(app, 'blocker', blocker.url)
  let blockers = 0
  const hook = await startHookServer(t, async (d, res) => {
    if (d.json.entity_id === 'user-42') await enqueue(app, { task: 'blocker', entity_id: `blocker-${++blockers}` })
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"sent":true}')
  })
  const releaseBlockers = async () => {
    for (const res of held.splice(0)) res.writeHead(200).end()
    await waitFor('the worker to be free', async () => (await app.inject('/queue')).json().processing === 0)
  }
  await worker

  await t.test('python-client: the round trip with the jobq package', async () => {
    const file = join(dir, 'client.py')
    writeFileSync(file, snippet('python-client'))
    const ran = await run('python3', [file], snippetEnv({ JOBQ_URL: keyedUrl, JOBQ_API_KEY: ADMIN_KEY, HANDLER_URL: hook.url, PYTHONPATH }))
    await releaseBlockers()
    assert.equal(ran.code, 0, show(ran))
    assert.match(ran.stdout, /^registered email\.send; start the handler with WEBHOOK_SECRET=whsec_[A-Za-z0-9+/]+=*$/m, show(ran))
    assert.match(ran.stdout, /^created \w+ at position 1$/m, show(ran))
    assert.match(ran.stdout, /^completed result: \{'sent': True\} last error: None$/m, show(ran))
    assert.match(ran.stdout, /^user-43 now has priority 1 at position 1$/m, show(ran))
    assert.match(ran.stdout, /^queued: 1 by priority: \{'1': 1, '2': 0, '3': 0\} processing: 1$/m, show(ran))
    assert.match(ran.stdout, /^ {2}1\. user-43 \(priority 1\)$/m, show(ran))
    assert.match(ran.stdout, /^deleted \w+$/m, show(ran))

    const delivered = hook.deliveries.filter((d) => d.json.entity_id === 'user-42')
    assert.equal(delivered.length, 1)
    assert.deepEqual([delivered[0].json.task, delivered[0].json.args, delivered[0].json.kwargs, delivered[0].json.priority],
      ['email.send', ['welcome'], { lang: 'en' }, 2])
    const done = await getJob(app, 'user-42')
    assert.deepEqual([done.status, done.result], ['completed', { sent: true }])
    const cancelled = await getJob(app, 'user-43')
    assert.deepEqual([cancelled.status, cancelled.priority, cancelled.attempts], ['cancelled', 1, 0])
    const handler = await app.inject('/handlers/email.send')
    assert.equal(handler.json().url, hook.url)
  })

  await t.test('curl-client: the round trip with curl', { skip: hasCommand('curl') ? false : 'curl is not installed' }, async () => {
    const jobIdOf = async (entity: string) => (await app.inject(`/jobs/${entity}`)).json().job_id as string | undefined
    const before = { done: await jobIdOf('user-42'), cancelled: await jobIdOf('user-43') }
    const ran = await run('bash', ['-eu', '-c', snippet('curl-client')], snippetEnv({ JOBQ_URL: apiUrl, HANDLER_URL: hook.url }))
    await releaseBlockers()
    assert.equal(ran.code, 0, show(ran))
    assert.doesNotMatch(ran.stdout, /"statusCode"/, `no request should have been refused:\n${show(ran)}`)
    assert.equal(ran.stdout.split('"outcome":"created"').length - 1, 2, show(ran))
    assert.match(ran.stdout, /"status":"completed"/, show(ran))
    assert.match(ran.stdout, /"by_priority":\{"1":1,"2":0,"3":0\}/, show(ran))

    const done = await getJob(app, 'user-42')
    assert.notEqual(done.job_id, before.done, 'user-42 should have run again')
    assert.deepEqual([done.status, done.result, done.priority, done.args, done.kwargs], ['completed', { sent: true }, 2, ['welcome'], { lang: 'en' }])
    const cancelled = await getJob(app, 'user-43')
    assert.notEqual(cancelled.job_id, before.cancelled, 'user-43 should have been enqueued again')
    assert.deepEqual([cancelled.status, cancelled.priority, cancelled.attempts], ['cancelled', 1, 0])
  })

  await t.test('curl-queues: a named queue with curl', { skip: hasCommand('curl') ? false : 'curl is not installed' }, async () => {
    // The test's worker serves only the default queue, so the job stays queued in "emails".
    const ran = await run('bash', ['-eu', '-c', snippet('curl-queues')], snippetEnv({ JOBQ_URL: apiUrl, HANDLER_URL: hook.url }))
    assert.equal(ran.code, 0, show(ran))
    assert.doesNotMatch(ran.stdout, /"statusCode"/, `no request should have been refused:\n${show(ran)}`)
    assert.match(ran.stdout, /"name":"email\.send"/, show(ran))
    assert.equal(ran.stdout.split('"outcome":"created"').length - 1, 1, show(ran))
    assert.match(ran.stdout, /\{"name":"emails","queued":1,"processing":0,/, show(ran))
    assert.match(ran.stdout, /"queue":"emails"/, show(ran))

    const job = (await app.inject('/queues/emails/jobs/user-42')).json()
    assert.deepEqual([job.entity_id, job.status], ['user-42', 'queued'])
    // The default queue's user-42, from the round trip above, is another job.
    assert.notEqual((await getJob(app, 'user-42')).job_id, job.job_id)
    assert.equal((await app.inject('/queues/emails/handlers/email.send')).json().url, hook.url)
  })

  await t.test('curl-schedules: a recurring schedule with curl', { skip: hasCommand('curl') ? false : 'curl is not installed' }, async () => {
    // No worker serves "reports": the triggered job stays queued, and no tick fires.
    const ran = await run('bash', ['-eu', '-c', snippet('curl-schedules')], snippetEnv({ JOBQ_URL: apiUrl, HANDLER_URL: hook.url }))
    assert.equal(ran.code, 0, show(ran))
    assert.doesNotMatch(ran.stdout, /"statusCode"/, `no request should have been refused:\n${show(ran)}`)
    assert.match(ran.stdout, /"outcome":"created"/, show(ran))
    assert.match(ran.stdout, /"paused":true/, show(ran))
    const schedule = (await app.inject('/queues/reports/schedules/nightly-report')).json()
    assert.deepEqual([schedule.cron, schedule.timezone, schedule.paused, schedule.job.kwargs], ['30 2 * * *', 'Europe/Berlin', false, { format: 'pdf' }])
    const job = (await app.inject('/queues/reports/jobs/nightly-report')).json()
    assert.deepEqual([job.status, job.schedule.name, job.job_id], ['queued', 'nightly-report', schedule.last_job_id])
  })

  await t.test('curl-holding-back: limits, a delayed job and pauses with curl', { skip: hasCommand('curl') ? false : 'curl is not installed' }, async () => {
    const ran = await run('bash', ['-eu', '-c', snippet('curl-holding-back')], snippetEnv({ JOBQ_URL: apiUrl, HANDLER_URL: hook.url }))
    assert.equal(ran.code, 0, show(ran))
    assert.doesNotMatch(ran.stdout, /"statusCode"/, `no request should have been refused:\n${show(ran)}`)
    assert.equal(ran.stdout.split('"outcome":"created"').length - 1, 1, show(ran))
    assert.equal(ran.stdout.split('"outcome":"exists"').length - 1, 1, show(ran))
    assert.match(ran.stdout, /"paused":true,"queued":0,"scheduled":1,"in_flight":0/, show(ran))
    const handler = (await app.inject('/queues/partner/handlers/partner.sync')).json()
    assert.deepEqual([handler.max_concurrency, handler.rate_per_second, handler.burst, handler.paused], [5, 20, 20, false])
    const job = (await app.inject('/queues/partner/jobs/account-7')).json()
    assert.equal(job.status, 'scheduled')
    const dueIn = Date.parse(job.next_attempt_at) - Date.parse(job.queued_at)
    assert.ok(dueIn >= 55_000 && dueIn <= 65_000, `due at the earlier time, a minute on, not in ten: ${dueIn} ms`)
    assert.equal((await app.inject('/queues/partner')).json().paused, false)
  })

  await t.test('node-handler: verifies what the worker sends, refuses what it should', async (st) => {
    const code = snippet('node-handler')
    assert.match(code, /from 'standardwebhooks'|timingSafeEqual/, 'the Node handler should compare signatures in constant time')
    const sub = mkdtempSync(join(dir, 'node-'))
    writeFileSync(join(sub, 'handler.mjs'), code)
    // As after `npm install standardwebhooks` next to handler.mjs.
    symlinkSync(join(ROOT, 'node_modules'), join(sub, 'node_modules'), 'dir')
    await checkHandler(st, app, 'node-hook', (port, secret) =>
      startServer(st, process.execPath, [join(sub, 'handler.mjs')], snippetEnv({ PORT: String(port), WEBHOOK_SECRET: secret }), port))
  })

  await t.test('node-async-handler: answers 202, reports progress, completes through the API', async (st) => {
    const sub = mkdtempSync(join(dir, 'node-async-'))
    writeFileSync(join(sub, 'handler.mjs'), snippet('node-async-handler'))
    await checkAsyncHandler(st, app, apiUrl, 'video.encode', /^s3:\/\/videos\/video\.encode-entity\.mp4$/, (port, secret, env) =>
      startServer(st, process.execPath, [join(sub, 'handler.mjs')], snippetEnv({ PORT: String(port), WEBHOOK_SECRET: secret, ...env }), port))
  })

  await t.test('python-async-handler: answers 202, reports progress, completes through the API', async (st) => {
    const file = join(dir, 'async_handler.py')
    writeFileSync(file, snippet('python-async-handler'))
    await checkAsyncHandler(st, app, apiUrl, 'report.build', /^s3:\/\/reports\/report\.build-entity\.pdf$/, (port, secret, env) =>
      startServer(st, 'python3', [file], snippetEnv({ PORT: String(port), WEBHOOK_SECRET: secret, ...env }), port))
  })

  await t.test('python-handler: verifies what the worker sends, refuses what it should', async (st) => {
    const code = snippet('python-handler')
    assert.equal(code, readFileSync(PYTHON_EXAMPLE, 'utf8'), 'the README\'s Python handler should be clients/python/examples/wsgi_handler.py as it is')
    // jobq.webhooks.verify compares in constant time (hmac.compare_digest); its own tests check it.
    assert.match(code, /from jobq\.webhooks import .*\bverify\b/, 'the Python handler should verify with the package')
    const file = join(dir, 'handler.py')
    writeFileSync(file, code)
    await checkHandler(st, app, 'python-hook', (port, secret) =>
      startServer(st, 'python3', [file], snippetEnv({ PORT: String(port), WEBHOOK_SECRET: secret, PYTHONPATH }), port))
  })
})
