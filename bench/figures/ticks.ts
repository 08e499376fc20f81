import type { Ctx, Figure } from '../lib/context.js'
import { httpJson } from '../lib/http.js'
import { LatenessRounds, reportLateness, startLatenessHandler } from '../lib/lateness.js'
import { log } from '../lib/log.js'
import { LATENCY_TASK } from '../lib/payload.js'

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
  const handler = await startLatenessHandler((req) => Date.parse(String(req.headers['jobq-tick'] ?? '')))
  const rounds = new LatenessRounds()
  try {
    for (let round = 0; round < opts.latencyRounds; round++) {
      log(`figure 9: ${ticks} ticks of an every-second schedule (round ${round + 1}/${opts.latencyRounds})`)
      await redis.flush()
      await ctx.registerHandlers(ctx.api, handler.url)
      const worker = ctx.startWorker()
      try {
        handler.reset()
        await httpJson('PUT', `${ctx.api.url}/schedules/bench-ticks`, { cron: '* * * * * *', job: { task: LATENCY_TASK, entity_id: `ticks-${round}` } })
        // The first two ticks also wait for the worker process to start: not counted.
        await handler.waitFor(ticks + 2, (ticks + 30) * 1000, 'ticks')
        await httpJson('DELETE', `${ctx.api.url}/schedules/bench-ticks`, undefined, [204])
        rounds.add(handler.late.slice(2, ticks + 2))
      } finally {
        await ctx.procs.stop(worker)
      }
    }
  } finally {
    await handler.close()
  }
  reportLateness(figure, rounds, {
    key: 'jobq_tick',
    label: 'JobQ: tick -> worker fires -> handler',
    boundKey: 'tick_bound',
    boundLabel: 'the bound of issue 16',
    boundMs: BOUND_MS,
    barId: '9',
    barWhat: `Tick late by at most ${BOUND_MS} ms with an idle worker: p99 ÷ ${BOUND_MS} ms`
  })
  figure.notes.push(`Worker concurrency ${opts.concurrency}; each tick's job completes in well under a second, so every tick enqueues a new job. BullMQ's job schedulers and bee-queue are not measured here.`)
  return figure
}
