import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { HandlerStore } from '../../src/queue/handler-store.js'
import { enqueueKeys } from '../../src/queue/keys.js'
import { readScripts } from '../../src/queue/scripts.js'
import type { Ctx, Figure } from '../lib/context.js'
import { undiciLoop } from '../lib/load.js'
import { log } from '../lib/log.js'
import { ARGS_JSON, KWARGS, TASK } from '../lib/payload.js'
import { cpuMeter } from '../lib/procs.js'
import { percentile, summarize } from '../lib/stats.js'

/** Round trips of `fn`, one at a time with 20 ms idle before each, as figure 4 sends its jobs. */
async function idleRoundTrips (n: number, fn: () => Promise<void>): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    await sleep(20)
    const t0 = performance.now()
    await fn()
    samples.push(performance.now() - t0)
  }
  return samples
}

/** The command line of the EVALSHA ceiling, for the report. */
export let redisBenchmarkCommand = ''

/**
 * The machine's ceilings in this run: redis-benchmark EVALSHA of the enqueue script (no pipelining
 * and -P 16), a bare undici POST loop against the handler at the workers' concurrency, and the
 * round trip of one POST at a time (the floor under any idle latency).
 */
export async function ceilings (ctx: Ctx): Promise<Figure> {
  const { opts, redis } = ctx
  const figure: Figure = { id: 'C', title: 'Ceilings of this machine', rows: [], bars: [], notes: [], cpu: [] }
  const rounds = opts.quick ? 1 : 2
  const source = readScripts().find((s) => s.name === 'enqueueJobs')
  if (!source) throw new Error('the enqueueJobs script was not found in lua/')

  const p1: number[] = []
  const p16: number[] = []
  const p99: Record<number, number[]> = { 1: [], 16: [] }
  for (let round = 0; round < rounds; round++) {
    for (const pipeline of [1, 16]) {
      await redis.flush()
      const queue = await ctx.queue('rb')
      await new HandlerStore(queue.redis, queue.keys).put(TASK, { url: ctx.handlerUrl })
      const sha = await redis.client.script('LOAD', source.lua) as string
      const keys = enqueueKeys(queue.keys)
      // KEYS and ARGV as in the script's header: one job per call, a fresh entity per call (-r).
      const args = ['-h', '127.0.0.1', '-p', String(redis.port), '-n', String(opts.redisBenchRequests), '-c', '50',
        '-P', String(pipeline), '-r', '100000000', '--csv',
        'EVALSHA', sha, String(keys.length), ...keys,
        String(Date.now()), '1', TASK, 'ent-__rand_int__', '2', ARGS_JSON, JSON.stringify(KWARGS), '{}', '0']
      redisBenchmarkCommand = `redis-benchmark ${args.slice(0, 8).join(' ')} -P 1|16 ${args.slice(10, 13).join(' ')} EVALSHA <sha of enqueueJobs> ${keys.length} <${keys.length} keys> <now> 1 ${TASK} ent-__rand_int__ 2 '<198 B args>' '{"lang":"en"}' '{}' 0`
      log(`ceiling: redis-benchmark EVALSHA enqueueJobs -P ${pipeline} (round ${round + 1}/${rounds})`)
      const child = ctx.procs.start('redis-benchmark', 'redis-benchmark', args)
      const code = await child.exited
      const line = child.tail.find((l) => l.startsWith('"EVALSHA'))
      if (code !== 0 || !line) throw new Error(`redis-benchmark failed (${code}): ${child.tail.join('\n')}`)
      // The test name holds the JSON arguments (commas and quotes), so read the numbers from the end.
      const fields = line.split(',').map((f) => Number(f.replaceAll('"', '')))
      const rps = fields[fields.length - 7]
      ;(pipeline === 1 ? p1 : p16).push(rps)
      p99[pipeline].push(fields[fields.length - 2])
    }
  }
  await redis.flush()
  figure.rows.push({ key: 'evalsha_p1', label: 'redis-benchmark EVALSHA enqueueJobs, -c 50, no pipelining', unit: 'calls/s', summary: summarize(p1) })
  figure.rows.push({ key: 'evalsha_p16', label: 'redis-benchmark EVALSHA enqueueJobs, -c 50, -P 16', unit: 'calls/s', summary: summarize(p16) })
  figure.rows.push({ key: 'evalsha_p1_p99', label: 'redis-benchmark EVALSHA enqueueJobs, no pipelining: p99', unit: 'ms', summary: summarize(p99[1]) })

  const body = JSON.stringify({ job_id: 'VcDtytp00001', entity_id: 'e-000001', task: TASK, args: JSON.parse(ARGS_JSON), kwargs: KWARGS, priority: 2, attempt: 1, metadata: {} })
  const loop: number[] = []
  const loopP99: number[] = []
  const floor: number[] = []
  for (let round = 0; round < opts.rounds; round++) {
    log(`ceiling: undici POST loop c=${opts.concurrency} against the handler (round ${round + 1}/${opts.rounds})`)
    await undiciLoop(ctx.handlerUrl, body, opts.concurrency, opts.warmupS * 1000, 1e9)
    const meter = cpuMeter({ harness: process.pid, handler: ctx.handler.pid })
    const r = await undiciLoop(ctx.handlerUrl, body, opts.concurrency, opts.durationS * 1000, 1e9)
    figure.cpu.push({ what: `undici POST loop c=${opts.concurrency}`, unit: 'request', readings: meter.stop(r.count) })
    if (r.errors > 0) figure.notes.push(`undici loop: ${r.errors} failed requests`)
    loop.push(r.rps)
    loopP99.push(r.p99)
  }
  // Floors of figure 4, taken the way figure 4 sends its jobs: one at a time, 20 ms idle in between.
  const pool = new Pool(new URL(ctx.handlerUrl).origin, { connections: 1, keepAliveTimeout: 30_000 })
  const pings: number[] = []
  try {
    for (let round = 0; round < opts.rounds; round++) {
      log(`ceiling: single POST and PING round trips after 20 ms idle (round ${round + 1}/${opts.rounds})`)
      const post = await idleRoundTrips(opts.quick ? 100 : 300, async () => {
        const res = await pool.request({ path: '/', method: 'POST', headers: { 'content-type': 'application/json' }, body })
        await res.body.text()
      })
      floor.push(percentile(post, 50))
      pings.push(percentile(await idleRoundTrips(opts.quick ? 100 : 300, async () => { await redis.client.ping() }), 50))
    }
  } finally {
    await pool.close()
  }
  figure.rows.push({ key: 'undici_loop', label: `undici POST loop against the handler, c=${opts.concurrency}`, unit: 'req/s', summary: summarize(loop) })
  figure.rows.push({ key: 'undici_loop_p99', label: `undici POST loop against the handler, c=${opts.concurrency}: p99`, unit: 'ms', summary: summarize(loopP99) })
  figure.rows.push({ key: 'post_floor', label: 'one POST to the handler after 20 ms idle: p50 round trip (floor of figure 4)', unit: 'ms', summary: summarize(floor) })
  figure.rows.push({ key: 'ping_floor', label: 'one Redis PING after 20 ms idle: p50 round trip', unit: 'ms', summary: summarize(pings) })
  return figure
}
