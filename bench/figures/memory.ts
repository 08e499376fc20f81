import { setTimeout as sleep } from 'node:timers/promises'
import { Queue } from 'bullmq'
import { bar, QUEUE, type Ctx, type Figure } from '../lib/context.js'
import { log } from '../lib/log.js'
import { jobBody, newJob, priorityOf, type JobBody } from '../lib/payload.js'
import { summarize } from '../lib/stats.js'

const BATCH = 1000

/** `name N` per key: MEMORY USAGE ... SAMPLES 0 (every element counted) divided by n, except `single` (one job's key). */
async function breakdown (ctx: Ctx, n: number, keys: Record<string, string>, single?: string): Promise<string> {
  const parts: string[] = []
  for (const [name, key] of Object.entries(keys)) {
    const bytes = Number(await ctx.redis.client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'))
    parts.push(`${name} ${Math.round(name === single ? bytes : bytes / n)}`)
  }
  const encoding = await ctx.redis.client.call('OBJECT', 'ENCODING', Object.values(keys)[0])
  return `${parts.join(', ')} (${Object.keys(keys)[0]} encoded as ${String(encoding)})`
}

/**
 * Figure 6: Redis used_memory per queued job, (after - before) / N for N jobs with the ~200-byte
 * args payload: JobQ through JobQueue.enqueueMany, BullMQ prioritized jobs through addBulk
 * (priorities 1-3, the same job body as data). Redis is flushed before each.
 */
export async function memoryPerJob (ctx: Ctx): Promise<Figure> {
  const { opts, redis } = ctx
  const n = opts.memoryJobs
  const figure: Figure = { id: '6', title: `Memory: Redis used_memory per queued job, ${n.toLocaleString('en-US')} jobs, ~200-byte args`, rows: [], bars: [], notes: [], cpu: [] }
  const runs: Record<string, number[]> = { jobq: [], bullmq: [] }
  const settle = async () => {
    await sleep(200)
    return redis.usedMemory()
  }
  for (let round = 0; round < opts.memoryRounds; round++) {
    log(`figure 6: JobQ (round ${round + 1}/${opts.memoryRounds})`)
    await redis.flush()
    await ctx.registerHandlers()
    const queue = await ctx.queue(QUEUE)
    let before = await settle()
    for (let b = 0; b < n; b += BATCH) {
      await queue.enqueueMany(Array.from({ length: Math.min(BATCH, n - b) }, (_, i) => newJob(`m-${b + i}`, priorityOf(b + i))))
    }
    const queued = (await queue.overview()).queued
    if (queued !== n) throw new Error(`JobQ queued ${queued} of ${n} jobs`)
    runs.jobq.push((await settle() - before) / n)
    if (round === 0) figure.notes.push(`JobQ by key (MEMORY USAGE, exact), bytes per job: ${await breakdown(ctx, n, { jobs: queue.keys.jobs, entities: queue.keys.entities, queued: queue.keys.queued })}; the rest is Redis's keyspace and allocator overhead.`)

    log(`figure 6: BullMQ (round ${round + 1}/${opts.memoryRounds})`)
    await redis.flush()
    const bull = new Queue<JobBody>(`memory-${round}`, { connection: { host: '127.0.0.1', port: redis.port } })
    await bull.waitUntilReady()
    before = await settle()
    for (let b = 0; b < n; b += BATCH) {
      await bull.addBulk(Array.from({ length: Math.min(BATCH, n - b) }, (_, i) => {
        const data = jobBody(`m-${b + i}`, priorityOf(b + i))
        return { name: data.task, data, opts: { priority: data.priority } }
      }))
    }
    const prioritized = await bull.getPrioritizedCount()
    if (prioritized !== n) throw new Error(`BullMQ holds ${prioritized} of ${n} prioritized jobs`)
    runs.bullmq.push((await settle() - before) / n)
    if (round === 0) {
      const keys = { 'one job hash': `bull:${bull.name}:1`, prioritized: `bull:${bull.name}:prioritized`, events: `bull:${bull.name}:events` }
      figure.notes.push(`BullMQ by key (MEMORY USAGE, exact), bytes per job: ${await breakdown(ctx, n, keys, 'one job hash')}; plus a key per job in the keyspace.`)
    }
    await bull.close()
  }
  await redis.flush()
  figure.rows.push({ key: 'jobq', label: 'JobQ', unit: 'bytes/job', summary: summarize(runs.jobq) })
  figure.rows.push({ key: 'bullmq', label: 'BullMQ prioritized jobs', unit: 'bytes/job', summary: summarize(runs.bullmq) })
  figure.bars.push(bar(figure.rows, '6', 'JobQ bytes/job ÷ BullMQ bytes/job', 'jobq', 'bullmq', '<=', 0.5))
  return figure
}
