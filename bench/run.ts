import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { createCtx, options, QUEUE, type Ctx, type Figure } from './lib/context.js'
import { log } from './lib/log.js'
import { Processes } from './lib/procs.js'
import { startRedis, type BenchRedis } from './lib/redis.js'
import { loadGenerator } from './lib/wrk.js'
import { ceilings, redisBenchmarkCommand } from './figures/ceilings.js'
import { enqueueOverHttp } from './figures/enqueue.js'
import { batchEnqueue } from './figures/batch.js'
import { endToEnd } from './figures/e2e.js'
import { idleLatency } from './figures/latency.js'
import { scaling } from './figures/scaling.js'
import { memoryPerJob } from './figures/memory.js'
import { heldBacklog } from './figures/held-backlog.js'
import { eventFanOut } from './figures/events.js'
import { scheduleTicks } from './figures/ticks.js'
import { delayedJobs } from './figures/delayed.js'
import { json, markdown, type Meta } from './report.js'

/**
 * `npm run bench [-- --quick] [-- --json] [-- --profile]`: JobQ against BullMQ and bee-queue, and
 * against this machine's ceilings, in one run. Every process it starts listens on 127.0.0.1 and is
 * stopped at the end, on error and on SIGINT/SIGTERM.
 */
const opts = options(process.argv.slice(2))
const root = join(import.meta.dirname, '..')
// One pid file per checkout, so two checkouts' harnesses never touch each other's processes.
const procs = new Processes(join(tmpdir(), `jobq-bench-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.json`))
let redis: BenchRedis | undefined
let ctx: Ctx | undefined
let stopping = false

async function cleanup (): Promise<void> {
  await ctx?.close()
  await procs.stopAll()
  await redis?.close()
}

// Whatever happens, nothing the harness started outlives it.
process.on('exit', () => procs.killAllNow())
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every process the harness started`)
    stopping = true
    cleanup().finally(() => process.exit(130))
  })
}

const loadStart = loadavg()[0].toFixed(2)
const version = (pkg: string) => (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version

/** The commit measured, and whether the work tree differed from it (the build is of the work tree). */
function gitState (): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim()
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'lua', 'package.json'], { cwd: root, encoding: 'utf8' }).stdout.trim()
  return head === '' ? 'unknown' : dirty === '' ? head : `${head} with uncommitted changes in src/, lua/ or package.json`
}

/** `wrk 4.1.0`: wrk -v prints its version line and exits 1. */
function wrkVersion (): string {
  const out = spawnSync('wrk', ['-v'], { encoding: 'utf8' })
  return /wrk\s+\S+/.exec(out.stdout + out.stderr)?.[0] ?? 'wrk'
}

function machine (): Record<string, string> {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown'
  return {
    cpu: model,
    cores: String(cpus().length),
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: release(),
    'load average at start (1 min)': loadStart
  }
}

async function main (): Promise<number> {
  const started = Date.now()
  const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`
  const reaped = procs.reapLeftovers()
  if (reaped > 0) log(`stopped ${reaped} processes left by a harness that was killed`)
  log(`${command}: building once with npm run build`)
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2] })
  if (build.status !== 0) throw new Error('npm run build failed')

  redis = await startRedis(procs)
  const handler = procs.start('handler', process.execPath, ['--import', 'tsx', 'bench/servers/handler.ts'], { cwd: root, env: { ...process.env, PORT: '0' } })
  const handlerPort = Number((await handler.waitForLine(/^listening \d+/, 20_000)).split(' ')[1])
  const load = loadGenerator(procs, root)
  ctx = createCtx(opts, root, procs, redis, handler, `http://127.0.0.1:${handlerPort}/`, load)
  ctx.api = await ctx.startApi(QUEUE)
  log(`redis-server on ${redis.port}, handler on ${handlerPort}, JobQ API at ${ctx.api.url}`)

  const steps: Array<[string, string, (c: Ctx) => Promise<Figure>]> = [
    ['C', 'Ceilings of this machine', ceilings],
    ['1', 'Enqueue over HTTP', enqueueOverHttp],
    ['2', 'Batch enqueue', batchEnqueue],
    ['3', 'End to end', endToEnd],
    ['4', 'Idle latency', idleLatency],
    ['5', 'Scaling', scaling],
    ['6', 'Memory', memoryPerJob],
    ['7', 'A paused handler\'s backlog', heldBacklog],
    ['8', 'Live events', eventFanOut],
    ['9', 'Schedule ticks', scheduleTicks],
    ['10', 'Delayed jobs', delayedJobs]
  ]
  const figures: Figure[] = []
  for (const [id, title, run] of steps) {
    if (stopping) break
    if (opts.only.length > 0 && !opts.only.includes(id)) continue
    try {
      figures.push(await run(ctx))
    } catch (err) {
      const e = err as Error
      log(`figure ${id} failed: ${e.stack ?? e.message}`)
      figures.push({ id, title, rows: [], bars: [], notes: [], cpu: [], error: e.message })
    }
  }

  const others = figures.flatMap((f) => f.cpu.map((c) => c.readings.others?.cores)).filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  const redisVersion = /redis_version:(\S+)/.exec(await redis.client.info('server'))?.[1] ?? 'unknown'
  const apiLines = ctx.api.child.lines
  const meta: Meta = {
    generatedAt: new Date().toISOString(),
    durationS: (Date.now() - started) / 1000,
    command,
    machine: machine(),
    versions: {
      jobq: gitState(),
      node: process.version,
      'redis-server': redisVersion,
      bullmq: version('bullmq'),
      'bee-queue': version('bee-queue'),
      fastify: version('fastify'),
      undici: version('undici'),
      ioredis: version('ioredis'),
      autocannon: version('autocannon'),
      'figure 1 load generator': load.name === 'wrk' ? wrkVersion() : `autocannon ${version('autocannon')} (wrk not available)`
    },
    commands: [
      'npm run build',
      'redis-server --port <free> --bind 127.0.0.1 --dir <temp dir> --save \'\' --appendonly no',
      'PORT=0 node --import tsx bench/servers/handler.ts                       # the handler: node:http, 200 {}',
      `REDIS_URL=redis://127.0.0.1:<port> HOST=127.0.0.1 PORT=<free> JOBQ_QUEUE=${QUEUE} LOG_LEVEL=warn node dist/cli.js api`,
      `REDIS_URL=redis://127.0.0.1:<port> JOBQ_QUEUE=${QUEUE} JOBQ_CONCURRENCY=${opts.concurrency} LOG_LEVEL=warn node dist/cli.js worker   # figures 3, 4, 7, 9 and 10, one per round`,
      'REDIS_URL=... HOST=127.0.0.1 PORT=<free> JOBQ_QUEUE=big LOG_LEVEL=warn node dist/cli.js api   # figure 5, the big queue',
      'PORT=<free> LOG_LEVEL=warn node --import tsx bench/servers/bare-api.ts   # figure 1 reference',
      'node --import tsx bench/servers/sse-clients.ts http://127.0.0.1:<api port>/events 990 10   # figure 8: the SSE streams',
      `REDIS_URL=... node --import tsx bench/servers/peer-worker.ts bullmq|bee <queue> ${opts.concurrency} <handler url>   # figures 3 and 4`,
      redisBenchmarkCommand,
      load.name === 'wrk'
        ? `wrk -t1 -c${opts.connections} -d${opts.durationS}s --timeout 30s -s bench/wrk/post-jobs.lua <url> -- <run tag> <POST bodies with [<id>] entity ids>   # figure 1, after ${opts.warmupS} s of warm-up`
        : `autocannon({ url, connections: ${opts.connections}, duration: ${opts.durationS}, requests: POST bodies with [<id>] entity ids, idReplacement: true })   # figure 1, in the harness, after ${opts.warmupS} s of warm-up`
    ],
    notes: [
      'The API and the worker run with LOG_LEVEL=warn, so request and callback logging does not dominate (at the default info level the API logs every request).' +
        ` The API wrote ${apiLines} lines at warn during the run.`,
      `Noise: processes the harness did not start (or that were idle in that window) used ${others.length > 0 ? `${others[others.length >> 1].toFixed(2)} cores at the median and ${others[others.length - 1].toFixed(2)} at most` : 'n/a'} during the measured windows (the "others" column of the CPU tables; "steal" is time the hypervisor took).` +
        ` Load average at the end: ${loadavg()[0].toFixed(2)}.`,
      `All processes share the machine's cores: redis-server, the API, the worker, the handler, the peers and the load generators (${load.name === 'wrk' ? 'wrk for figure 1; ' : ''}the harness process for the others, which also runs BullMQ's producer side in-process).`,
      'One contender at a time: JobQ\'s API stays up but idle while a peer is measured; worker processes run only during their own rounds.',
      `Settings: ${JSON.stringify({ rounds: opts.rounds, durationS: opts.durationS, warmupS: opts.warmupS, batchJobs: opts.batchJobs, e2eJobs: opts.e2eJobs, latencyJobs: opts.latencyJobs, scaleBig: opts.scaleBig, memoryJobs: opts.memoryJobs })}`,
      ...(opts.quick ? ['Quick run: smaller counts, shorter loads and one round each; figures are indicative, the bars are held on a full run.'] : []),
      ...(opts.profile ? ['Run with --profile: the JobQ API and worker ran under node --cpu-prof (profiles in bench/results/profiles); the figures carry the profiler\'s overhead.'] : [])
    ]
  }

  const md = markdown(meta, opts, figures)
  const out = join(root, 'bench/results')
  mkdirSync(out, { recursive: true })
  // latest.md is the record of a full run; partial and quick runs go elsewhere.
  const base = opts.only.length > 0 ? 'partial' : opts.quick ? 'quick' : 'latest'
  writeFileSync(join(out, `${base}.md`), md)
  writeFileSync(join(out, `${base}.json`), JSON.stringify(json(meta, opts, figures), null, 2) + '\n')
  process.stdout.write(opts.json ? JSON.stringify(json(meta, opts, figures), null, 2) + '\n' : md)
  log(`wrote bench/results/${base}.md and ${base}.json in ${((Date.now() - started) / 60000).toFixed(1)} min`)
  return figures.some((f) => f.error) ? 1 : 0
}

main()
  .then(async (code) => { await cleanup(); process.exit(code) })
  .catch(async (err: Error) => {
    log(`failed: ${err.stack ?? err.message}`)
    await cleanup()
    process.exit(1)
  })
