import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

const CLI = join(import.meta.dirname, '../cli.js')

interface Child {
  name: string
  args: string[]
  env: NodeJS.ProcessEnv
  process: ChildProcess | null
  restarts: number
}

/**
 * Runs children and keeps them alive: one that dies is restarted (after a short, growing pause if it
 * keeps dying); SIGINT/SIGTERM is passed on to all, and the supervisor exits once they have exited.
 */
export function supervise (children: Array<Omit<Child, 'process' | 'restarts'>>): Promise<void> {
  const running: Child[] = children.map((c) => ({ ...c, process: null, restarts: 0 }))
  let stopping = false

  const start = (child: Child) => {
    const startedAt = Date.now()
    const proc = fork(CLI, child.args, { env: child.env, stdio: 'inherit' })
    child.process = proc
    proc.once('exit', (code, signal) => {
      child.process = null
      if (stopping) return maybeDone()
      // A child that ran a while gets restarted at once; one that dies at start backs off to 5 s.
      child.restarts = Date.now() - startedAt > 10_000 ? 0 : child.restarts + 1
      const delay = Math.min(5000, 100 * 2 ** child.restarts)
      process.stderr.write(`jobq: ${child.name} (pid ${proc.pid}) exited (${signal ?? code}); restarting in ${delay} ms\n`)
      setTimeout(() => { if (!stopping) start(child) }, delay).unref()
    })
  }

  let resolveDone: () => void
  const done = new Promise<void>((resolve) => { resolveDone = resolve })
  const maybeDone = () => {
    if (running.every((c) => c.process === null)) resolveDone()
  }
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    for (const child of running) child.process?.kill(signal)
    maybeDone()
  }
  // `on`, not `once`: a terminal's Ctrl-C reaches the children too, and a repeated signal must not
  // kill the supervisor while they drain.
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  for (const child of running) start(child)
  return done
}

/** `jobq worker --processes N`: N single-process workers under one supervisor. */
export function superviseWorkers (processes: number, argv: string[], metricsPort = 0): Promise<void> {
  const args = ['worker', ...withoutFlag(withoutFlag(argv, '--processes'), '--metrics-port')]
  return supervise(Array.from({ length: processes }, (_, i) => ({
    name: `worker ${i + 1}`,
    args,
    // Each process serves its own metrics, on consecutive ports.
    env: { ...process.env, JOBQ_PROCESSES: '1', JOBQ_METRICS_PORT: String(metricsPort === 0 ? 0 : metricsPort + i) }
  })))
}

/** `jobq start`: the API and one worker, for a local try. */
export function runLocal (argv: string[]): Promise<void> {
  // Every process accepts every setting, so both children take the same flags.
  const env = { ...process.env, JOBQ_PROCESSES: '1' }
  const args = withoutFlag(argv, '--processes')
  return supervise([
    { name: 'api', args: ['api', ...args], env },
    { name: 'worker', args: ['worker', ...args], env }
  ])
}

function withoutFlag (argv: string[], flag: string): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) i++
    else if (!argv[i].startsWith(flag + '=')) out.push(argv[i])
  }
  return out
}
