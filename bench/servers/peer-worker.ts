import { Worker, type Job } from 'bullmq'
import BeeQueue from 'bee-queue'
import { Agent, request } from 'undici'
import type { JobBody } from '../lib/payload.js'
import { exitWithParent } from './orphan-guard.js'

/**
 * A peer's worker process for figures 3 and 4: a BullMQ Worker or a bee-queue process() whose
 * processor POSTs the job, in the shape of JobQ's callback body, to the same handler with undici,
 * through a keep-alive pool as large as the concurrency (as JobQ's worker does).
 * Usage: peer-worker.ts bullmq|bee <queue> <concurrency> <handler url>; REDIS_URL names Redis.
 */
const [kind, queueName, concurrencyArg, handlerUrl] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port) }
const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 })

async function post (id: string, data: JobBody, attempt: number): Promise<unknown> {
  const body = JSON.stringify({ job_id: id, entity_id: data.entity_id, task: data.task, args: data.args, kwargs: data.kwargs, priority: data.priority, attempt, metadata: {} })
  const res = await request(handlerUrl, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'bench-entity-id': encodeURIComponent(data.entity_id) },
    body,
    headersTimeout: 30_000,
    bodyTimeout: 30_000
  })
  const text = await res.body.text()
  if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`handler answered ${res.statusCode}`)
  return text === '' ? null : JSON.parse(text)
}

let close: () => Promise<unknown>
if (kind === 'bullmq') {
  const worker = new Worker<JobBody>(queueName, (job: Job<JobBody>) => post(job.id ?? '', job.data, job.attemptsMade + 1),
    { connection, concurrency })
  worker.on('error', (err) => process.stderr.write(`bullmq worker: ${err.message}\n`))
  await worker.waitUntilReady()
  close = () => worker.close()
} else if (kind === 'bee') {
  const queue = new BeeQueue<JobBody>(queueName, { redis: connection, isWorker: true })
  queue.on('error', (err) => process.stderr.write(`bee-queue: ${err.message}\n`))
  queue.process(concurrency, (job: BeeQueue.Job<JobBody>) => post(job.id, job.data, 1))
  await queue.ready()
  close = () => queue.close(3000)
} else {
  throw new Error(`unknown peer ${kind}; bullmq or bee`)
}

process.on('SIGTERM', () => {
  setTimeout(() => process.exit(1), 5000).unref()
  close().then(() => agent.close()).then(() => process.exit(0), () => process.exit(1))
})
exitWithParent()
process.stdout.write('ready\n')
