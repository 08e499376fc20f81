import { createServer, type IncomingMessage, type Server } from 'node:http'
import { bar, type Figure } from './context.js'
import { freePort } from './procs.js'
import { percentile, summarize } from './stats.js'

/**
 * A handler in the harness that times each callback against the moment its job was due. The
 * worker runs in another process on the same machine, so both read one wall clock.
 */
export interface LatenessHandler {
  url: string
  /** Milliseconds late of each timed callback since the last reset, in order of arrival. */
  late: number[]
  reset (): void
  /** Resolves once `n` timed callbacks have arrived since the last reset. */
  waitFor (n: number, timeoutMs: number, what: string): Promise<void>
  close (): Promise<void>
}

/** `dueOf` names the due time (ms since the epoch) of the request's job, or undefined not to time it. */
export async function startLatenessHandler (dueOf: (req: IncomingMessage) => number | undefined): Promise<LatenessHandler> {
  let wake: (() => void) | null = null
  const server: Server = createServer((req, res) => {
    const at = performance.timeOrigin + performance.now()
    const due = dueOf(req)
    if (due !== undefined && Number.isFinite(due)) handler.late.push(at - due)
    wake?.()
    req.resume()
    req.on('end', () => res.end('{}'))
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const handler: LatenessHandler = {
    url: `http://127.0.0.1:${port}/`,
    late: [],
    reset: () => { handler.late = [] },
    waitFor: async (n, timeoutMs, what) => {
      const deadline = Date.now() + timeoutMs
      while (handler.late.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${handler.late.length} of ${n} ${what} arrived`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000)
          wake = () => { clearTimeout(timer); resolve() }
        })
        wake = null
      }
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
  return handler
}

/** p50, p99 and max of each round's lateness. */
export class LatenessRounds {
  readonly p50: number[] = []
  readonly p99: number[] = []
  readonly max: number[] = []

  add (late: number[]): void {
    this.p50.push(percentile(late, 50))
    this.p99.push(percentile(late, 99))
    this.max.push(Math.max(...late))
  }
}

export interface LatenessReport {
  /** Row keys `${key}_p50`, `${key}_p99`, `${key}_max`. */
  key: string
  label: string
  boundKey: string
  boundLabel: string
  boundMs: number
  barId: string
  barWhat: string
}

/** The p50, p99 and max rows, a row for the bound, and the bar p99 ÷ bound <= 1. */
export function reportLateness (figure: Figure, rounds: LatenessRounds, r: LatenessReport): void {
  figure.rows.push({ key: `${r.key}_p50`, label: `${r.label}: p50`, unit: 'ms', summary: summarize(rounds.p50) })
  figure.rows.push({ key: `${r.key}_p99`, label: `${r.label}: p99`, unit: 'ms', summary: summarize(rounds.p99) })
  figure.rows.push({ key: `${r.key}_max`, label: `${r.label}: max`, unit: 'ms', summary: summarize(rounds.max) })
  figure.rows.push({ key: r.boundKey, label: r.boundLabel, unit: 'ms', summary: summarize([r.boundMs]) })
  figure.bars.push(bar(figure.rows, r.barId, r.barWhat, `${r.key}_p99`, r.boundKey, '<=', 1.0))
}
