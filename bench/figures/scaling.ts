import { Pool } from 'undici'
import type { JobQueue } from '../../src/queue/job-queue.js'
import { bar, QUEUE, type Api, type Ctx, type Figure } from '../lib/context.js'
import { sequential } from '../lib/load.js'
import { log } from '../lib/log.js'
import { newJob, priorityOf, jobBody } from '../lib/payload.js'
import { percentile, summarize } from '../lib/stats.js'

const BATCH = 1000
const IN_FLIGHT = 4

/** Loads n jobs through JobQueue.enqueueMany in batches of 1,000 (a few in flight); returns a sample of their ids. */
async function load (queue: JobQueue, tag: string, n: number, keep: number): Promise<string[]> {
  const ids: string[] = []
  const every = Math.max(1, Math.floor(n / keep))
  let next = 0
  const worker = async () => {
    while (next < n) {
      const start = next
      next += BATCH
      const jobs = Array.from({ length: Math.min(BATCH, n - start) }, (_, i) => newJob(`${tag}-${start + i}`, priorityOf(start + i)))
      const results = await queue.enqueueMany(jobs)
      results.forEach((r, i) => { if ((start + i) % every === 0 && r.job) ids.push(r.job.job_id) })
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return ids
}

/**
 * Figure 5: GET /jobs/{id} (positions included) and POST /jobs p50, one request at a time, with
 * 1,000 jobs queued and with 1,000,000 queued. Both queues live in the same Redis at once, each
 * served by its own `jobq api` process, so the rounds alternate between them; jobs created by the
 * POST rounds are cancelled afterwards (untimed), so each queue keeps its size.
 */
export async function scaling (ctx: Ctx): Promise<Figure> {
  const { opts, redis } = ctx
  const big = opts.scaleBig
  const figure: Figure = { id: '5', title: `Scaling: p50 with 1,000 vs ${big.toLocaleString('en-US')} jobs queued, one request at a time`, rows: [], bars: [], notes: [], cpu: [] }
  await redis.flush()
  const bigApi = await ctx.startApi('big', 'jobq-api-big')
  const pools: Pool[] = []
  try {
    const states: Array<{ key: string, size: number, api: Api, queue: JobQueue, ids: string[], pool: Pool }> = []
    for (const [key, size, api, name] of [['small', 1000, ctx.api, QUEUE], ['big', big, bigApi, 'big']] as const) {
      await ctx.registerHandlers(api)
      const queue = await ctx.queue(name)
      log(`figure 5: loading ${size.toLocaleString('en-US')} jobs into queue ${name}`)
      const t0 = performance.now()
      const ids = await load(queue, `s-${key}`, size, 2000)
      if (size === big) figure.notes.push(`Loaded ${big.toLocaleString('en-US')} jobs through JobQueue.enqueueMany (batches of ${BATCH}, ${IN_FLIGHT} in flight) in ${((performance.now() - t0) / 1000).toFixed(1)} s (${Math.round(big / ((performance.now() - t0) / 1000)).toLocaleString('en-US')} jobs/s).`)
      const pool = new Pool(api.url, { connections: 1, keepAliveTimeout: 30_000 })
      pools.push(pool)
      states.push({ key, size, api, queue, ids, pool })
    }
    figure.notes.push(`Redis used_memory with both queues loaded: ${(await redis.usedMemory() / 2 ** 20).toFixed(0)} MiB.`)

    const p50: Record<string, number[]> = {}
    const p99: Record<string, number[]> = {}
    const record = (key: string, samples: number[]) => {
      (p50[key] ??= []).push(percentile(samples, 50));
      (p99[key] ??= []).push(percentile(samples, 99))
    }
    const warmup = opts.quick ? 100 : 300
    for (let round = 0; round < opts.rounds; round++) {
      for (const s of states) {
        log(`figure 5: ${s.size.toLocaleString('en-US')} queued (round ${round + 1}/${opts.rounds})`)
        const get = async (i: number) => {
          const id = s.ids[(i * 7919 + round) % s.ids.length]
          const res = await s.pool.request({ path: `/jobs/${id}`, method: 'GET' })
          const job = await res.body.json() as { position_in_queue: number | null }
          if (res.statusCode !== 200 || job.position_in_queue === null) throw new Error(`GET /jobs/${id}: ${res.statusCode}, position ${job.position_in_queue}`)
        }
        await sequential(warmup, get)
        record(`${s.key}_get`, await sequential(opts.scaleSamples, get))

        const created: string[] = []
        const post = (tag: string) => async (i: number) => {
          const res = await s.pool.request({ path: '/jobs', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(jobBody(`${tag}-${i}`, priorityOf(i))) })
          const job = await res.body.json() as { job_id: string }
          if (res.statusCode !== 201) throw new Error(`POST /jobs: ${res.statusCode}`)
          created.push(job.job_id)
        }
        await sequential(warmup, post(`pw-${s.key}-${round}`))
        record(`${s.key}_post`, await sequential(opts.scaleSamples, post(`p-${s.key}-${round}`)))
        for (const id of created) await s.queue.cancel(id)
        const queued = (await s.queue.overview()).queued
        if (queued !== s.size) figure.notes.push(`queue ${s.key} held ${queued} jobs after round ${round + 1}, expected ${s.size}`)
      }
    }
    const label = (k: string) => k === 'small' ? '1,000 queued' : `${big.toLocaleString('en-US')} queued`
    for (const op of ['get', 'post']) {
      for (const k of ['small', 'big']) {
        const what = op === 'get' ? 'GET /jobs/{id}' : 'POST /jobs'
        figure.rows.push({ key: `${k}_${op}`, label: `${what}, ${label(k)}: p50`, unit: 'ms', summary: summarize(p50[`${k}_${op}`]) })
        figure.rows.push({ key: `${k}_${op}_p99`, label: `${what}, ${label(k)}: p99`, unit: 'ms', summary: summarize(p99[`${k}_${op}`]) })
      }
    }
    figure.bars.push(bar(figure.rows, '5a', `GET /jobs/{id} p50 at ${big.toLocaleString('en-US')} ÷ at 1,000`, 'big_get', 'small_get', '<=', 1.3))
    figure.bars.push(bar(figure.rows, '5b', `POST /jobs p50 at ${big.toLocaleString('en-US')} ÷ at 1,000`, 'big_post', 'small_post', '<=', 1.3))
    figure.notes.push(`${opts.scaleSamples.toLocaleString('en-US')} requests per measurement after ${warmup} warm-up requests; GET reads queued jobs spread over the whole queue by job_id.`)
  } finally {
    for (const pool of pools) await pool.close()
    await ctx.procs.stop(bigApi.child)
    await redis.flush()
  }
  return figure
}
