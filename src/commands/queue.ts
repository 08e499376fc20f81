import { setTimeout as sleep } from 'node:timers/promises'
import type { Queue } from '../client/index.js'
import { parseInteger } from './args.js'
import type { Context } from './context.js'
import { CliError, EXIT, UsageError } from './exit-codes.js'
import { print } from './jobs.js'
import { QUEUE_OPTION, type CommandSpec } from './spec.js'
import { fields, printable, table } from './table.js'

// ANSI control: cursor up N lines, clear to the end of the screen, hide and show the cursor.
const up = (lines: number) => `\x1b[${lines}A\r`
const CLEAR_DOWN = '\x1b[0J'
const HIDE_CURSOR = '\x1b[?25l'
const SHOW_CURSOR = '\x1b[?25h'

export const queue: CommandSpec = {
  name: 'queue',
  summary: 'Show the queue: jobs waiting by priority, processing, scheduled (waiting to retry), failed, completed, cancelled.',
  details: [
    'With --watch it stays on and refreshes every --interval: in place (ANSI cursor control) on a terminal, as plain snapshots one after another when ' +
    'stdout is a pipe or file, or as one JSON line per refresh with --json. It adds the throughput: jobs finished (completed or failed) per second, ' +
    'from total_processed between two refreshes. A refresh that fails after the first is reported and retried. Ctrl-C or SIGTERM ends it with exit 0.'
  ],
  args: [],
  options: [
    { flag: '--watch', description: 'Keep refreshing until Ctrl-C (SIGINT) or SIGTERM.' },
    { flag: '--interval', value: 'MS', description: 'Time between refreshes with --watch, 100 to 3600000; default 1000.' },
    QUEUE_OPTION
  ],
  exits: [[EXIT.notFound, 'with --queue: no queue of that name (a queue comes into being with its first handler; see jobq queues)']],
  async run (ctx, { options }) {
    const rawInterval = options.get('--interval')
    if (typeof rawInterval === 'string' && !options.has('--watch')) throw new UsageError('--interval: only with --watch')
    const intervalMs = typeof rawInterval === 'string' ? parseInteger('--interval', rawInterval, 100, 3_600_000) : 1000
    if (options.has('--watch')) return watch(ctx, intervalMs)
    const data = await getQueue(ctx)
    print(ctx, data, () => queueView(data))
  }
}

/** GET /queue, or GET /queues/{queue} with --queue. */
async function getQueue (ctx: Context, signal?: AbortSignal): Promise<Queue> {
  const { queue } = ctx
  const { data } = await ctx.call(queue === undefined ? 'GET /queue' : `GET /queues/${queue}`, (init) => queue === undefined
    ? ctx.api.GET('/queue', init)
    : ctx.api.GET('/queues/{queue}', { params: { path: { queue } }, ...init }), signal)
  return data
}

/**
 * The queue as tables. `throughput` (jobs per second, or null before there are two samples) is
 * shown only when given, i.e. in --watch.
 */
export function queueView (q: Queue, throughput?: number | null): string {
  const n = (value: number) => String(value)
  const states = table(['STATE', 'JOBS'], [
    ['queued', n(q.queued)],
    ['  priority 1', n(q.by_priority[1])],
    ['  priority 2', n(q.by_priority[2])],
    ['  priority 3', n(q.by_priority[3])],
    ['processing', n(q.processing)],
    ['scheduled', n(q.scheduled)],
    ['failed', n(q.failed)],
    ['completed', n(q.completed)],
    ['cancelled', n(q.cancelled)]
  ], ['left', 'right'])
  const { min, avg, max } = q.runtime_ms
  const totals: Array<[string, unknown]> = [['total_processed', q.total_processed]]
  if (throughput !== undefined) totals.push(['throughput', throughput === null ? '- (after the next refresh)' : `${throughput.toFixed(1)} jobs/s`])
  totals.push(['runtime_ms', min === null ? null : `min ${min}, avg ${avg}, max ${max}`])
  totals.push(['oldest_queued', q.oldest_queued_age_ms === null ? null : `waiting ${duration(q.oldest_queued_age_ms)}`])
  return `queue ${q.queue}\n\n${states}\n${fields(totals)}`
}

/** 850 ms, 12.3 s, 4 min 5 s, 2 h 3 min. */
function duration (ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.floor(ms / 1000) % 60} s`
  return `${Math.floor(ms / 3_600_000)} h ${Math.floor(ms / 60_000) % 60} min`
}

/** Terminal rows `text` takes, counting lines the terminal wraps. */
function rows (text: string, columns: number | undefined): number {
  const lines = text.split('\n').slice(0, -1)
  return lines.reduce((sum, line) => sum + Math.max(1, columns ? Math.ceil(line.length / columns) : 1), 0)
}

/** `jobq queue --watch`: refreshes until SIGINT/SIGTERM, then returns (exit 0). */
async function watch (ctx: Context, intervalMs: number): Promise<void> {
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const inPlace = ctx.stdout.isTTY === true && !ctx.json
  let previous: { total: number, at: number } | null = null
  let drawn = 0
  let refreshes = 0
  let lastView = ''
  if (inPlace) ctx.stdout.write(HIDE_CURSOR)
  try {
    while (!stop.signal.aborted) {
      const startedAt = Date.now()
      let body: string
      try {
        const data = await getQueue(ctx, stop.signal)
        const at = performance.now()
        const throughput = previous && data.total_processed >= previous.total
          ? (data.total_processed - previous.total) / ((at - previous.at) / 1000)
          : null
        previous = { total: data.total_processed, at }
        body = ctx.json ? JSON.stringify(data) + '\n' : queueView(data, throughput)
        lastView = body
      } catch (err) {
        if (stop.signal.aborted) break
        // The first refresh failing ends the command with its exit status; a later one is shown and retried.
        if (refreshes === 0 || !(err instanceof CliError)) throw err
        if (inPlace) {
          body = `${lastView}\nrefresh failed, the numbers above are from before: ${printable(err.message)}\n`
        } else {
          ctx.stderr.write(`jobq: ${err.message}; retrying every ${intervalMs} ms\n`)
          body = ''
        }
      }
      refreshes++
      if (inPlace) {
        const text = `${new Date().toISOString()}  ${ctx.config.url}  every ${intervalMs} ms  (Ctrl-C to stop)\n\n${body}`
        ctx.stdout.write((drawn ? up(drawn) + CLEAR_DOWN : '') + text)
        drawn = rows(text, ctx.stdout.columns)
      } else if (body) {
        ctx.stdout.write(ctx.json ? body : `--- ${new Date().toISOString()} ${ctx.config.url}\n${body}\n`)
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - startedAt)), undefined, { signal: stop.signal }).catch(() => {})
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (inPlace) ctx.stdout.write(SHOW_CURSOR + '\n')
  }
}
