import { setTimeout as sleep } from 'node:timers/promises'
import { bar, inTurn, QUEUE, type Ctx, type Figure } from '../lib/context.js'
import { httpJson } from '../lib/http.js'
import { log } from '../lib/log.js'
import { newJob, priorityOf } from '../lib/payload.js'
import { cpuMeter } from '../lib/procs.js'
import { summarize } from '../lib/stats.js'

const HELD_TASK = 'bench.held'
const BATCH = 1000

/** Script calls and µs per call, from INFO commandstats since the last RESETSTAT. */
function scriptCost (commandstats: string): { calls: number, usPerCall: number } {
  const m = /^cmdstat_evalsha:calls=(\d+),usec=(\d+)/m.exec(commandstats)
  const calls = Number(m?.[1] ?? 0)
  return { calls, usPerCall: calls > 0 ? Number(m?.[2]) / calls : NaN }
}

/**
 * Figure 7: no head-of-line blocking (issue 13). One worker drains jobs of handler B, once with
 * nothing else queued and once behind a backlog of jobs of a paused handler A that come first in
 * the queue (priority 1, enqueued earlier; B's jobs are priority 2 and 3). B's jobs/s and the time
 * Redis spends per claim script call must not change with A's backlog.
 */
export async function heldBacklog (ctx: Ctx): Promise<Figure> {
  const { opts, redis } = ctx
  const heldJobs = opts.quick ? 20_000 : 100_000
  const jobs = opts.e2eJobs
  const figure: Figure = {
    id: '7',
    title: `A paused handler's backlog: ${jobs.toLocaleString('en-US')} jobs of handler B drained by one worker, alone and behind ${heldJobs.toLocaleString('en-US')} jobs of paused handler A`,
    rows: [],
    bars: [],
    notes: [],
    cpu: []
  }
  const states = [{ key: 'alone', label: 'B alone', held: 0 }, { key: 'behind', label: `B behind ${heldJobs.toLocaleString('en-US')} held jobs of A`, held: heldJobs }]
  const rates: Record<string, number[]> = { alone: [], behind: [] }
  const claimUs: Record<string, number[]> = { alone: [], behind: [] }
  const enqueue = async (task: string | undefined, tag: string, n: number, priority?: 1 | 2 | 3) => {
    const queue = await ctx.queue()
    for (let b = 0; b < n; b += BATCH) {
      const size = Math.min(BATCH, n - b)
      await queue.enqueueMany(Array.from({ length: size }, (_, i) => newJob(`${tag}-${b + i}`, priority ?? (priorityOf(b + i) === 1 ? 2 : priorityOf(b + i)), task)))
    }
  }
  const completed = () => redis.client.zcard(`jobq:{${QUEUE}}:completed`)
  const waitFor = async (target: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs
    while (await completed() < target) {
      if (Date.now() > deadline) throw new Error(`${await completed()} of ${target} jobs completed after ${timeoutMs} ms`)
      await sleep(5)
    }
  }

  for (let round = 0; round < opts.rounds; round++) {
    for (const state of inTurn(states, round)) {
      log(`figure 7: ${state.label} (round ${round + 1}/${opts.rounds})`)
      await redis.flush()
      await ctx.registerHandlers()
      await httpJson('PUT', `${ctx.api.url}/handlers/${HELD_TASK}`, { url: ctx.handlerUrl })
      await httpJson('POST', `${ctx.api.url}/handlers/${HELD_TASK}/pause`)
      await enqueue(HELD_TASK, `a${round}`, state.held, 1)
      const worker = ctx.startWorker()
      try {
        await enqueue(undefined, `w${round}`, opts.e2eWarmup)
        await waitFor(opts.e2eWarmup, 60_000)
        worker.proc.kill('SIGSTOP')
        await enqueue(undefined, `b${round}`, jobs)
        await redis.client.config('RESETSTAT')
        const meter = cpuMeter({ worker: worker.pid, redis: redis.child.pid, handler: ctx.handler.pid })
        const t0 = performance.now()
        worker.proc.kill('SIGCONT')
        await waitFor(opts.e2eWarmup + jobs, 300_000)
        rates[state.key].push(jobs / ((performance.now() - t0) / 1000))
        const cost = scriptCost(await redis.client.info('commandstats'))
        claimUs[state.key].push(cost.usPerCall)
        figure.cpu.push({ what: `${state.label}, round ${round + 1}`, unit: 'job', readings: meter.stop(jobs) })
        const held = await redis.client.zcard(`jobq:{${QUEUE}}:ready:${HELD_TASK}`)
        if (held !== state.held) figure.notes.push(`${state.label}, round ${round + 1}: ${held} jobs of A were left waiting, not ${state.held}`)
        if (round === 0) figure.notes.push(`${state.label}: ${cost.calls} script calls while draining, ${cost.usPerCall.toFixed(1)} µs each in Redis.`)
      } finally {
        await ctx.procs.stop(worker)
      }
    }
  }
  for (const s of states) figure.rows.push({ key: s.key, label: `${s.label}: jobs of B per second`, unit: 'jobs/s', summary: summarize(rates[s.key]) })
  for (const s of states) figure.rows.push({ key: `${s.key}-claim`, label: `${s.label}: Redis µs per script call while draining (claims and completions)`, unit: 'µs', summary: summarize(claimUs[s.key]) })
  figure.bars.push(bar(figure.rows, '7a', 'B\'s jobs/s behind A\'s held backlog ÷ B\'s jobs/s alone', 'behind', 'alone', '>=', 0.9))
  figure.bars.push(bar(figure.rows, '7b', 'Redis µs per claim call behind the backlog ÷ alone (a claim never looks at a held handler\'s jobs)', 'behind-claim', 'alone-claim', '<=', 1.15))
  figure.notes.push(`Each round: a fresh Redis (FLUSHALL), handler A (${HELD_TASK}) registered and paused, then ${heldJobs.toLocaleString('en-US')} jobs of A (priority 1, so they come first) or none; one worker (concurrency ${opts.concurrency}) drains a warm-up of ${opts.e2eWarmup.toLocaleString('en-US')} jobs of B, SIGSTOP, ${jobs.toLocaleString('en-US')} jobs of B (priorities 2 and 3) queued, SIGCONT, clock until all completed.`)
  return figure
}
