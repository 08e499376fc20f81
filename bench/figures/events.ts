import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { bar, inTurn, type Ctx, type Figure } from '../lib/context.js'
import { cannon } from '../lib/load.js'
import { log } from '../lib/log.js'
import { templateBody } from '../lib/payload.js'
import { cpuMeter, type Child } from '../lib/procs.js'
import { fmt, summarize } from '../lib/stats.js'

/** Streams held open: programs watching their own entities, and dashboards that take everything. */
const FILTERED = 990
const UNFILTERED = 10
const IDLE_S = 5

/** Resident memory of a process, in MiB (Linux). */
function rssMiB (pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return kb === undefined ? NaN : Number(kb) / 1024
}

/** Connections Redis has that last ran XREAD: the API's event readers. */
async function readerConnections (ctx: Ctx): Promise<number> {
  const list = await ctx.redis.client.client('LIST') as string
  return list.split('\n').filter((line) => /\bcmd=xread\b/.test(line)).length
}

/** The last `events <n>` the clients process printed. */
function eventsSeen (clients: Child): number {
  const line = [...clients.tail].reverse().find((l) => l.startsWith('events '))
  return line === undefined ? 0 : Number(line.split(' ')[1])
}

/**
 * Figure 8: the event stream's fan-out. One API process holds 1,000 SSE streams of its default
 * queue (990 filtered by an entity of their own, 10 taking every event), held by a client process
 * of their own; the figure gives the API's memory and CPU with them, and POST /jobs throughput
 * with them connected against without (each enqueue is an event every stream's filter sees).
 */
export async function eventFanOut (ctx: Ctx): Promise<Figure> {
  const { opts } = ctx
  const streams = FILTERED + UNFILTERED
  const figure: Figure = {
    id: '8',
    title: `Live events: ${streams.toLocaleString('en-US')} SSE clients on one API process (${FILTERED} filtered by entity, ${UNFILTERED} unfiltered), POST /jobs at ${opts.connections} connections`,
    rows: [],
    bars: [],
    notes: [],
    cpu: []
  }
  const bodies = [1, 2, 3].map((p) => templateBody(p as 1 | 2 | 3))
  const apiPid = ctx.api.child.pid
  const runs: Record<string, number[]> = { rps_without: [], rps_with: [], rss_without: [], rss_with: [], rss_added: [], idle_cores: [], us_without: [], us_with: [], readers: [], delivered: [] }
  for (let round = 0; round < opts.rounds; round++) {
    for (const withClients of inTurn([false, true], round)) {
      const label = withClients ? `with ${streams} streams` : 'without streams'
      log(`figure 8: POST /jobs ${label} (round ${round + 1}/${opts.rounds})`)
      await ctx.redis.flush()
      await ctx.registerHandlers()
      let clients: Child | undefined
      try {
        if (withClients) {
          const rssBefore = rssMiB(apiPid)
          clients = ctx.procs.start('sse-clients', process.execPath, ['--import', 'tsx', 'bench/servers/sse-clients.ts', `${ctx.api.url}/events`, String(FILTERED), String(UNFILTERED)], { cwd: ctx.root })
          await clients.waitForLine(/^connected \d+/, 60_000)
          runs.readers.push(await readerConnections(ctx))
          runs.rss_added.push(rssMiB(apiPid) - rssBefore)
          // Idle: only the keep-alive comments, every 15 s.
          await sleep(1000)
          const idle = cpuMeter({ server: apiPid })
          await sleep(IDLE_S * 1000)
          runs.idle_cores.push(idle.stop(1).server.cores)
        }
        await cannon(`${ctx.api.url}/jobs`, bodies, opts.connections, opts.warmupS)
        // The warm-up's last events reach the streams before the window's count starts.
        if (clients) await sleep(1500)
        const before = clients ? eventsSeen(clients) : 0
        const meter = cpuMeter({ server: apiPid, redis: ctx.redis.child.pid, harness: process.pid, ...(clients ? { clients: clients.pid } : {}) })
        const r = await cannon(`${ctx.api.url}/jobs`, bodies, opts.connections, opts.durationS)
        const readings = meter.stop(r.ok)
        figure.cpu.push({ what: `POST /jobs ${label}, round ${round + 1}`, unit: 'request', readings })
        if (r.bad > 0) figure.notes.push(`${label}, round ${round + 1}: ${r.bad} requests failed or answered non-2xx`)
        runs[withClients ? 'rps_with' : 'rps_without'].push(r.rps)
        runs[withClients ? 'us_with' : 'us_without'].push(readings.server.usPerUnit)
        runs[withClients ? 'rss_with' : 'rss_without'].push(rssMiB(apiPid))
        if (clients) {
          // Every enqueue of the window is an event each unfiltered stream must get.
          await sleep(2000)
          runs.delivered.push((eventsSeen(clients) - before) / (r.ok * UNFILTERED))
        }
      } finally {
        if (clients) await ctx.procs.stop(clients)
      }
    }
  }
  const row = (key: string, label: string, unit: string) => figure.rows.push({ key, label, unit, summary: summarize(runs[key]) })
  row('rps_without', 'POST /jobs without streams: requests/s', 'req/s')
  row('rps_with', `POST /jobs with ${streams} streams open: requests/s`, 'req/s')
  row('rss_without', 'API resident memory without streams', 'MiB')
  row('rss_with', `API resident memory with ${streams} streams open`, 'MiB')
  row('rss_added', `API resident memory added by opening the ${streams} streams (before any event)`, 'MiB')
  row('idle_cores', `API CPU with ${streams} idle streams open`, 'cores')
  row('us_without', 'API CPU per POST /jobs without streams', 'µs')
  row('us_with', `API CPU per POST /jobs with ${streams} streams open`, 'µs')
  row('readers', `Redis connections blocked in XREAD with ${streams} streams open`, 'connections')
  row('delivered', 'Events received by each unfiltered stream ÷ enqueues in the window', 'ratio')
  figure.bars.push(bar(figure.rows, '8a', `POST /jobs req/s with ${streams} SSE streams open ÷ without`, 'rps_with', 'rps_without', '>=', 0.9))
  figure.notes.push(`Memory per stream: about ${fmt(summarize(runs.rss_added).median * 1024 / streams)} KiB of the API's resident memory (its growth from just before the streams opened to once all had answered, ÷ ${streams}). ` +
    'The resident memory after the load rounds moves with V8\'s garbage collection more than with the streams.')
  figure.notes.push('Each enqueue writes one job.enqueued event; the API reads it once (one XREAD connection per queue), checks it against every stream\'s filter and writes it to the 10 unfiltered ones, once per XREAD batch.')
  return figure
}
