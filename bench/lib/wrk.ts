import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { log } from './log.js'
import type { Processes } from './procs.js'
import { cannon, type HttpLoad } from './load.js'

const CLOCK_TICKS = 100
const SCRIPT = join(import.meta.dirname, '../wrk/post-jobs.lua')

/** POSTs bodies at a URL from `connections` keep-alive connections for `durationS` seconds. */
export interface LoadGenerator {
  name: 'wrk' | 'autocannon'
  /** How the report names it, with what it costs the harness. */
  description: string
  run (url: string, bodies: string[], connections: number, durationS: number): Promise<HttpLoad>
}

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0

/**
 * wrk when it is on the PATH or apt-get can install it (as .ci/run installs redis-server), else
 * autocannon. wrk is C: it drives HTTP from one thread at a fraction of the CPU autocannon needs in
 * the harness's own Node process, so the figure measures the server rather than the load generator.
 */
export function loadGenerator (procs: Processes, root: string): LoadGenerator {
  if (!onPath('wrk') && onPath('apt-get')) {
    log('wrk is not installed: apt-get install -y wrk')
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], { env, stdio: ['ignore', 2, 2] }).status === 0
    if (!install()) {
      spawnSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 2, 2] })
      install()
    }
  }
  if (onPath('wrk')) {
    return {
      name: 'wrk',
      description: 'wrk -t1 (C, its own process; its CPU is the `load` column)',
      run: (url, bodies, connections, durationS) => wrk(procs, root, url, bodies, connections, durationS)
    }
  }
  log('wrk is not available: figure 1 falls back to autocannon, in the harness process')
  return {
    name: 'autocannon',
    description: 'autocannon, in the harness process (wrk was not available; its CPU is the `harness` column)',
    run: cannon
  }
}

interface WrkDone {
  requests: number
  seconds: number
  p50_us: number
  p99_us: number
  non2xx: number
  errors: number
  cpu_ticks: number
}

/**
 * One wrk run with bench/wrk/post-jobs.lua, which gives every request a new entity id. `cpuS` is
 * wrk's own CPU over the run, which it reports itself as it ends (the harness cannot read a process
 * that has exited).
 */
async function wrk (procs: Processes, root: string, url: string, bodies: string[], connections: number, durationS: number): Promise<HttpLoad> {
  const tag = randomBytes(4).toString('hex')
  const child = procs.start('wrk', 'wrk', ['-t1', `-c${connections}`, `-d${durationS}s`, '--timeout', '30s', '-s', SCRIPT, url, '--', tag, ...bodies], { cwd: root })
  const code = await child.exited
  const line = child.tail.find((l) => l.startsWith('{"requests"'))
  if (code !== 0 || line === undefined) throw new Error(`wrk exited (${code}) without its summary; last lines:\n${child.tail.join('\n')}`)
  const done = JSON.parse(line) as WrkDone
  const ok = done.requests - done.non2xx
  return {
    rps: ok / done.seconds,
    p50: done.p50_us / 1000,
    p99: done.p99_us / 1000,
    ok,
    bad: done.non2xx + done.errors,
    cpuS: done.cpu_ticks >= 0 ? done.cpu_ticks / CLOCK_TICKS : undefined
  }
}
