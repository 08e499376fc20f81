import { availableParallelism } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { bar, inTurn, QUEUE, type Ctx, type Figure } from '../lib/context.js'
import { log } from '../lib/log.js'
import { templateBody } from '../lib/payload.js'
import { childPids, cpuMeter, cpuSeconds, freePort } from '../lib/procs.js'
import { fmt, summarize } from '../lib/stats.js'

const median = (runs: number[]) => summarize(runs).median

/**
 * The `count` children of `jobq api --processes N`, once each has finished starting (its CPU time
 * stands still for half a second), so that wrk's connections, made once, spread over all of them:
 * the primary hands each new connection only to the processes listening by then.
 */
async function settledChildren (pid: number, count: number): Promise<number[]> {
  const deadline = Date.now() + 60_000
  let last = ''
  for (;;) {
    const pids = childPids(pid).sort((a, b) => a - b)
    const ticks = pids.map((p) => Math.round(cpuSeconds(p) * 100)).join(',')
    if (pids.length === count && ticks === last) return pids
    if (Date.now() > deadline) throw new Error(`jobq api --processes ${count}: ${pids.length} processes did not settle within 60 s`)
    last = pids.length === count ? ticks : ''
    await sleep(500)
  }
}

/** EVALSHA calls and their µs inside Redis since the last CONFIG RESETSTAT, from INFO commandstats. */
async function evalshaStats (ctx: Ctx): Promise<{ calls: number, usec: number }> {
  const line = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await ctx.redis.client.info('commandstats'))
  return { calls: Number(line?.[1] ?? 0), usec: Number(line?.[2] ?? 0) }
}

/**
 * Figure 1: POST /jobs req/s and p99 at 50 connections, every request a new entity, against the
 * bare Fastify route of bench/servers/bare-api.ts (same body schema, answers without Redis), with
 * the API's CPU per request and what the enqueue script costs Redis per job, and with the same API
 * run as `jobq api --processes 2`.
 */
export async function enqueueOverHttp (ctx: Ctx): Promise<Figure> {
  const { opts, load } = ctx
  const figure: Figure = { id: '1', title: `Enqueue over HTTP: POST /jobs, ${opts.connections} connections, unique entity ids`, rows: [], bars: [], notes: [], cpu: [] }
  const port = await freePort()
  const bare = ctx.procs.start('bare-api', process.execPath, ['--import', 'tsx', 'bench/servers/bare-api.ts'],
    { cwd: ctx.root, env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' } })
  await bare.waitForLine(/^listening/, 20_000)
  const api2 = await ctx.startApi(QUEUE, 'jobq-api-2', 2)
  const api2Children = await settledChildren(api2.child.pid, 2)
  const bodies = [1, 2, 3].map((p) => templateBody(p as 1 | 2 | 3))
  const contenders = [
    { key: 'bare', label: 'bare Fastify route (validates, no Redis)', url: `http://127.0.0.1:${port}/jobs`, pids: { server: bare.pid } },
    { key: 'jobq', label: 'JobQ POST /jobs', url: `${ctx.api.url}/jobs`, pids: { server: ctx.api.child.pid } },
    {
      key: 'jobq2',
      label: 'JobQ POST /jobs, jobq api --processes 2',
      url: `${api2.url}/jobs`,
      pids: { server: api2.child.pid, ...Object.fromEntries(api2Children.map((pid, i) => [`server.${i + 1}`, pid])) }
    }
  ]
  const rps: Record<string, number[]> = { bare: [], jobq: [], jobq2: [] }
  const p99: Record<string, number[]> = { bare: [], jobq: [], jobq2: [] }
  const p50: Record<string, number[]> = { bare: [], jobq: [], jobq2: [] }
  /** CPU µs per request of each process, by contender: `${contender}.${process}` -> one figure per round. */
  const cpuUs: Record<string, number[]> = {}
  /** Cores the load generator, the server and Redis kept busy together, by contender, one figure per round. */
  const busy: Record<string, number[]> = { bare: [], jobq: [], jobq2: [] }
  /** Redis's own µs per job inside EVALSHA, and jobs per EVALSHA call (the enqueue coalescer's batches). */
  const scriptUs: number[] = []
  const jobsPerCall: number[] = []
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const c of inTurn(contenders, round)) {
        log(`figure 1: ${c.label} (round ${round + 1}/${opts.rounds}, ${load.name})`)
        await ctx.redis.flush()
        await ctx.registerHandlers()
        await load.run(c.url, bodies, opts.connections, opts.warmupS)
        await ctx.redis.client.config('RESETSTAT')
        const meter = cpuMeter({ ...c.pids, redis: ctx.redis.child.pid, harness: process.pid })
        const r = await load.run(c.url, bodies, opts.connections, opts.durationS)
        const readings = meter.stop(r.ok, r.cpuS === undefined ? {} : { load: r.cpuS })
        figure.cpu.push({ what: `${c.label}, round ${round + 1}`, unit: 'request', readings })
        for (const [proc, reading] of Object.entries(readings)) (cpuUs[`${c.key}.${proc}`] ??= []).push(reading.usPerUnit)
        // The API's CPU is that of all its processes (--processes N: the primary and its children).
        const api = Object.entries(readings).filter(([name]) => name.startsWith('server')).map(([, reading]) => reading)
        ;(cpuUs[`${c.key}.api`] ??= []).push(api.reduce((sum, reading) => sum + reading.usPerUnit, 0))
        busy[c.key].push(api.reduce((sum, reading) => sum + reading.cores, 0) + readings.redis.cores + readings.harness.cores + (readings.load?.cores ?? 0))
        if (r.bad > 0) figure.notes.push(`${c.label}, round ${round + 1}: ${r.bad} requests failed or answered non-2xx`)
        rps[c.key].push(r.rps)
        p99[c.key].push(r.p99)
        p50[c.key].push(r.p50)
        if (c.key === 'jobq') {
          const evalsha = await evalshaStats(ctx)
          scriptUs.push(evalsha.usec / r.ok)
          jobsPerCall.push(r.ok / evalsha.calls)
        }
      }
    }
  } finally {
    await ctx.procs.stop(bare)
    await ctx.procs.stop(api2.child)
  }
  for (const c of contenders) {
    figure.rows.push({ key: `${c.key}_rps`, label: `${c.label}: requests/s`, unit: 'req/s', summary: summarize(rps[c.key]) })
    figure.rows.push({ key: `${c.key}_p50`, label: `${c.label}: p50`, unit: 'ms', summary: summarize(p50[c.key]) })
    figure.rows.push({ key: `${c.key}_p99`, label: `${c.label}: p99`, unit: 'ms', summary: summarize(p99[c.key]) })
    figure.rows.push({ key: `${c.key}_api_cpu`, label: `${c.label}: API CPU per request`, unit: 'µs', summary: summarize(cpuUs[`${c.key}.api`] ?? []) })
  }
  figure.rows.push({ key: 'jobq_script_us', label: 'JobQ POST /jobs: Redis time per job in EVALSHA (enqueueJobs), from INFO commandstats', unit: 'µs/job', summary: summarize(scriptUs) })
  figure.rows.push({ key: 'jobq_jobs_per_call', label: 'JobQ POST /jobs: jobs per EVALSHA call (the enqueue coalescer\'s batches)', unit: 'jobs', summary: summarize(jobsPerCall) })
  budgetBound(figure, cpuUs, summarize(busy.bare).median)
  figure.bars.push(bar(figure.rows, '1a', 'POST /jobs req/s ÷ bare route req/s', 'jobq_rps', 'bare_rps', '>=', 0.75))
  // The bar on latency reads the same way round: the bare route's p99 over JobQ's (higher is better).
  figure.bars.push(bar(figure.rows, '1b', 'bare route p99 ÷ POST /jobs p99', 'bare_p99', 'jobq_p99', '>=', 0.75))
  figure.bars.push(bar(figure.rows, '1c', 'POST /jobs API CPU µs per request ÷ bare route\'s', 'jobq_api_cpu', 'bare_api_cpu', '<=', 1.5))
  figure.notes.push(load.name === 'wrk'
    ? 'Load: wrk -t1 in a process of its own (bench/wrk/post-jobs.lua gives every request a new entity id); latency in µs. Its CPU is the `load` column of the CPU table.'
    : 'Load: autocannon in the harness process (wrk was not available), which counts latency in whole milliseconds, so p50 and p99 are coarse.')
  figure.notes.push(`jobq api --processes 2 ÷ one process: ${fmt(median(rps.jobq2) / median(rps.jobq))} of the requests/s on these ${availableParallelism()} cores, ` +
    'which the load generator, Redis and the API processes share (the API CPU row sums the primary and both processes).')
  figure.notes.push('The bare route answers the same 201 EnqueuedJob schema (a view built in memory); the queue is flushed before every JobQ round.')
  figure.notes.push('Redis time per job: EVALSHA µs in INFO commandstats over the measured window ÷ jobs enqueued; the API\'s housekeeping (one claim call every 5 s) is in it too.')
  return figure
}

/**
 * What this machine allows figure 1 at most. The harness, Redis and the API share its cores, so
 * JobQ's requests/s cannot pass cores ÷ (harness + Redis + API CPU per request). Taking the API's
 * share as the bare route's own (an API that added nothing to the bare route's work), each JobQ
 * round gives a bound; the bound ÷ the bare route's requests/s is the most bar 1a could read here.
 */
function budgetBound (figure: Figure, cpuUs: Record<string, number[]>, bareBusyCores: number): void {
  const bareServer = summarize(cpuUs['bare.server'] ?? []).median
  // The load generator's CPU: wrk's own process when it ran, plus the harness (all of it under autocannon).
  const loadGen = cpuUs['jobq.load'] ?? []
  const harness = (cpuUs['jobq.harness'] ?? []).map((h, i) => h + (loadGen[i] ?? 0))
  const redis = cpuUs['jobq.redis'] ?? []
  if (!Number.isFinite(bareServer) || harness.length === 0) return
  const cores = availableParallelism()
  const bounds = harness.map((h, i) => cores * 1e6 / (h + redis[i] + bareServer))
  const row = { key: 'jobq_cpu_bound', label: `POST /jobs at most, on ${cores} cores, were the API to cost the bare route's CPU per request`, unit: 'req/s', summary: summarize(bounds) }
  figure.rows.push(row)
  const bare = figure.rows.find((r) => r.key === 'bare_rps')?.summary.median ?? NaN
  figure.notes.push(`CPU budget: per JobQ request the load generator spent ${fmt(summarize(harness).median)} µs and Redis ${fmt(summarize(redis).median)} µs; ` +
    `with the bare route's ${fmt(bareServer)} µs for the API, ${cores} cores allow at most ${fmt(row.summary.median)} req/s, ` +
    `${fmt(row.summary.median / bare)} of the bare route, and only with every core busy (the bare route itself keeps ${fmt(bareBusyCores)} of them busy).`)
}
