import cluster, { type Worker } from 'node:cluster'
import type { Config } from '../config/config.js'
import { createLogger } from '../config/logger.js'

/** The exit code of an API process that refused its configuration (as cli.ts exits on a bad setting). */
const CONFIG_EXIT = 2

/**
 * `jobq api --processes N`: this process forks N API processes that serve one port, and keeps
 * them alive. node:cluster rather than SO_REUSEPORT, which Node 20 cannot set: the primary holds the
 * listening socket and hands each new connection to the processes in turn, so keep-alive clients
 * spread over them by connection. Each process is a whole `jobq api` (its own Redis client,
 * coalescer and housekeeping); the primary serves nothing and only supervises.
 *
 * A process that dies is replaced at once, after a pause that grows to 5 s while replacements die
 * young; one that refused the configuration stops them all (it would refuse it every time).
 * SIGINT/SIGTERM are passed on, and each process drains as a single `jobq api` does.
 */
export function superviseApi (config: Config): Promise<void> {
  const log = createLogger(config, 'api')
  const wanted = config.processes
  /** Restarts in a row of each slot (1..N) whose process died young. */
  const restarts = new Map<number, number>()
  const slotOf = new Map<Worker, { slot: number, startedAt: number }>()
  let stopping = false
  let stopSignal: NodeJS.Signals | null = null
  let exitCode = 0
  let resolveDone: () => void
  const done = new Promise<void>((resolve) => { resolveDone = resolve })

  const start = (slot: number) => {
    // The same command line: the process sees it is not the primary and serves (see runApi).
    const worker = cluster.fork()
    slotOf.set(worker, { slot, startedAt: Date.now() })
  }

  cluster.on('listening', (worker, address) => {
    log.info({ pid: worker.process.pid, slot: slotOf.get(worker)?.slot, port: address.port }, 'API process listening')
  })
  cluster.on('exit', (worker, code, signal) => {
    const { slot, startedAt } = slotOf.get(worker) ?? { slot: 0, startedAt: 0 }
    slotOf.delete(worker)
    if (stopping) {
      // A process still starting, before it handles signals, ends by the signal itself: that is a clean stop too.
      if (code !== 0 && signal !== stopSignal) exitCode = 1
      if (slotOf.size === 0) resolveDone()
      return
    }
    if (code === CONFIG_EXIT) {
      log.fatal({ pid: worker.process.pid, slot }, 'an API process refused the configuration; stopping them all')
      exitCode = CONFIG_EXIT
      return stop('SIGTERM')
    }
    // A process that ran a while is replaced at once; one that dies at start backs off to 5 s.
    const inRow = Date.now() - startedAt > 10_000 ? 0 : (restarts.get(slot) ?? 0) + 1
    restarts.set(slot, inRow)
    const delayMs = inRow === 0 ? 0 : Math.min(5000, 100 * 2 ** inRow)
    log.warn({ pid: worker.process.pid, slot, code, signal, restart_in_ms: delayMs }, 'API process exited; starting another')
    setTimeout(() => { if (!stopping) start(slot) }, delayMs)
  })

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    stopSignal = signal
    log.info({ signal, processes: slotOf.size }, 'shutting down the API processes')
    for (const worker of slotOf.keys()) worker.process.kill(signal)
    if (slotOf.size === 0) resolveDone()
  }
  // `on`, not `once`: a terminal's Ctrl-C reaches the processes too, and a repeated signal must not
  // end the primary while they drain.
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  // Each process reads the keys file again itself.
  if (config.keysFile) process.on('SIGHUP', () => { for (const worker of slotOf.keys()) worker.process.kill('SIGHUP') })

  for (let slot = 1; slot <= wanted; slot++) start(slot)
  return done.then(() => {
    log.info('API processes stopped')
    process.exit(exitCode)
  })
}
