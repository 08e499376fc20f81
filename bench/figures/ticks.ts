import { createServer, type Server } from 'node:http'
import { bar, type Ctx, type Figure } from '../lib/context.js'
import { httpJson } from '../lib/http.js'
import { log } from '../lib/log.js'
import { LATENCY_TASK } from '../lib/payload.js'
import { freePort } from '../lib/procs.js'
import { percentile, summarize } from '../lib/stats.js'

/** The bound on how late a tick may be with an idle worker (issue 16). */
const BOUND_MS = 100

/**
 * Figure 9: schedule ticks. An every-second schedule and one idle worker: how long after each tick
 * (the time its jobq-tick header names) the handler receives the tick's callback. That covers the
 * worker's timer, the fire script, the claim and the callback. The handler runs in this process
 * and the worker in another, on one machine clock.
 */
export async function scheduleTicks (ctx: Ctx): Promise<Figure> {
  const { opts, redis } = ctx
  const ticks = opts.quick ? 10 : 30
  const figure: Figure = { id: '9', title: `Schedule ticks: an every-second schedule, ${ticks} ticks per round, one idle worker, tick -> handler receives the callback`, rows: [], bars: [], notes: [], cpu: [] }
  let arrived: Array<{ late: number }> = []
  let wake: (() => void) | null = null
  const handler: Server = createServer((req, res) => {
    const at = performance.timeOrigin + performance.now()
    const tick = Date.parse(String(req.headers['jobq-tick'] ?? ''))
    if (Number.isFinite(tick)) arrived.push({ late: at - tick })
    wake?.()
    req.resume()
    req.on('end', () => res.end('{}'))
  })
  const port = await freePort()
  await new Promise<void>((resolve) => handler.listen(port, '127.0.0.1', resolve))
  const samples = { p50: [] as number[], p99: [] as number[], max: [] as number[] }
  try {
    for (let round = 0; round < opts.latencyRounds; round++) {
      log(`figure 9: ${ticks} ticks of an every-second schedule (round ${round + 1}/${opts.latencyRounds})`)
      await redis.flush()
      await ctx.registerHandlers(ctx.api, `http://127.0.0.1:${port}/`)
      const worker = ctx.startWorker()
      try {
        arrived = []
        await httpJson('PUT', `${ctx.api.url}/schedules/bench-ticks`, { cron: '* * * * * *', job: { task: LATENCY_TASK, entity_id: `ticks-${round}` } })
        // The first two ticks also wait for the worker process to start: not counted.
        const deadline = Date.now() + (ticks + 30) * 1000
        while (arrived.length < ticks + 2) {
          if (Date.now() > deadline) throw new Error(`only ${arrived.length} of ${ticks + 2} ticks arrived`)
          await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, 1000) })
        }
        await httpJson('DELETE', `${ctx.api.url}/schedules/bench-ticks`, undefined, [204])
        const late = arrived.slice(2, ticks + 2).map((a) => a.late)
        samples.p50.push(percentile(late, 50))
        samples.p99.push(percentile(late, 99))
        samples.max.push(Math.max(...late))
      } finally {
        await ctx.procs.stop(worker)
      }
    }
  } finally {
    handler.closeAllConnections()
    await new Promise((resolve) => handler.close(resolve))
  }
  const label = 'JobQ: tick -> worker fires -> handler'
  figure.rows.push({ key: 'jobq_tick_p50', label: `${label}: p50`, unit: 'ms', summary: summarize(samples.p50) })
  figure.rows.push({ key: 'jobq_tick_p99', label: `${label}: p99`, unit: 'ms', summary: summarize(samples.p99) })
  figure.rows.push({ key: 'jobq_tick_max', label: `${label}: max`, unit: 'ms', summary: summarize(samples.max) })
  figure.rows.push({ key: 'tick_bound', label: 'the bound of issue 16', unit: 'ms', summary: summarize([BOUND_MS]) })
  figure.bars.push(bar(figure.rows, '9', `Tick late by at most ${BOUND_MS} ms with an idle worker: p99 ÷ ${BOUND_MS} ms`, 'jobq_tick_p99', 'tick_bound', '<=', 1.0))
  figure.notes.push(`Worker concurrency ${opts.concurrency}; each tick's job completes in well under a second, so every tick enqueues a new job. BullMQ's job schedulers and bee-queue are not measured here.`)
  return figure
}
