import { createServer, type Server } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { Queue } from 'bullmq'
import { Pool } from 'undici'
import { bar, inTurn, type Ctx, type Figure } from '../lib/context.js'
import { log } from '../lib/log.js'
import { jobBody, LATENCY_TASK, type JobBody } from '../lib/payload.js'
import { freePort, type Child } from '../lib/procs.js'
import { percentile, summarize } from '../lib/stats.js'

const IDLE_GAP_MS = 20

/**
 * Figure 4: idle latency. One job at a time, from the moment the enqueue leaves the client to the
 * moment the handler sees the callback's request. Client and handler share this process (one
 * clock); the worker is a separate process. JobQ: POST /jobs over HTTP -> API -> Redis -> worker
 * -> handler. BullMQ: queue.add in this process -> Redis -> Worker process -> the same handler.
 * After each job the queue idles for 20 ms, so every worker is back in its blocking wait.
 */
export async function idleLatency (ctx: Ctx): Promise<Figure> {
  const { opts, redis } = ctx
  const figure: Figure = { id: '4', title: `Idle latency: ${opts.latencyJobs.toLocaleString('en-US')} single jobs one at a time, enqueue leaves the client -> handler receives the callback`, rows: [], bars: [], notes: [], cpu: [] }
  const waiting = new Map<string, (t: number) => void>()
  const handler: Server = createServer((req, res) => {
    const t = performance.now()
    const id = decodeURIComponent(String(req.headers['jobq-entity-id'] ?? req.headers['bench-entity-id'] ?? ''))
    waiting.get(id)?.(t)
    waiting.delete(id)
    req.resume()
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      res.end('{}')
    })
  })
  const port = await freePort()
  await new Promise<void>((resolve) => handler.listen(port, '127.0.0.1', resolve))
  const handlerUrl = `http://127.0.0.1:${port}/`
  const pool = new Pool(ctx.api.url, { connections: 1, keepAliveTimeout: 30_000 })
  const post = async (to: Pool, body: JobBody) => {
    const res = await to.request({ path: '/jobs', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    await res.body.text()
    if (res.statusCode !== 201) throw new Error(`POST /jobs answered ${res.statusCode}`)
  }
  const connection = { host: '127.0.0.1', port: redis.port }

  const measure = async (n: number, tag: string, send: (body: JobBody) => Promise<void>) => {
    const total: number[] = []
    const ack: number[] = []
    for (let i = 0; i < n; i++) {
      const body = jobBody(`${tag}-${i}`, 1, LATENCY_TASK)
      const received = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`job ${body.entity_id} never reached the handler`)), 10_000)
        waiting.set(body.entity_id, (t) => { clearTimeout(timer); resolve(t) })
      })
      const t0 = performance.now()
      await send(body)
      ack.push(performance.now() - t0)
      total.push(await received - t0)
      await sleep(IDLE_GAP_MS)
    }
    return { total, ack }
  }
  const contenders = [{
    key: 'jobq',
    label: 'JobQ: POST /jobs -> API -> worker -> handler',
    start: async (): Promise<{ worker: Child, send: (b: JobBody) => Promise<void>, close: () => Promise<void> }> => {
      await ctx.registerHandlers(ctx.api, handlerUrl)
      return {
        worker: ctx.startWorker(),
        send: (body) => post(pool, body),
        close: async () => {}
      }
    }
  }, {
    key: 'bullmq',
    label: 'BullMQ: queue.add -> Worker -> handler',
    start: async () => {
      const queue = new Queue<JobBody>(`latency-${Date.now()}`, { connection })
      await queue.waitUntilReady()
      const worker = ctx.procs.start('bullmq-worker', process.execPath, ['--import', 'tsx', 'bench/servers/peer-worker.ts',
        'bullmq', queue.name, String(opts.concurrency), handlerUrl], { cwd: ctx.root, env: { ...process.env, REDIS_URL: redis.url } })
      await worker.waitForLine(/^ready/, 20_000)
      return {
        worker,
        send: async (body: JobBody) => { await queue.add(body.task, body) },
        close: async () => { await queue.close() }
      }
    }
  }, {
    // The second measure of bar 4: BullMQ behind the same kind of HTTP hop as JobQ's API (the bare
    // route, which adds the job before it answers), for a service in another process or language.
    key: 'bullmq_http',
    label: 'BullMQ behind HTTP: POST to a Fastify route that calls queue.add -> Worker -> handler',
    start: async () => {
      const name = `latency-http-${Date.now()}`
      const port = await freePort()
      const api = ctx.procs.start('bullmq-api', process.execPath, ['--import', 'tsx', 'bench/servers/bare-api.ts'],
        { cwd: ctx.root, env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', REDIS_URL: redis.url, BULLMQ_QUEUE: name } })
      const worker = ctx.procs.start('bullmq-worker', process.execPath, ['--import', 'tsx', 'bench/servers/peer-worker.ts',
        'bullmq', name, String(opts.concurrency), handlerUrl], { cwd: ctx.root, env: { ...process.env, REDIS_URL: redis.url } })
      try {
        await Promise.all([api.waitForLine(/^listening/, 20_000), worker.waitForLine(/^ready/, 20_000)])
      } catch (err) {
        await Promise.all([ctx.procs.stop(api), ctx.procs.stop(worker)])
        throw err
      }
      const apiPool = new Pool(`http://127.0.0.1:${port}`, { connections: 1, keepAliveTimeout: 30_000 })
      return {
        worker,
        send: (body: JobBody) => post(apiPool, body),
        close: async () => {
          await apiPool.close()
          await ctx.procs.stop(api)
        }
      }
    }
  }]

  const samples: Record<string, { p50: number[], p90: number[], p99: number[], max: number[], ack50: number[] }> = {}
  // The floor of JobQ's first two steps at the same idle gap: an HTTP request to a Fastify route
  // that answers from memory, and one Redis round trip.
  const barePort = await freePort()
  const bare = ctx.procs.start('bare-api', process.execPath, ['--import', 'tsx', 'bench/servers/bare-api.ts'],
    { cwd: ctx.root, env: { ...process.env, PORT: String(barePort), LOG_LEVEL: 'warn' } })
  const barePool = new Pool(`http://127.0.0.1:${barePort}`, { connections: 1, keepAliveTimeout: 30_000 })
  const floors: Record<'http' | 'redis', number[]> = { http: [], redis: [] }
  const idleP50 = async (n: number, call: (i: number) => Promise<void>) => {
    const times: number[] = []
    for (let i = 0; i < n; i++) {
      const t0 = performance.now()
      await call(i)
      times.push(performance.now() - t0)
      await sleep(IDLE_GAP_MS)
    }
    return percentile(times, 50)
  }
  try {
    await bare.waitForLine(/^listening/, 20_000)
    for (let round = 0; round < opts.latencyRounds; round++) {
      log(`figure 4: the floors, a bare Fastify route and a Redis round trip (round ${round + 1}/${opts.latencyRounds})`)
      floors.http.push(await idleP50(opts.latencyJobs, (i) => post(barePool, jobBody(`f${round}-${i}`, 1, LATENCY_TASK))))
      floors.redis.push(await idleP50(opts.latencyJobs, async () => { await redis.client.ping() }))
      for (const c of inTurn(contenders, round)) {
        log(`figure 4: ${c.label} (round ${round + 1}/${opts.latencyRounds})`)
        await redis.flush()
        const { worker, send, close } = await c.start()
        try {
          // The first warm-up job also waits for the worker process to start.
          await measure(opts.latencyWarmup, `w${round}`, send)
          const { total, ack } = await measure(opts.latencyJobs, `l${round}`, send)
          const s = samples[c.key] ??= { p50: [], p90: [], p99: [], max: [], ack50: [] }
          s.p50.push(percentile(total, 50))
          s.p90.push(percentile(total, 90))
          s.p99.push(percentile(total, 99))
          s.max.push(Math.max(...total))
          s.ack50.push(percentile(ack, 50))
        } finally {
          await ctx.procs.stop(worker)
          await close()
        }
      }
    }
  } finally {
    await pool.close()
    await barePool.close()
    await ctx.procs.stop(bare)
    handler.closeAllConnections()
    await new Promise((resolve) => handler.close(resolve))
  }
  for (const c of contenders) {
    const s = samples[c.key]
    figure.rows.push({ key: `${c.key}_p50`, label: `${c.label}: p50`, unit: 'ms', summary: summarize(s.p50) })
    figure.rows.push({ key: `${c.key}_p90`, label: `${c.label}: p90`, unit: 'ms', summary: summarize(s.p90) })
    figure.rows.push({ key: `${c.key}_p99`, label: `${c.label}: p99`, unit: 'ms', summary: summarize(s.p99) })
    figure.rows.push({ key: `${c.key}_max`, label: `${c.label}: max`, unit: 'ms', summary: summarize(s.max) })
    figure.rows.push({ key: `${c.key}_ack`, label: `${c.label}: enqueue call alone (request to answer), p50`, unit: 'ms', summary: summarize(s.ack50) })
  }
  figure.rows.push({ key: 'floor_http', label: 'Floor: POST to a bare Fastify route (same schema, answers from memory), request to answer, p50', unit: 'ms', summary: summarize(floors.http) })
  figure.rows.push({ key: 'floor_redis', label: 'Floor: one Redis round trip (PING) from this process, p50', unit: 'ms', summary: summarize(floors.redis) })
  figure.bars.push(bar(figure.rows, '4', 'JobQ p50 ÷ BullMQ p50', 'jobq_p50', 'bullmq_p50', '<=', 1.0))
  const median = (key: string) => figure.rows.find((r) => r.key === key)?.summary.median ?? NaN
  figure.notes.push(`Behind the same HTTP hop, JobQ's p50 is ${(median('jobq_p50') / median('bullmq_http_p50')).toFixed(2)} of BullMQ's (${median('jobq_p50').toFixed(2)} against ${median('bullmq_http_p50').toFixed(2)} ms).`)
  figure.notes.push('The floors, measured with the same idle gap, are the bar\'s second measure: JobQ\'s job crosses an HTTP hop into the API and a Redis call before the worker is woken, where BullMQ\'s add is the Redis call alone; a JobQ p50 at or under BullMQ\'s needs the rest of its path (the worker\'s wake and the callback) to take less than BullMQ\'s p50 minus both floors.')
  figure.notes.push(`${opts.latencyWarmup} warm-up jobs per round; ${IDLE_GAP_MS} ms idle after each job; worker concurrency ${opts.concurrency}; BullMQ jobs added without options (its plain wait list).`)
  return figure
}
