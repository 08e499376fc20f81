import { it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, freePort, startRedis, uniqueQueueName, waitFor } from './helper.js'
import { startHookServer, startWorker } from './worker/worker-helper.js'

/**
 * The committed OpenAPI document against the running server, judged by a third party's validator:
 * Prism (@stoplight/prism-cli) as a proxy in front of a real API, worker and Redis, checking every
 * request and every response against openapi/openapi.json while the traffic flows through.
 *
 * Two proxies, both on the committed document:
 * - `prism proxy --errors`, as a contract checker runs it: it refuses a request the document does
 *   not allow (422) and replaces an answer the document does not describe with a 500, both as
 *   application/problem+json. Every request the document allows goes through it, and must come
 *   back as the server's answer, untouched.
 * - `prism proxy` without --errors, which passes everything on and names what it found wrong in
 *   an `sl-violations` header. A request the document refuses goes through it too, to see that the
 *   server refuses it as well (else the document is stricter than the server) and that the
 *   server's error answer is described.
 *
 * A request the document allows but the server refuses for reasons a schema cannot say (no such
 * job, a state conflict, limits checked in code) goes through the first proxy, whose answer must be
 * the server's, with a status the document declares. Every operation of the document is driven
 * with good input, and with bad input where it takes any.
 *
 * Not judged here: a body that is not JSON at all (Prism answers it 400 itself, never forwarding
 * it), and a body sent to a route that takes none (DELETE, retry, pause): the document declares no
 * body there, Prism refuses one, and the server ignores it.
 */

const ROOT = join(import.meta.dirname, '..')
const DOCUMENT = join(ROOT, 'openapi/openapi.json')
const PRISM = join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js')
const PRISM_ERRORS = 'https://stoplight.io/prism/errors#'

interface Violation { location?: string[], severity: string, code: string | number, message: string }

interface Req {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  /** Sent as JSON; a string is sent as it is, with `contentType`. */
  body?: unknown
  contentType?: string
  headers?: Record<string, string>
}

interface Answer {
  status: number
  contentType: string
  text: string
  json: any
  /** From the forwarding proxy's sl-violations header. */
  violations: Violation[]
  /** Prism's own problem+json answer, when it answered instead of the server. */
  prism?: { type: string, status: number, validation?: Violation[] }
}

interface Proxy {
  url: string
  output (): string
}

/** `prism proxy` on a free loopback port, ready once a request through it reaches the API; killed after the test. */
async function startPrism (t: TestContext, upstream: string, errors: boolean): Promise<Proxy> {
  const port = await freePort()
  const args = [PRISM, 'proxy', DOCUMENT, upstream, ...(errors ? ['--errors'] : []), '--port', String(port), '--host', '127.0.0.1']
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
  let output = ''
  const keep = (chunk: Buffer) => { output = (output + chunk.toString('utf8')).slice(-100_000) }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise((resolve) => child.once('close', resolve))
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`prism proxy${errors ? ' --errors' : ''} to answer on ${url}`, async () => {
    const res = await fetch(`${url}/healthz`)
    await res.arrayBuffer()
    return res.status === 200
  }, 60_000, 100, () => child.exitCode !== null).catch((err: Error) => {
    throw new Error(`${err.message}\n${output}`)
  })
  return { url, output: () => output }
}

async function send (base: string, req: Req): Promise<Answer> {
  const headers: Record<string, string> = { ...req.headers }
  let body: string | undefined
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body)
    headers['content-type'] = req.contentType ?? 'application/json'
  }
  const res = await fetch(base + req.path, { method: req.method, headers, body, redirect: 'manual' })
  const text = await res.text()
  let json: any = null
  try { json = text ? JSON.parse(text) : null } catch {}
  const contentType = res.headers.get('content-type') ?? ''
  const header = res.headers.get('sl-violations')
  const answer: Answer = { status: res.status, contentType, text, json, violations: header ? JSON.parse(header) : [] }
  if (contentType.startsWith('application/problem+json') && String(json?.type).startsWith(PRISM_ERRORS)) {
    answer.prism = { type: json.type.slice(PRISM_ERRORS.length), status: json.status, validation: json.validation }
  }
  return answer
}

/** What Prism said instead of passing the server's answer on. */
const prismSays = (a: Answer) => `Prism answered ${a.status} ${a.prism?.type}: ` +
  (a.prism?.validation ? JSON.stringify(a.prism.validation) : String(a.json?.title ?? a.text.slice(0, 200)))
const show = (req: Req) => `${req.method} ${req.path.length > 120 ? req.path.slice(0, 120) + '...' : req.path}`
const showAnswer = (a: Answer) => `${a.status} ${a.text.slice(0, 400)}${a.violations.length ? ` sl-violations: ${JSON.stringify(a.violations)}` : ''}`

/** The document's operations, and which one a request is (the most literal path wins: /jobs/batch before /jobs/{id}). */
function operations (document: any) {
  const all: Array<{ id: string, method: string, template: string, pattern: RegExp, params: number, takesInput: boolean }> = []
  for (const [template, item] of Object.entries<Record<string, any>>(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const params = (template.match(/\{/g) ?? []).length
      all.push({
        id: op.operationId,
        method: method.toUpperCase(),
        template,
        pattern: new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$'),
        params,
        takesInput: params > 0 || op.requestBody !== undefined || (op.parameters ?? []).length > 0
      })
    }
  }
  return {
    all,
    of (req: Req) {
      const path = req.path.split('?')[0]
      return all.filter((op) => op.method === req.method && op.pattern.test(path)).sort((a, b) => a.params - b.params)[0]
    }
  }
}

it('should describe the server exactly, as Prism proxies judge every route with good and bad input', { timeout: 120_000 }, async (t) => {
  const document = JSON.parse(readFileSync(DOCUMENT, 'utf8'))
  const ops = operations(document)

  const redis = await startRedis(t)
  const queue = uniqueQueueName()
  const served = `contract-${queue.slice(-12)}` // a named queue the worker serves
  const idle = `idle-${queue.slice(-12)}` // a named queue no worker serves: its jobs stay queued
  // No keys, on loopback: the server takes requests without a bearer key, as the document must say.
  const app: FastifyInstance = await buildTestApp(t, redis.url, { JOBQ_QUEUE: queue })
  const api = await app.listen({ host: '127.0.0.1', port: 0 })

  const held: ServerResponse[] = []
  /** Callback tokens of the jobs the async handler took, by `<jobq-queue header>|<entity>`. */
  const tokens = new Map<string, string>()
  const hook = await startHookServer(t, (delivery, res) => {
    const entity = String(delivery.json.entity_id)
    if (entity.startsWith('async-')) {
      tokens.set(`${String(delivery.headers['jobq-queue'] ?? '')}|${entity}`, String(delivery.headers['jobq-callback-token']))
      res.writeHead(202).end()
    } else if (entity.startsWith('held-')) held.push(res)
    else if (entity.startsWith('fail-')) res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"refused by the test"}')
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ done: entity }))
  })
  t.after(() => { for (const res of held.splice(0)) res.writeHead(200).end() })
  const [strict, forwarding] = await Promise.all([
    startPrism(t, api, true),
    startPrism(t, api, false),
    startWorker(t, { redisUrl: redis.url, queue, env: { JOBQ_QUEUES: `${queue},${served}` } })
  ])

  const problems: string[] = []
  const good = new Set<string>()
  const bad = new Set<string>()
  const note = (req: Req, set: Set<string>) => {
    const op = ops.of(req)
    if (!op) problems.push(`${show(req)}: no operation of the document has this path`)
    else set.add(op.id)
  }

  /** Input the document allows and the server takes: through --errors, the server's answer with `status`. */
  const accepted = async (req: Req, status: number): Promise<any> => {
    note(req, good)
    const a = await send(strict.url, req)
    if (a.prism) problems.push(`${show(req)}: ${prismSays(a)}`)
    else if (a.status !== status) problems.push(`${show(req)}: expected ${status}, got ${showAnswer(a)}`)
    // A request Prism refused never reached the server: send it there directly, so that what
    // follows finds the state it expects and every other difference is reported too.
    if (a.prism && a.prism.type !== 'VIOLATIONS') return (await send(api, req)).json
    return a.json
  }

  /** Input the document allows but the server refuses for reasons no schema says: its answer, a declared status. */
  const declined = async (req: Req, status: number): Promise<Answer> => {
    note(req, bad)
    const a = await send(strict.url, req)
    if (a.prism) problems.push(`${show(req)}: ${prismSays(a)}`)
    else if (a.status !== status) problems.push(`${show(req)}: expected the server's ${status}, got ${showAnswer(a)}`)
    return a
  }

  /** Input the document refuses: Prism --errors refuses it, and the server, behind the forwarding proxy, too, with a described answer. */
  const refused = async (req: Req, status: number): Promise<void> => {
    note(req, bad)
    const a = await send(strict.url, req)
    if (a.prism?.type !== 'UNPROCESSABLE_ENTITY' || a.status !== 422) {
      problems.push(`${show(req)}: the document should refuse this request, but Prism --errors answered ${a.prism ? prismSays(a) : showAnswer(a)}`)
    }
    const b = await send(forwarding.url, req)
    const onRequest = b.violations.filter((v) => v.location?.[0] === 'request' || v.location === undefined)
    const onResponse = b.violations.filter((v) => v.location?.[0] === 'response')
    if (b.prism) problems.push(`${show(req)}: the forwarding proxy answered itself: ${showAnswer(b)}`)
    else if (b.status !== status) problems.push(`${show(req)}: the document refuses it; the server should too, with ${status}, but answered ${showAnswer(b)}`)
    if (onRequest.length === 0 && !b.prism) problems.push(`${show(req)}: the forwarding proxy saw nothing wrong with the request`)
    if (onResponse.length > 0) problems.push(`${show(req)}: the server's answer differs from the document: ${JSON.stringify(onResponse)}`)
  }

  const jobStatus = async (id: string, q?: string) => {
    const res = await app.inject(`${q ? `/queues/${q}` : ''}/jobs/${encodeURIComponent(id)}`)
    return res.statusCode === 200 ? res.json().status as string : `(${res.statusCode})`
  }
  const waitForStatus = (id: string, status: string, q?: string) =>
    waitFor(`job ${id} to be ${status}`, async () => (await jobStatus(id, q)) === status, 15_000)

  const task = 'contract.hook'
  const long = 'x'.repeat(257)
  const json = (method: Req['method'], path: string, body?: unknown): Req => ({ method, path, body })

  // -- health and metrics: public, no input
  await accepted(json('GET', '/healthz'), 200)
  await accepted(json('GET', '/readyz'), 200)
  await accepted(json('GET', '/metrics'), 200)

  // -- handlers of the default queue
  await accepted(json('PUT', `/handlers/${task}`, { url: hook.url, max_attempts: 1 }), 201)
  await accepted(json('PUT', `/handlers/${task}`, { url: hook.url, timeout_ms: 60_000, max_attempts: 1, backoff_ms: 0, headers: { 'x-tenant': 'acme' } }), 200)
  await accepted(json('PUT', '/handlers/contract.spare', { url: 'https://hooks.example.com/jobq' }), 201)
  await refused(json('PUT', '/handlers/contract.spare', {}), 400)
  await refused(json('PUT', '/handlers/contract.spare', { url: 'ftp://hooks.example.com/' }), 400)
  await refused(json('PUT', '/handlers/contract.spare', { url: hook.url, timeout_ms: 5 }), 400)
  await refused(json('PUT', '/handlers/contract.spare', { url: hook.url, max_attemps: 3 }), 400)
  await refused(json('PUT', '/handlers/contract.spare', { url: hook.url, headers: { 'bad name': 'x' } }), 400)
  await refused(json('PUT', '/handlers/-starts-with-a-dash', { url: hook.url }), 400)
  await refused({ method: 'PUT', path: '/handlers/contract.spare', body: '<url/>', contentType: 'application/xml' }, 415)
  await declined(json('PUT', '/handlers/contract.spare', { url: 'http://127.0.0.1:99999/' }), 400)
  await accepted(json('GET', '/handlers'), 200)
  await accepted(json('GET', `/handlers/${task}`), 200)
  await declined(json('GET', '/handlers/no.such.handler'), 404)
  await refused(json('GET', '/handlers/-starts-with-a-dash'), 400)
  // rotate-secret takes no body at all, an empty one, or grace_ms.
  await accepted(json('POST', '/handlers/contract.spare/rotate-secret'), 200)
  await accepted(json('POST', '/handlers/contract.spare/rotate-secret', {}), 200)
  await accepted(json('POST', '/handlers/contract.spare/rotate-secret', { grace_ms: 1000 }), 200)
  await refused(json('POST', '/handlers/contract.spare/rotate-secret', { grace_ms: -1 }), 400)
  await refused(json('POST', '/handlers/contract.spare/rotate-secret', { grace: 1000 }), 400)
  await declined(json('POST', '/handlers/no.such.handler/rotate-secret'), 404)
  for (const action of ['pause', 'resume']) {
    await accepted(json('POST', `/handlers/contract.spare/${action}`), 200)
    await refused(json('POST', `/handlers/not%20a%20name/${action}`), 400)
    await declined(json('POST', `/handlers/no.such.handler/${action}`), 404)
  }
  // Limits: null clears them; a burst needs a rate.
  await accepted(json('PUT', '/handlers/contract.spare', { url: 'https://hooks.example.com/jobq', max_concurrency: 2, rate_per_second: 0.5, burst: 3 }), 200)
  await accepted(json('PUT', '/handlers/contract.spare', { url: 'https://hooks.example.com/jobq', max_concurrency: null, rate_per_second: null }), 200)
  await refused(json('PUT', '/handlers/contract.spare', { url: 'https://hooks.example.com/jobq', max_concurrency: 0 }), 400)
  await refused(json('PUT', '/handlers/contract.spare', { url: 'https://hooks.example.com/jobq', rate_per_second: 0 }), 400)
  // A rule between two fields that the document states in words only.
  await declined(json('PUT', '/handlers/contract.spare', { url: 'https://hooks.example.com/jobq', burst: 2 }), 400)
  await accepted(json('DELETE', '/handlers/contract.spare'), 204)
  await declined(json('DELETE', '/handlers/contract.spare'), 404)
  await refused(json('DELETE', '/handlers/-starts-with-a-dash'), 400)

  // -- enqueueing into the default queue, which the worker serves
  await accepted(json('POST', '/jobs', { task, entity_id: 'done-1', args: [1, 'a', null], kwargs: { k: 'v' }, priority: 2, metadata: { m: 1 } }), 201)
  await accepted(json('POST', '/jobs', { task, entity_id: 'Zoë 😀 done', priority: 1 }), 201)
  await accepted(json('POST', '/jobs', { task, entity_id: 'wait-1', delay_ms: 600_000, priority: 3 }), 201)
  await accepted(json('POST', '/jobs', { task, entity_id: 'at-1', run_at: new Date(Date.now() + 3_600_000).toISOString() }), 201)
  await accepted(json('POST', '/jobs', { task, entity_id: 'past-1', run_at: '2020-01-01T00:00:00+01:00' }), 201)
  await accepted(json('POST', '/jobs', { task, entity_id: 'fail-1' }), 201)
  await accepted(json('POST', '/jobs', { task, entity_id: 'held-1' }), 201)
  await accepted({ ...json('GET', '/queue'), headers: { authorization: 'Bearer any-key-the-server-does-not-need' } }, 200)
  for (const body of [
    { task, entity_id: 'x', priority: 7 },
    { task, entity_id: 'x', priority: '2' },
    { task, entity_id: '' },
    { task, entity_id: 'a\u0001b' },
    { task, entity_id: 'x'.repeat(257) },
    { entity_id: 'x' },
    { task, entity_id: 'x', priorty: 1 },
    { task, entity_id: 'x', args: 'welcome' },
    { task, entity_id: 'x', kwargs: ['lang'] },
    { task: 'has spaces', entity_id: 'x' },
    { task, entity_id: 'x', delay_ms: -1 },
    { task, entity_id: 'x', run_at: 'tomorrow' }
  ]) await refused(json('POST', '/jobs', body), 400)
  await refused({ method: 'POST', path: '/jobs', body: '<job/>', contentType: 'application/xml' }, 415)
  await declined(json('POST', '/jobs', { task: 'no.such.handler', entity_id: 'x' }), 422)
  await declined(json('POST', '/jobs', { task, entity_id: 'x', delay_ms: 1000, run_at: new Date().toISOString() }), 400)
  let deep: unknown = 1
  for (let i = 0; i < 150; i++) deep = [deep]
  await declined(json('POST', '/jobs', { task, entity_id: 'x', args: [deep] }), 400)
  await declined(json('POST', '/jobs', { task, entity_id: 'x', args: ['y'.repeat(1_100_000)] }), 413)
  await waitForStatus('held-1', 'processing')
  await declined(json('POST', '/jobs', { task, entity_id: 'held-1' }), 409)

  // -- batches
  await accepted(json('POST', '/jobs/batch', {
    jobs: [{ task, entity_id: 'batch-1' }, { task: 'no.such.handler', entity_id: 'batch-2' }, { task, entity_id: 'held-1' }]
  }), 200)
  await refused(json('POST', '/jobs/batch', { jobs: [] }), 400)
  await refused(json('POST', '/jobs/batch', { jobs: [{ task }] }), 400)
  await refused(json('POST', '/jobs/batch', {}), 400)
  await declined(json('POST', '/jobs/batch', { jobs: [{ task, entity_id: 'x', delay_ms: 1, run_at: new Date().toISOString() }] }), 400)

  // -- reading jobs in every state
  await waitForStatus('done-1', 'completed')
  await waitForStatus('fail-1', 'failed')
  const done = await accepted(json('GET', '/jobs/done-1'), 200)
  await accepted(json('GET', `/jobs/${done?.job_id ?? 'done-1'}`), 200)
  await waitForStatus('Zoë 😀 done', 'completed')
  await accepted(json('GET', `/jobs/${encodeURIComponent('Zoë 😀 done')}`), 200)
  for (const id of ['wait-1', 'at-1', 'held-1', 'fail-1']) await accepted(json('GET', `/jobs/${id}`), 200)
  await declined(json('GET', '/jobs/no-such-job'), 404)
  await refused(json('GET', `/jobs/${long}`), 400)

  // -- priority, retry, cancel
  await accepted(json('PATCH', '/jobs/wait-1/priority', { priority: 1 }), 200)
  for (const body of [{ priority: 0 }, {}, { priority: 1, extra: true }, { priority: 'high' }]) {
    await refused(json('PATCH', '/jobs/wait-1/priority', body), 400)
  }
  await declined(json('PATCH', '/jobs/done-1/priority', { priority: 1 }), 409)
  await declined(json('PATCH', '/jobs/no-such-job/priority', { priority: 1 }), 404)
  await refused(json('PATCH', `/jobs/${long}/priority`, { priority: 1 }), 400)
  await accepted(json('POST', '/jobs/fail-1/retry'), 200)
  await declined(json('POST', '/jobs/done-1/retry'), 409)
  await declined(json('POST', '/jobs/no-such-job/retry'), 404)
  await refused(json('POST', `/jobs/${long}/retry`), 400)
  await accepted(json('DELETE', '/jobs/wait-1'), 204) // cancels the waiting job
  await accepted(json('GET', '/jobs/wait-1'), 200)
  await accepted(json('DELETE', '/jobs/done-1'), 204) // forgets the finished one
  await declined(json('DELETE', '/jobs/held-1'), 409)
  await declined(json('DELETE', '/jobs/no-such-job'), 404)
  await refused(json('DELETE', `/jobs/${long}`), 400)

  // -- the default queue
  await accepted(json('GET', '/queue'), 200)
  await accepted(json('GET', '/queue?list=queued'), 200)
  await accepted(json('GET', '/queue?list=processing&limit=1'), 200)
  await refused(json('GET', '/queue?list=done'), 400)
  await refused(json('GET', '/queue?list=queued&limit=0'), 400)
  await refused(json('GET', '/queue?list=queued&limit=ten'), 400)
  await refused(json('GET', `/queue?list=queued&cursor=${'c'.repeat(1025)}`), 400)
  await declined(json('GET', '/queue?list=queued&cursor=not-a-cursor'), 400)
  // OpenAPI cannot say that a query takes no other parameters; the server refuses them (400, declared).
  await declined(json('GET', '/queue?lits=queued'), 400)
  for (const action of ['pause', 'resume']) await accepted(json('POST', `/queue/${action}`), 200)

  // -- named queues
  await accepted(json('PUT', `/queues/${idle}/handlers/${task}`, { url: hook.url }), 201)
  await accepted(json('PUT', `/queues/${served}/handlers/${task}`, { url: hook.url, max_attempts: 1 }), 201)
  await refused(json('PUT', `/queues/${idle}/handlers/${task}`, { url: 'nope' }), 400)
  await refused(json('PUT', `/queues/not%20a%20queue/handlers/${task}`, { url: hook.url }), 400)
  await accepted(json('GET', '/queues'), 200)
  for (const [entity, priority] of [['q-1', 3], ['q-2', 2], ['q-3', 2]] as const) {
    await accepted(json('POST', `/queues/${idle}/jobs`, { task, entity_id: entity, priority }), 201)
  }
  await accepted(json('POST', `/queues/${idle}/jobs`, { task, entity_id: 'q-1', priority: 3 }), 200) // exists
  await accepted(json('POST', `/queues/${idle}/jobs`, { task, entity_id: 'q-2', priority: 1 }), 200) // priority_raised
  await refused(json('POST', `/queues/${idle}/jobs`, { task, entity_id: 'q-9', priority: 9 }), 400)
  await declined(json('POST', `/queues/${idle}/jobs`, { task: 'no.such.handler', entity_id: 'q-9' }), 422)
  await accepted(json('POST', `/queues/${idle}/jobs/batch`, { jobs: [{ task, entity_id: 'q-4' }, { task, entity_id: 'q-1', priority: 1 }] }), 200)
  await refused(json('POST', `/queues/${idle}/jobs/batch`, { jobs: 'q-5' }), 400)
  await accepted(json('GET', `/queues/${idle}`), 200)
  const page = await accepted(json('GET', `/queues/${idle}?list=queued&limit=2`), 200)
  await accepted(json('GET', `/queues/${idle}?list=queued&limit=2&cursor=${encodeURIComponent(page?.next_cursor ?? '')}`), 200)
  await refused(json('GET', `/queues/${idle}?list=all`), 400)
  await declined(json('GET', '/queues/no-such-queue'), 404)
  await refused(json('GET', '/queues/not%20a%20queue'), 400)
  await accepted(json('GET', `/queues/${idle}/jobs/q-2`), 200)
  await declined(json('GET', `/queues/${idle}/jobs/no-such-job`), 404)
  await refused(json('GET', `/queues/${idle}/jobs/${long}`), 400)
  await accepted(json('PATCH', `/queues/${idle}/jobs/q-2/priority`, { priority: 3 }), 200)
  await refused(json('PATCH', `/queues/${idle}/jobs/q-2/priority`, { priority: 4 }), 400)
  await declined(json('POST', `/queues/${idle}/jobs/q-2/retry`), 409)
  await accepted(json('DELETE', `/queues/${idle}/jobs/q-3`), 204)
  await declined(json('DELETE', `/queues/${idle}/jobs/q-3-not-there`), 404)
  await accepted(json('POST', `/queues/${served}/jobs`, { task, entity_id: 'fail-2' }), 201)
  await waitForStatus('fail-2', 'failed', served)
  await accepted(json('POST', `/queues/${served}/jobs/fail-2/retry`), 200)
  await refused(json('POST', `/queues/${served}/jobs/${long}/retry`), 400)
  await accepted(json('GET', `/queues/${idle}/handlers`), 200)
  await refused(json('GET', '/queues/not%20a%20queue/handlers'), 400)
  await accepted(json('GET', `/queues/${idle}/handlers/${task}`), 200)
  await declined(json('GET', `/queues/${idle}/handlers/no.such.handler`), 404)
  await accepted(json('POST', `/queues/${idle}/handlers/${task}/rotate-secret`), 200)
  await accepted(json('POST', `/queues/${idle}/handlers/${task}/rotate-secret`, { grace_ms: 0 }), 200)
  await refused(json('POST', `/queues/${idle}/handlers/${task}/rotate-secret`, { grace_ms: 8 * 86_400_000 }), 400)
  for (const action of ['pause', 'resume']) {
    await accepted(json('POST', `/queues/${idle}/${action}`), 200)
    await refused(json('POST', `/queues/not%20a%20queue/${action}`), 400)
    await accepted(json('POST', `/queues/${idle}/handlers/${task}/${action}`), 200)
    await refused(json('POST', `/queues/${idle}/handlers/not%20a%20name/${action}`), 400)
    await declined(json('POST', `/queues/${idle}/handlers/no.such.handler/${action}`), 404)
  }
  await accepted(json('DELETE', `/queues/${idle}/handlers/${task}`), 204)
  await declined(json('DELETE', `/queues/${idle}/handlers/${task}`), 404)

  // -- schedules, of the default queue and of a named one
  const schedule = { cron: '0 3 * * *', timezone: 'Europe/Berlin', job: { task, entity_id: 'held-sched', kwargs: { k: 1 } } }
  for (const base of ['', `/queues/${idle}`]) {
    if (base) await accepted(json('PUT', `${base}/handlers/${task}`, { url: hook.url }), 201)
    await accepted(json('PUT', `${base}/schedules/nightly`, schedule), 201)
    await accepted(json('PUT', `${base}/schedules/nightly`, { ...schedule, cron: '*/30 * * * * *', catch_up: 'none', paused: true }), 200)
    await refused(json('PUT', `${base}/schedules/nightly`, { ...schedule, catch_up: 'all' }), 400)
    await refused(json('PUT', `${base}/schedules/nightly`, { cron: '* * * * *' }), 400)
    await refused(json('PUT', '/schedules/-starts-with-a-dash', schedule), 400)
    await declined(json('PUT', `${base}/schedules/nightly`, { ...schedule, cron: '61 * * * *' }), 400)
    await declined(json('PUT', `${base}/schedules/nightly`, { ...schedule, timezone: 'Mars/Olympus_Mons' }), 400)
    await declined(json('PUT', `${base}/schedules/nightly`, { ...schedule, job: { task: 'no.such.handler', entity_id: 'x' } }), 422)
    await accepted(json('GET', `${base}/schedules`), 200)
    await accepted(json('GET', `${base}/schedules/nightly`), 200)
    await declined(json('GET', `${base}/schedules/no.such.schedule`), 404)
    await refused(json('GET', `${base}/schedules/not%20a%20name`), 400)
    for (const action of ['resume', 'pause']) {
      await accepted(json('POST', `${base}/schedules/nightly/${action}`), 200)
      await declined(json('POST', `${base}/schedules/no.such.schedule/${action}`), 404)
      await refused(json('POST', `${base}/schedules/not%20a%20name/${action}`), 400)
    }
    await accepted(json('POST', `${base}/schedules/nightly/trigger`), 201)
    await accepted(json('POST', `${base}/schedules/nightly/trigger`), 200) // its entity's job is active: exists
    await declined(json('POST', `${base}/schedules/no.such.schedule/trigger`), 404)
    await refused(json('POST', `${base}/schedules/not%20a%20name/trigger`), 400)
    await accepted(json('DELETE', `${base}/schedules/nightly`), 204)
    await declined(json('DELETE', `${base}/schedules/nightly`), 404)
    await refused(json('DELETE', `${base}/schedules/not%20a%20name`), 400)
  }
  await refused(json('GET', '/queues/not%20a%20queue/schedules'), 400)
  // -- async handlers: a 202 leaves the job to its handler, which reports with the callback token alone
  await accepted(json('PUT', '/handlers/contract.async', { url: hook.url, async: true, async_lease_ms: 60_000 }), 201)
  await refused(json('PUT', '/handlers/contract.async', { url: hook.url, async: 'yes' }), 400)
  await refused(json('PUT', '/handlers/contract.async', { url: hook.url, async: true, async_lease_ms: 100 }), 400)
  await accepted(json('PUT', `/queues/${served}/handlers/contract.async`, { url: hook.url, async: true }), 201)
  const withToken = (req: Req, token: string): Req => ({ ...req, headers: { 'jobq-callback-token': token } })
  for (const [named, prefix] of [[queue, ''], [served, `/queues/${served}`]]) {
    const ids: string[] = []
    for (const n of [1, 2]) ids.push((await accepted(json('POST', `${prefix}/jobs`, { task: 'contract.async', entity_id: `async-${n}` }), 201)).job_id)
    await waitFor('both async jobs taken', () => tokens.has(`${named}|async-1`) && tokens.has(`${named}|async-2`), 15_000)
    await waitFor('the hand-offs written', async () => {
      const views = await Promise.all(ids.map(async (id) => (await app.inject(`${prefix}/jobs/${id}`)).json()))
      return views.every((v) => v.lease_expires_at !== null)
    }, 15_000)
    const [one, two] = [tokens.get(`${named}|async-1`) as string, tokens.get(`${named}|async-2`) as string]
    const at = (id: string, op: string, body?: unknown) => json('POST', `${prefix}/jobs/${id}/${op}`, body)
    await accepted(withToken(at(ids[0], 'heartbeat'), one), 200)
    await accepted(withToken(at(ids[0], 'heartbeat', { lease_ms: 60_000 }), one), 200)
    await refused(withToken(at(ids[0], 'heartbeat', { lease_ms: 1 }), one), 400)
    await accepted(withToken(at(ids[0], 'progress', { percent: 50, message: 'half way' }), one), 200)
    await refused(withToken(at(ids[0], 'progress', { percent: 101 }), one), 400)
    await declined(at(ids[0], 'complete', {}), 401)
    await declined(withToken(at(ids[0], 'complete', {}), two), 403)
    await accepted(withToken(at(ids[0], 'complete', { result: { encoded: true } }), one), 200)
    await declined(withToken(at(ids[0], 'fail', { error: 'too late' }), one), 409)
    await refused(withToken(at(ids[1], 'fail', {}), two), 400)
    await accepted(withToken(at(ids[1], 'fail', { error: 'bad input', retry: false }), two), 200)
  }

  // -- waiting for a job, and the event streams, which stay open until the server ends them here
  await accepted(json('GET', '/jobs/held-1?wait_ms=0'), 200)
  await accepted(json('GET', `/queues/${served}/jobs/fail-2?wait_ms=100`), 200)
  await refused(json('GET', '/jobs/held-1?wait_ms=60001'), 400)
  await refused(json('GET', '/jobs/held-1?wait_ms=soon'), 400)
  const streamed = async (req: Req) => {
    const answer = accepted(req, 200)
    await waitFor('the event stream to open', () => app.eventStreams.size > 0)
    for (const stream of app.eventStreams) stream.close()
    await answer
  }
  await streamed(json('GET', '/events'))
  await streamed(json('GET', '/events?last_event_id=0-0&types=job.completed,job.failed&entity_id=done-1'))
  await streamed(json('GET', `/queues/${served}/events?task=${task}`))
  await refused(json('GET', '/events?last_event_id=yesterday'), 400)
  await refused(json('GET', `/events?job_id=${long}`), 400)
  await declined(json('GET', '/events?types=job.exploded'), 400)
  await declined(json('GET', '/queues/no-such-queue/events'), 404)
  await refused(json('GET', '/queues/not%20a%20queue/events'), 400)

  // Let the held job end, and read it once more as completed.
  for (const res of held.splice(0)) res.writeHead(200, { 'content-type': 'application/json' }).end('{"released":true}')
  await waitForStatus('held-1', 'completed')
  await accepted(json('GET', '/jobs/held-1'), 200)

  // Redis away: the 503 answers, with Retry-After, as described.
  await redis.stop()
  await declined(json('GET', '/readyz'), 503)
  await declined(json('GET', '/jobs/done-1'), 503)
  await declined(json('POST', '/jobs', { task, entity_id: 'outage-1' }), 503)
  await declined(json('GET', '/queues'), 503)

  const notGood = ops.all.filter((op) => !good.has(op.id)).map((op) => `${op.method} ${op.template}`)
  const notBad = ops.all.filter((op) => op.takesInput && !bad.has(op.id)).map((op) => `${op.method} ${op.template}`)
  if (notGood.length) problems.push(`operations never driven with good input: ${notGood.join(', ')}`)
  if (notBad.length) problems.push(`operations that take input never driven with bad input: ${notBad.join(', ')}`)
  assert.deepEqual(problems, [], `the document and the server differ:\n${problems.join('\n')}\n--- prism --errors (last lines)\n${strict.output().slice(-3000)}`)
})
