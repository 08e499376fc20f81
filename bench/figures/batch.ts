import { Queue } from 'bullmq'
import { Pool } from 'undici'
import { bar, inTurn, type Ctx, type Figure } from '../lib/context.js'
import { log } from '../lib/log.js'
import { jobBody, priorityOf } from '../lib/payload.js'
import { cpuMeter } from '../lib/procs.js'
import { summarize } from '../lib/stats.js'

const BATCH = 1000

/**
 * Figure 2: jobs/s through POST /jobs/batch (1,000 jobs a request, one request at a time) against
 * BullMQ addBulk (1,000 jobs a call, one call at a time) in the harness process. Request bodies
 * and addBulk's job arrays are built before the clock starts; JobQ's responses are read and checked.
 */
export async function batchEnqueue (ctx: Ctx): Promise<Figure> {
  const { opts } = ctx
  const figure: Figure = { id: '2', title: `Batch enqueue: ${opts.batchJobs.toLocaleString('en-US')} jobs in batches of ${BATCH}, one batch in flight`, rows: [], bars: [], notes: [], cpu: [] }
  const warmupBatches = opts.quick ? 2 : 5
  const runs: Record<string, number[]> = { jobq: [], bullmq: [] }
  const connection = { host: '127.0.0.1', port: ctx.redis.port }
  const pool = new Pool(ctx.api.url, { connections: 1, keepAliveTimeout: 30_000 })
  const batches = (tag: string, n: number) => Array.from({ length: n / BATCH }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => jobBody(`${tag}-${b * BATCH + i}`, priorityOf(i))))

  const postBatches = async (bodies: string[]) => {
    for (const body of bodies) {
      const res = await pool.request({ path: '/jobs/batch', method: 'POST', headers: { 'content-type': 'application/json' }, body })
      const reply = await res.body.json() as { results: Array<{ outcome: string }> }
      if (res.statusCode !== 200 || reply.results.some((r) => r.outcome !== 'created')) {
        throw new Error(`POST /jobs/batch answered ${res.statusCode} with outcomes other than created`)
      }
    }
  }
  const toBull = (jobs: ReturnType<typeof jobBody>[]) => jobs.map((data) => ({ name: data.task, data, opts: { priority: data.priority } }))
  const contenders = [{
    key: 'jobq',
    label: 'JobQ POST /jobs/batch',
    run: async (round: number) => {
      await ctx.registerHandlers()
      await postBatches(batches(`w${round}`, warmupBatches * BATCH).map((jobs) => JSON.stringify({ jobs })))
      const bodies = batches(`b${round}`, opts.batchJobs).map((jobs) => JSON.stringify({ jobs }))
      const meter = cpuMeter({ api: ctx.api.child.pid, redis: ctx.redis.child.pid, harness: process.pid })
      const t0 = performance.now()
      await postBatches(bodies)
      runs.jobq.push(opts.batchJobs / ((performance.now() - t0) / 1000))
      figure.cpu.push({ what: `JobQ POST /jobs/batch, round ${round + 1}`, unit: 'job', readings: meter.stop(opts.batchJobs) })
    }
  }, {
    key: 'bullmq',
    label: 'BullMQ addBulk',
    run: async (round: number) => {
      const queue = new Queue(`bulk-${round}`, { connection })
      try {
        await queue.waitUntilReady()
        for (const jobs of batches(`w${round}`, warmupBatches * BATCH)) await queue.addBulk(toBull(jobs))
        const bulks = batches(`b${round}`, opts.batchJobs).map(toBull)
        const meter = cpuMeter({ redis: ctx.redis.child.pid, harness: process.pid })
        const t0 = performance.now()
        for (const jobs of bulks) await queue.addBulk(jobs)
        runs.bullmq.push(opts.batchJobs / ((performance.now() - t0) / 1000))
        figure.cpu.push({ what: `BullMQ addBulk, round ${round + 1}`, unit: 'job', readings: meter.stop(opts.batchJobs) })
      } finally {
        await queue.close()
      }
    }
  }]
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const c of inTurn(contenders, round)) {
        log(`figure 2: ${c.label} (round ${round + 1}/${opts.rounds})`)
        await ctx.redis.flush()
        await c.run(round)
      }
    }
  } finally {
    await pool.close()
  }
  figure.rows.push({ key: 'jobq', label: 'JobQ POST /jobs/batch (over HTTP)', unit: 'jobs/s', summary: summarize(runs.jobq) })
  figure.rows.push({ key: 'bullmq', label: 'BullMQ addBulk (in-process), priorities 1-3', unit: 'jobs/s', summary: summarize(runs.bullmq) })
  figure.bars.push(bar(figure.rows, '2', 'POST /jobs/batch jobs/s ÷ BullMQ addBulk jobs/s', 'jobq', 'bullmq', '>=', 1.0))
  figure.notes.push(`${warmupBatches} warm-up batches before every measurement; Redis flushed before each.`)
  return figure
}
