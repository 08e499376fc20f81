import { bar, inTurn, type Ctx, type Figure } from '../lib/context.js'
import { cannon } from '../lib/load.js'
import { log } from '../lib/log.js'
import { templateBody } from '../lib/payload.js'
import { cpuMeter, freePort } from '../lib/procs.js'
import { summarize } from '../lib/stats.js'

/**
 * Figure 1: POST /jobs req/s and p99 at 50 connections, every request a new entity, against the
 * bare Fastify route of bench/servers/bare-api.ts (same body schema, answers without Redis).
 */
export async function enqueueOverHttp (ctx: Ctx): Promise<Figure> {
  const { opts } = ctx
  const figure: Figure = { id: '1', title: `Enqueue over HTTP: POST /jobs, ${opts.connections} connections, unique entity ids`, rows: [], bars: [], notes: [], cpu: [] }
  const port = await freePort()
  const bare = ctx.procs.start('bare-api', process.execPath, ['--import', 'tsx', 'bench/servers/bare-api.ts'],
    { cwd: ctx.root, env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' } })
  await bare.waitForLine(/^listening/, 20_000)
  const bodies = [1, 2, 3].map((p) => templateBody(p as 1 | 2 | 3))
  const contenders = [
    { key: 'bare', label: 'bare Fastify route (validates, no Redis)', url: `http://127.0.0.1:${port}/jobs`, pid: bare.pid },
    { key: 'jobq', label: 'JobQ POST /jobs', url: `${ctx.api.url}/jobs`, pid: ctx.api.child.pid }
  ]
  const rps: Record<string, number[]> = { bare: [], jobq: [] }
  const p99: Record<string, number[]> = { bare: [], jobq: [] }
  const p50: Record<string, number[]> = { bare: [], jobq: [] }
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const c of inTurn(contenders, round)) {
        log(`figure 1: ${c.label} (round ${round + 1}/${opts.rounds})`)
        await ctx.redis.flush()
        await ctx.registerHandlers()
        await cannon(c.url, bodies, opts.connections, opts.warmupS)
        const meter = cpuMeter({ server: c.pid, redis: ctx.redis.child.pid, harness: process.pid })
        const r = await cannon(c.url, bodies, opts.connections, opts.durationS)
        figure.cpu.push({ what: `${c.label}, round ${round + 1}`, unit: 'request', readings: meter.stop(r.ok) })
        if (r.bad > 0) figure.notes.push(`${c.label}, round ${round + 1}: ${r.bad} requests failed or answered non-2xx`)
        rps[c.key].push(r.rps)
        p99[c.key].push(r.p99)
        p50[c.key].push(r.p50)
      }
    }
  } finally {
    await ctx.procs.stop(bare)
  }
  for (const c of contenders) {
    figure.rows.push({ key: `${c.key}_rps`, label: `${c.label}: requests/s`, unit: 'req/s', summary: summarize(rps[c.key]) })
    figure.rows.push({ key: `${c.key}_p50`, label: `${c.label}: p50`, unit: 'ms', summary: summarize(p50[c.key]) })
    figure.rows.push({ key: `${c.key}_p99`, label: `${c.label}: p99`, unit: 'ms', summary: summarize(p99[c.key]) })
  }
  figure.bars.push(bar(figure.rows, '1a', 'POST /jobs req/s ÷ bare route req/s', 'jobq_rps', 'bare_rps', '>=', 0.75))
  // The bar on latency reads the same way round: the bare route's p99 over JobQ's (higher is better).
  figure.bars.push(bar(figure.rows, '1b', 'bare route p99 ÷ POST /jobs p99', 'bare_p99', 'jobq_p99', '>=', 0.75))
  figure.notes.push('autocannon (in the harness process) counts latency in whole milliseconds, so p50 and p99 are coarse.')
  figure.notes.push('The bare route answers the same 201 EnqueuedJob schema (a view built in memory); the queue is flushed before every JobQ round.')
  return figure
}
