import { setTimeout as sleep } from 'node:timers/promises'
import { MAX_BATCH } from '../../src/api/schemas/batch.js'
import { queueKeys } from '../../src/queue/keys.js'
import { watchCommands, type SentCommands } from '../lib/commands.js'
import { bar, QUEUE, type Ctx, type Figure } from '../lib/context.js'
import { httpJson } from '../lib/http.js'
import { LatenessRounds, reportLateness, startLatenessHandler } from '../lib/lateness.js'
import { log } from '../lib/log.js'
import { jobBody, LATENCY_TASK, priorityOf } from '../lib/payload.js'
import { cpuMeter, type Child } from '../lib/procs.js'
import { summarize } from '../lib/stats.js'

/** The issue's bound on how late an idle worker dispatches a due job (issue 13). */
const BOUND_MS = 50
/** The first due time comes this long after the batch is sent, so no job is due before it is enqueued. */
const LEAD_MS = 1000
/** How far ahead the waiting jobs are due: none of them falls due during the figure. */
const WAITING_DUE_MS = 3_600_000
/**
 * After an enqueue, time for the worker to hear of it, claim, find nothing due and go back to
 * waiting. With 1 s, the worker still used 3-17 ms of CPU per second in the window while sending
 * nothing (not traced; most likely V8 tidying up after the burst of wake-ups); with 3 s, 0-3 ms/s.
 */
const SETTLE_MS = 3000
const WINDOW_MS = 3000

/**
 * Figure 10: delayed jobs (issue 13). First, jobs whose due times spread over some seconds,
 * enqueued through POST /jobs/batch with run_at, against one idle worker: how long after its due
 * time the handler receives each callback. Then what waiting costs: the Redis commands each
 * process sends, and the CPU it uses, over an idle window with no job at all and with thousands of
 * delayed jobs due in an hour. The handler runs in this process, the worker in another, on one clock.
 */
export async function delayedJobs (ctx: Ctx): Promise<Figure> {
  const { opts, redis } = ctx
  const jobs = opts.quick ? 50 : 200
  const spanMs = opts.quick ? 3000 : 10_000
  const waiting = opts.quick ? 2000 : 10_000
  const figure: Figure = {
    id: '10',
    title: `Delayed jobs: ${jobs} jobs due over ${spanMs / 1000} s, one idle worker, due time -> handler receives the callback; then ${WINDOW_MS / 1000} s idle with none and with ${waiting.toLocaleString('en-US')} delayed jobs waiting`,
    rows: [],
    bars: [],
    notes: [],
    cpu: []
  }
  const due = new Map<string, number>()
  const handler = await startLatenessHandler((req) => due.get(decodeURIComponent(String(req.headers['jobq-entity-id'] ?? ''))))
  const enqueue = async (entities: Array<[string, number]>) => {
    for (const [entity, at] of entities) due.set(entity, at)
    for (let b = 0; b < entities.length; b += MAX_BATCH) {
      const batch = entities.slice(b, b + MAX_BATCH).map(([entity, at], i) =>
        ({ ...jobBody(entity, priorityOf(b + i), LATENCY_TASK), run_at: new Date(at).toISOString() }))
      const { results } = await httpJson<{ results: Array<{ outcome: string }> }>('POST', `${ctx.api.url}/jobs/batch`, { jobs: batch }, [200])
      const refused = results.filter((r) => r.outcome !== 'created')
      if (refused.length > 0) throw new Error(`${refused.length} jobs of a batch were not created: ${JSON.stringify(refused[0])}`)
    }
  }
  // A job due now, to know the worker has started and waits; its lateness is not counted.
  const startWorker = async (tag: string): Promise<Child> => {
    await redis.flush()
    await ctx.registerHandlers(ctx.api, handler.url)
    const worker = ctx.startWorker()
    handler.reset()
    await enqueue([[`warm-${tag}`, Date.now()]])
    await handler.waitFor(1, 20_000, 'warm-up jobs')
    handler.reset()
    return worker
  }

  const lateness = new LatenessRounds()
  const earliest: number[] = []
  const idle: Record<string, Record<string, number[]>> = { none: {}, waiting: {} }
  const record = (state: string, key: string, value: number) => { (idle[state][key] ??= []).push(value) }
  const idleWindow = async (state: string, worker: Child, round: number) => {
    await sleep(SETTLE_MS)
    const pids = { worker: worker.pid, api: ctx.api.child.pid }
    const watch = await watchCommands(redis.client, redis.port, pids)
    const meter = cpuMeter({ ...pids, redis: redis.child.pid })
    await sleep(WINDOW_MS)
    const cpu = meter.stop(WINDOW_MS / 1000)
    const sent = await watch.stop()
    record(state, 'worker', sent.worker.total)
    record(state, 'api', sent.api.total)
    record(state, 'scripts', sent.worker.scripts + sent.api.scripts + sent.others.scripts)
    record(state, 'worker_cpu', cpu.worker.cores * 1000)
    record(state, 'redis_cpu', cpu.redis.cores * 1000)
    figure.cpu.push({ what: `idle, ${state === 'none' ? 'no job' : `${waiting.toLocaleString('en-US')} delayed jobs waiting`}, round ${round + 1}`, unit: 's', readings: cpu })
    if (round === 0) figure.notes.push(`Idle window, ${state === 'none' ? 'no job' : `${waiting.toLocaleString('en-US')} waiting`}, round 1: commands sent by the worker ${listCommands(sent.worker)}, by the API ${listCommands(sent.api)}, by others ${listCommands(sent.others)}.`)
  }

  try {
    for (let round = 0; round < opts.latencyRounds; round++) {
      log(`figure 10: ${jobs} delayed jobs due over ${spanMs / 1000} s (round ${round + 1}/${opts.latencyRounds})`)
      let worker = await startWorker(`${round}`)
      try {
        // Due times spread evenly over the span, each at a random point of its own slice of it.
        const start = Date.now() + LEAD_MS
        await enqueue(Array.from({ length: jobs }, (_, i) => [`due-${round}-${i}`, start + Math.round((i + Math.random()) * spanMs / jobs)]))
        await handler.waitFor(jobs, LEAD_MS + spanMs + 20_000, 'delayed jobs')
        lateness.add(handler.late)
        earliest.push(Math.min(...handler.late))
      } finally {
        await ctx.procs.stop(worker)
      }

      // A worker of its own: a worker also looks at every queue once per 30 s quiet period, whatever
      // it holds, and that look should not fall in these windows.
      log(`figure 10: idle, with no job and with ${waiting.toLocaleString('en-US')} delayed jobs waiting (round ${round + 1}/${opts.latencyRounds})`)
      worker = await startWorker(`idle-${round}`)
      try {
        await idleWindow('none', worker, round)
        const at = Date.now() + WAITING_DUE_MS
        await enqueue(Array.from({ length: waiting }, (_, i) => [`wait-${round}-${i}`, at + i]))
        await idleWindow('waiting', worker, round)
        const scheduled = await redis.client.zcard(queueKeys(QUEUE).scheduled)
        if (scheduled !== waiting || handler.late.length > 0) {
          figure.notes.push(`Round ${round + 1}: ${scheduled} jobs scheduled after the window, not ${waiting}; ${handler.late.length} reached the handler.`)
        }
      } finally {
        await ctx.procs.stop(worker)
      }
    }
  } finally {
    await handler.close()
  }

  reportLateness(figure, lateness, {
    key: 'jobq_due',
    label: 'JobQ: due time -> worker claims -> handler',
    boundKey: 'due_bound',
    boundLabel: 'the bound of issue 13',
    boundMs: BOUND_MS,
    barId: '10a',
    barWhat: `A due job dispatched within ${BOUND_MS} ms by an idle worker: p99 ÷ ${BOUND_MS} ms`
  })
  figure.rows.push({ key: 'jobq_due_earliest', label: 'JobQ: the earliest callback against its due time (negative: before it was due)', unit: 'ms', summary: summarize(earliest) })
  const states = { none: 'no job', waiting: `${waiting.toLocaleString('en-US')} delayed jobs waiting` }
  const measures = {
    worker: ['Redis commands sent by the worker', 'commands'],
    api: ['Redis commands sent by the API', 'commands'],
    scripts: ['script calls (all clients)', 'calls'],
    worker_cpu: ['worker CPU', 'ms/s'],
    redis_cpu: ['redis-server CPU', 'ms/s']
  }
  for (const [state, what] of Object.entries(states)) {
    for (const [key, [label, unit]] of Object.entries(measures)) {
      figure.rows.push({ key: `jobq_idle_${state}_${key}`, label: `${WINDOW_MS / 1000} s idle, ${what}: ${label}`, unit, summary: summarize(idle[state][key] ?? []) })
    }
  }
  figure.rows.push({ key: 'idle_bound', label: 'one command', unit: 'commands', summary: summarize([1]) })
  figure.bars.push(bar(figure.rows, '10b', `The idle worker sends Redis nothing in ${WINDOW_MS / 1000} s while ${waiting.toLocaleString('en-US')} delayed jobs wait (no polling): its commands ÷ 1`, 'jobq_idle_waiting_worker', 'idle_bound', '<=', 0))
  figure.notes.push(
    `Jobs enqueued through POST /jobs/batch with run_at (milliseconds), so the harness knows each due time on its own clock; priorities 1-3 in turn; worker concurrency ${opts.concurrency}. Each round first waits for a job due at once (the worker has started), which is not counted.`,
    `Idle windows: ${SETTLE_MS} ms after the last enqueue, ${WINDOW_MS / 1000} s, commands seen by MONITOR and matched to each process's connections; commands run inside scripts are not counted. The API sweeps every queue every 5 s (lapsed leases, due retries, history), whatever the worker does, so its count is 0 to a few; a worker also looks at every queue once per 30 s quiet period, which these windows, within 30 s of the worker's start, leave out.`
  )
  return figure
}

/** `3 (evalsha 2, xread 1)` */
function listCommands (s: SentCommands): string {
  const names = Object.entries(s.byName).sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`).join(', ')
  return names === '' ? '0' : `${s.total} (${names})`
}
