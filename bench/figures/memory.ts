import { setTimeout as sleep } from 'node:timers/promises'
import { Queue } from 'bullmq'
import { bar, inTurn, QUEUE, type Ctx, type Figure } from '../lib/context.js'
import { log } from '../lib/log.js'
import { jobBody, newJob, priorityOf, TASK, type JobBody } from '../lib/payload.js'
import { startRedis, type BenchRedis } from '../lib/redis.js'
import { createRedis } from '../../src/queue/redis.js'
import { JobQueue } from '../../src/queue/job-queue.js'
import { HandlerStore } from '../../src/queue/handler-store.js'
import { readyKey } from '../../src/queue/keys.js'
import { summarize } from '../lib/stats.js'
import { SETTINGS } from '../../src/config/settings.js'

const BATCH = 1000
/** BullMQ's default cap on its events stream (QueueOptions streams.events.maxLen). */
const BULLMQ_EVENTS_MAX_LEN = 10_000
const JOBQ_DEFAULT_RETENTION = Number(SETTINGS.find((s) => s.env === 'JOBQ_EVENTS_RETENTION')?.default)

/** `name N` per key: MEMORY USAGE ... SAMPLES 0 (every element counted) divided by n, except `single` (one job's key). */
async function breakdown (redis: BenchRedis, n: number, keys: Record<string, string>, single?: string): Promise<string> {
  const parts: string[] = []
  for (const [name, key] of Object.entries(keys)) {
    const bytes = Number(await redis.client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'))
    parts.push(`${name} ${Math.round(name === single ? bytes : bytes / n)}`)
  }
  const encoding = await redis.client.call('OBJECT', 'ENCODING', Object.values(keys)[0])
  return `${parts.join(', ')} (${Object.keys(keys)[0]} encoded as ${String(encoding)})`
}

/**
 * Figure 6: Redis used_memory per queued job, (after - before) / N for N jobs with the ~200-byte
 * args payload: JobQ through JobQueue.enqueueMany, BullMQ prioritized jobs through addBulk
 * (priorities 1-3, the same job body as data).
 *
 * Both keep a bounded history of events besides the jobs: BullMQ trims its events stream to 10,000
 * entries by default, JobQ to JOBQ_EVENTS_RETENTION (default 100,000). That history costs the same
 * with 100 jobs waiting or 10 million, so the bar compares the two at the same history, 10,000
 * events each (JobQ trimmed as its housekeeping does, after every batch); the row at JobQ's
 * default shows what the larger default history adds at this N. At N = 100,000 that is the whole
 * default history spread over as many jobs, the most it can ever add per job.
 *
 * Every round starts a redis-server of its own and measures both contenders on it (flushed in
 * between): Redis seeds its hash tables afresh at each start, and the same BullMQ jobs were seen
 * to take 982 B/job on one start and 1,014 on the next, so one server for all rounds would report
 * one of the two as if it were the only figure.
 */
export async function memoryPerJob (ctx: Ctx): Promise<Figure> {
  const { opts } = ctx
  const n = opts.memoryJobs
  const figure: Figure = { id: '6', title: `Memory: Redis used_memory per queued job, ${n.toLocaleString('en-US')} jobs, ~200-byte args, a fresh redis-server each round`, rows: [], bars: [], notes: [], cpu: [] }
  const runs: Record<string, number[]> = { jobq: [], jobqDefault: [], bullmq: [] }
  for (let round = 0; round < opts.memoryRounds; round++) {
    const redis = await startRedis(ctx.procs)
    const client = createRedis(redis.url, { commandTimeoutMs: 60_000 })
    try {
      await client.connect()
      const settle = async () => {
        await sleep(200)
        return redis.usedMemory()
      }
      const jobq = async (eventsRetention: number, into: number[], label: string) => {
        const queue = new JobQueue({ redis: client, queue: QUEUE, eventsRetention })
        await new HandlerStore(client, queue.keys).put(TASK, { url: ctx.handlerUrl })
        const before = await settle()
        for (let b = 0; b < n; b += BATCH) {
          await queue.enqueueMany(Array.from({ length: Math.min(BATCH, n - b) }, (_, i) => newJob(`m-${b + i}`, priorityOf(b + i))))
          await queue.trimEvents()
        }
        const queued = (await queue.overview()).queued
        if (queued !== n) throw new Error(`JobQ queued ${queued} of ${n} jobs`)
        into.push((await settle() - before) / n)
        if (round === 0) figure.notes.push(`JobQ ${label} by key (MEMORY USAGE, exact), bytes per job: ${await breakdown(redis, n, { jobs: queue.keys.jobs, entities: queue.keys.entities, ready: readyKey(queue.keys, TASK), events: queue.keys.events })}; the rest is Redis's keyspace and allocator overhead.`)
      }
      const measure = {
        jobq: async () => await jobq(BULLMQ_EVENTS_MAX_LEN, runs.jobq, `with ${BULLMQ_EVENTS_MAX_LEN.toLocaleString('en-US')} events kept`),
        jobqDefault: async () => await jobq(JOBQ_DEFAULT_RETENTION, runs.jobqDefault, `with ${JOBQ_DEFAULT_RETENTION.toLocaleString('en-US')} events kept`),
        bullmq: async () => {
          const bull = new Queue<JobBody>(`memory-${round}`, { connection: { host: '127.0.0.1', port: redis.port } })
          await bull.waitUntilReady()
          const before = await settle()
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
            figure.notes.push(`BullMQ by key (MEMORY USAGE, exact), bytes per job: ${await breakdown(redis, n, keys, 'one job hash')}; plus a key per job in the keyspace.`)
          }
          await bull.close()
        }
      }
      for (const key of inTurn(['jobq', 'jobqDefault', 'bullmq'] as const, round)) {
        log(`figure 6: ${key} (round ${round + 1}/${opts.memoryRounds}, redis-server on port ${redis.port})`)
        await redis.flush()
        await measure[key]()
      }
    } finally {
      client.disconnect()
      await redis.close()
    }
  }
  figure.rows.push({ key: 'jobq', label: `JobQ, ${BULLMQ_EVENTS_MAX_LEN.toLocaleString('en-US')} events kept (BullMQ's default)`, unit: 'bytes/job', summary: summarize(runs.jobq) })
  figure.rows.push({ key: 'jobqDefault', label: `JobQ, ${JOBQ_DEFAULT_RETENTION.toLocaleString('en-US')} events kept (JOBQ_EVENTS_RETENTION's default)`, unit: 'bytes/job', summary: summarize(runs.jobqDefault) })
  figure.rows.push({ key: 'bullmq', label: 'BullMQ prioritized jobs', unit: 'bytes/job', summary: summarize(runs.bullmq) })
  figure.bars.push(bar(figure.rows, '6', 'JobQ bytes/job ÷ BullMQ bytes/job, the same 10,000 events kept', 'jobq', 'bullmq', '<=', 0.5))
  return figure
}
