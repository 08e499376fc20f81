import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { createRedis } from '../../src/queue/redis.js'
import { JobQueue } from '../../src/queue/job-queue.js'
import { httpJson } from './http.js'
import { LATENCY_TASK, TASK } from './payload.js'
import { freePort, waitUntil, type Child, type CpuReading, type Processes } from './procs.js'
import type { BenchRedis } from './redis.js'
import type { LoadGenerator } from './wrk.js'
import type { Summary } from './stats.js'

export interface Options {
  quick: boolean
  json: boolean
  /** Write V8 CPU profiles of the JobQ API and worker processes to bench/results/profiles. */
  profile: boolean
  /** Figures to run (ids C, 1-10); all when empty. `--only=1,3` is for working on one bar, not for the record. */
  only: string[]
  /** Rounds of each contender in the throughput figures (A B A B ...). */
  rounds: number
  /** Seconds of load per HTTP measurement, and of warm-up before it. */
  durationS: number
  warmupS: number
  connections: number
  batchJobs: number
  e2eJobs: number
  e2eWarmup: number
  concurrency: number
  latencyJobs: number
  latencyWarmup: number
  latencyRounds: number
  scaleBig: number
  scaleSamples: number
  memoryJobs: number
  memoryRounds: number
  redisBenchRequests: number
}

export function options (argv: string[]): Options {
  const quick = argv.includes('--quick')
  return {
    quick,
    json: argv.includes('--json'),
    profile: argv.includes('--profile'),
    only: argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [],
    rounds: quick ? 1 : 5,
    durationS: quick ? 3 : 10,
    warmupS: quick ? 1 : 3,
    connections: 50,
    batchJobs: quick ? 10_000 : 50_000,
    e2eJobs: quick ? 5_000 : 20_000,
    e2eWarmup: quick ? 500 : 2_000,
    concurrency: 50,
    latencyJobs: quick ? 200 : 1_000,
    latencyWarmup: quick ? 20 : 50,
    latencyRounds: quick ? 1 : 2,
    scaleBig: quick ? 100_000 : 1_000_000,
    scaleSamples: quick ? 500 : 2_000,
    memoryJobs: quick ? 20_000 : 100_000,
    memoryRounds: quick ? 1 : 4,
    redisBenchRequests: quick ? 50_000 : 200_000
  }
}

/** One row of a figure: a contender's (or a state's) measurement over its rounds. */
export interface Row {
  key: string
  label: string
  unit: string
  summary: Summary
}

export interface Bar {
  id: string
  what: string
  /** Keys of the two rows compared: ratio = rows[num].median / rows[den].median. */
  num: string
  den: string
  op: '>=' | '<='
  target: number
  ratio: number
  /** The same ratio round by round (rounds pair up in the order they ran). */
  roundRatios: number[]
  holds: boolean
}

export interface Figure {
  id: string
  title: string
  rows: Row[]
  bars: Bar[]
  notes: string[]
  /** CPU per process over each measured window, by measurement, for "where the time goes". */
  cpu: Array<{ what: string, unit: string, readings: Record<string, CpuReading> }>
  error?: string
}

/** The contenders of one round, in reverse order every other round, so drift over the run spreads evenly. */
export function inTurn<T> (contenders: T[], round: number): T[] {
  return round % 2 === 0 ? contenders : [...contenders].reverse()
}

export function bar (rows: Row[], id: string, what: string, num: string, den: string, op: Bar['op'], target: number): Bar {
  const a = rows.find((r) => r.key === num)?.summary
  const b = rows.find((r) => r.key === den)?.summary
  const ratio = a && b ? a.median / b.median : NaN
  const roundRatios = a && b ? a.runs.slice(0, b.runs.length).map((v, i) => v / b.runs[i]) : []
  const holds = op === '>=' ? ratio >= target : ratio <= target
  return { id, what, num, den, op, target, ratio, roundRatios, holds }
}

export interface Api {
  url: string
  child: Child
}

/** What every figure gets: options, the processes, Redis, the running API and handler. */
export interface Ctx {
  opts: Options
  root: string
  procs: Processes
  redis: BenchRedis
  api: Api
  handlerUrl: string
  handler: Child
  /** What drives figure 1's HTTP load: wrk, or autocannon when wrk is not available. */
  load: LoadGenerator
  /** A JobQueue of the harness on the API's queue, for loading directly against Redis. */
  queue (name?: string): Promise<JobQueue>
  /** `jobq api` on a free port; `processes` > 1 runs it as `--processes N` (a primary and N children). */
  startApi (queue: string, name?: string, processes?: number): Promise<Api>
  startWorker (queue?: string): Child
  /** Registers the bench tasks' handlers (after every FLUSHALL) through the API. */
  registerHandlers (api?: Api, latencyUrl?: string): Promise<void>
  close (): Promise<void>
}

export const QUEUE = 'bench'

export function createCtx (opts: Options, root: string, procs: Processes, redis: BenchRedis, handler: Child, handlerUrl: string, load: LoadGenerator): Ctx {
  const clients: Redis[] = []
  const queues = new Map<string, JobQueue>()
  const nodeArgs = (what: string) => opts.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench/results/profiles')}`, `--cpu-prof-name=${what}-${Date.now()}.cpuprofile`]
    : []
  const env = (extra: Record<string, string>) => ({ ...process.env, REDIS_URL: redis.url, LOG_LEVEL: 'warn', ...extra })
  const ctx: Ctx = {
    opts,
    root,
    procs,
    redis,
    handler,
    handlerUrl,
    load,
    api: undefined as unknown as Api,
    queue: async (name = QUEUE) => {
      let q = queues.get(name)
      if (!q) {
        const client = createRedis(redis.url, { commandTimeoutMs: 60_000 })
        clients.push(client)
        await client.connect()
        q = new JobQueue({ redis: client, queue: name })
        queues.set(name, q)
      }
      return q
    },
    startApi: async (queue, name = 'jobq-api', processes = 1) => {
      const port = await freePort()
      const child = procs.start(name, process.execPath, [...nodeArgs('api'), 'dist/cli.js', 'api'],
        { cwd: root, env: env({ HOST: '127.0.0.1', PORT: String(port), JOBQ_QUEUE: queue, JOBQ_PROCESSES: String(processes) }) })
      const url = `http://127.0.0.1:${port}`
      await waitUntil(`${name} /readyz`, async () => { await httpJson('GET', `${url}/readyz`); return true }, 20_000, 50)
      return { url, child }
    },
    startWorker: (queue = QUEUE) => procs.start('jobq-worker', process.execPath, [...nodeArgs('worker'), 'dist/cli.js', 'worker'],
      { cwd: root, env: env({ JOBQ_QUEUE: queue, JOBQ_CONCURRENCY: String(opts.concurrency) }) }),
    registerHandlers: async (api = ctx.api, latencyUrl) => {
      await httpJson('PUT', `${api.url}/handlers/${TASK}`, { url: handlerUrl })
      if (latencyUrl) await httpJson('PUT', `${api.url}/handlers/${LATENCY_TASK}`, { url: latencyUrl })
    },
    close: async () => {
      for (const c of clients) c.disconnect()
    }
  }
  return ctx
}
