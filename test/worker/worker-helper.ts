import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Cluster, Redis } from 'ioredis'
import { waitFor } from '../helper.js'

const ROOT = join(import.meta.dirname, '../..')

type After = { after: TestContext['after'] }

/** What a job's callback carries, as the worker sends it. */
export interface CallbackBody {
  job_id: string
  entity_id: string
  task: string
  args: unknown[]
  kwargs: Record<string, unknown>
  priority: number
  attempt: number
  metadata: Record<string, unknown>
  callback_token: string
}

/** One request a handler server received. */
export interface Delivery {
  /** performance.now() when the request's headers arrived. */
  at: number
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
  json: CallbackBody
  /** Attempt number from the jobq-attempt header. */
  attempt: number
  jobId: string
}

/** Answers one delivery: write to `res`, wait, or destroy the socket. */
export type Responder = (delivery: Delivery, res: ServerResponse, req: IncomingMessage) => void | Promise<void>

export interface HookServer {
  /** http://127.0.0.1:<port>/hook */
  url: string
  origin: string
  deliveries: Delivery[]
  /** Replaceable: how the next requests are answered. */
  respond: Responder
  /** Resolves with the deliveries once at least `count` match, or rejects at the deadline. */
  waitForDeliveries (count: number, filter?: (d: Delivery) => boolean, timeoutMs?: number): Promise<Delivery[]>
  /** Deliveries of one job, in arrival order. */
  of (jobId: string): Delivery[]
}

export const ok: Responder = (_d, res) => { res.writeHead(200).end() }

export function answer (status: number, body?: unknown, headers: Record<string, string> = {}): Responder {
  return (_d, res) => {
    if (body === undefined) {
      res.writeHead(status, headers).end()
    } else {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
    }
  }
}

/** A responder that never answers; the worker must give up on its own. The socket is closed after the test. */
export const hang: Responder = () => {}

/**
 * A real HTTP handler on 127.0.0.1, recording every request with its arrival time and answering as
 * the test says. Every connection and the server are closed after the test.
 */
export async function startHookServer (t: After, respond: Responder = ok): Promise<HookServer> {
  const deliveries: Delivery[] = []
  const waiters = new Set<() => void>()
  const hook: HookServer = {
    url: '',
    origin: '',
    deliveries,
    respond,
    async waitForDeliveries (count, filter = () => true, timeoutMs = 15_000) {
      const matching = () => deliveries.filter(filter)
      const deadline = Date.now() + timeoutMs
      while (matching().length < count) {
        const left = deadline - Date.now()
        if (left <= 0) {
          throw new Error(`expected ${count} deliveries within ${timeoutMs} ms, got ${matching().length}: ` +
            JSON.stringify(deliveries.map((d) => [d.path, d.jobId, d.attempt])))
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(left, 250))
          function done () {
            clearTimeout(timer)
            waiters.delete(done)
            resolve()
          }
          waiters.add(done)
        })
      }
      return matching()
    },
    of (jobId) {
      return deliveries.filter((d) => d.jobId === jobId)
    }
  }
  const server = createServer((req, res) => {
    const at = performance.now()
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json = {} as CallbackBody
      try { json = JSON.parse(body) } catch {}
      const delivery: Delivery = {
        at,
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        attempt: Number(req.headers['jobq-attempt']),
        // jobq-job-id, not webhook-id: jobs of a worker's other queues carry `<queue>:<job_id>` there.
        jobId: String(req.headers['jobq-job-id'] ?? '')
      }
      deliveries.push(delivery)
      for (const wake of [...waiters]) wake()
      Promise.resolve(hook.respond(delivery, res, req)).catch((err: Error) => {
        res.destroy(err)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  hook.origin = `http://127.0.0.1:${port}`
  hook.url = `${hook.origin}/hook`
  t.after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return hook
}

export interface WorkerProcess {
  child: ChildProcess
  /** Everything the process wrote to stdout and stderr so far. */
  output (): string
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** Waits until `pattern` has been written `count` times. */
  waitForOutput (pattern: string, count?: number, timeoutMs?: number): Promise<void>
  /** Pids of the single-process workers that logged "worker started" (the children under --processes). */
  workerPids (): number[]
}

export interface WorkerProcessOptions {
  redisUrl: string
  queue: string
  env?: Record<string, string>
  args?: string[]
  /** "worker started" lines to wait for: the number of worker processes. */
  workers?: number
}

/**
 * Runs `jobq worker` as a user does: a child process of src/cli.ts with settings in its
 * environment. It runs in a process group of its own, so the group (a supervisor and the workers it
 * forked) is SIGKILLed after the test if it has not exited by then. WORKER_LOGS=1 echoes its output.
 */
export async function startWorker (t: After, options: WorkerProcessOptions): Promise<WorkerProcess> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    // Unknown JOBQ_* settings stop the worker at start; the test runner's own context is not the worker's.
    if (value !== undefined && !name.startsWith('JOBQ_') && !name.startsWith('NODE_TEST')) env[name] = value
  }
  Object.assign(env, { REDIS_URL: options.redisUrl, JOBQ_QUEUE: options.queue, LOG_LEVEL: 'info' }, options.env)
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker', ...(options.args ?? [])], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const echo = process.env.WORKER_LOGS === '1'
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8')
    if (echo) process.stderr.write(`[worker ${child.pid}] ${chunk.toString('utf8')}`)
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-(child.pid as number), 'SIGKILL') } catch {}
      await exited
    } else {
      // The supervisor is gone; a worker it forked should be too, but must not outlive the test.
      for (const pid of worker.workerPids()) {
        if (pid !== child.pid) try { process.kill(pid, 'SIGKILL') } catch {}
      }
    }
  })
  const worker: WorkerProcess = {
    child,
    output: () => output,
    exited,
    async waitForOutput (pattern, count = 1, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      while (output.split(pattern).length - 1 < count) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`worker exited (${child.exitCode ?? child.signalCode}) before writing "${pattern}":\n${output}`)
        }
        if (Date.now() > deadline) throw new Error(`worker did not write "${pattern}" ${count} times within ${timeoutMs} ms:\n${output}`)
        await sleep(20)
      }
    },
    workerPids () {
      const pids = []
      for (const line of output.split('\n')) {
        if (!line.includes('"worker started"')) continue
        const id = JSON.parse(line).worker as string
        pids.push(Number(id.split(':')[1]))
      }
      return pids
    }
  }
  await worker.waitForOutput('"worker started"', options.workers ?? 1)
  return worker
}

export { waitFor }

/** A job as GET /jobs/{id} shows it. */
export interface JobView {
  job_id: string
  entity_id: string
  task: string
  status: string
  priority: number
  attempts: number
  position_in_queue: number | null
  last_error: string | null
  result: unknown
  next_attempt_at: string | null
  [field: string]: unknown
}

/** POST /jobs; fails the test unless the job was created. */
export async function enqueue (app: FastifyInstance, payload: Record<string, unknown>): Promise<JobView> {
  const res = await app.inject({ method: 'POST', url: '/jobs', payload })
  if (res.statusCode !== 201) throw new Error(`POST /jobs ${JSON.stringify(payload)}: ${res.statusCode} ${res.body}`)
  return res.json()
}

export async function getJob (app: FastifyInstance, id: string): Promise<JobView> {
  const res = await app.inject({ method: 'GET', url: `/jobs/${encodeURIComponent(id)}` })
  if (res.statusCode !== 200) throw new Error(`GET /jobs/${id}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Waits until the job is in `status` and returns it; the error names the state it was last seen in. */
export async function waitForStatus (app: FastifyInstance, id: string, status: string, timeoutMs = 15_000): Promise<JobView> {
  let seen: JobView | undefined
  try {
    return await waitFor(`job ${id} to be ${status}`, async () => {
      seen = await getJob(app, id)
      return seen.status === status ? seen : undefined
    }, timeoutMs)
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen ${JSON.stringify(seen)}`)
  }
}

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Script calls (EVAL and EVALSHA) the Redis behind `client` has run so far, from INFO commandstats. */
export async function scriptCallCount (client: Redis): Promise<number> {
  const info = await client.info('commandstats')
  return [...info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
}

/** The address (ip:port) Redis knows a client's connection by, from CLIENT INFO (on a cluster, of the node that answered). */
export async function clientAddress (client: Redis | Cluster): Promise<string> {
  const info = await client.call('CLIENT', 'INFO') as string
  const addr = /\baddr=(\S+)/.exec(info)?.[1]
  if (!addr) throw new Error(`no addr in CLIENT INFO: ${info}`)
  return addr
}

export interface ScriptWatch {
  /** Script calls seen so far from clients other than the ignored ones. */
  count (): number
}

/**
 * Counts, through MONITOR, the script calls (EVAL, EVALSHA) Redis gets from every client but the
 * connections at `ignore`: an API's connection (its housekeeping timer runs scripts every few
 * seconds) or the test's own. INFO commandstats cannot tell a worker's calls from the API's.
 * The monitor connection is closed after the test.
 */
export async function watchScriptCalls (t: After, client: Redis, ignore: string[]): Promise<ScriptWatch> {
  const monitor = await client.monitor()
  monitor.on('error', () => {})
  let calls = 0
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (/^eval(sha)?(_ro)?$/i.test(args[0] ?? '') && !ignore.includes(source)) calls++
  })
  t.after(() => { monitor.disconnect() })
  return { count: () => calls }
}

/**
 * Whether a worker is waiting for work: some client listens for the wake messages of `queue` (for
 * '*', some client holds a pattern subscription) and no script call came for `quietMs`, counted by
 * `calls` (all of Redis's by default; see watchScriptCalls to leave an API's out).
 */
export async function waitingOnWakes (client: Redis, queue: string | '*', calls: () => number | Promise<number> = () => scriptCallCount(client),
  quietMs = 50): Promise<boolean> {
  if (queue === '*') {
    if (Number(await client.call('PUBSUB', 'NUMPAT')) < 1) return false
  } else {
    const [, subscribers] = await client.pubsub('NUMSUB', `jobq:{${queue}}:wake`) as [string, number]
    if (subscribers < 1) return false
  }
  const before = await calls()
  await sleep(quietMs)
  return await calls() === before
}
