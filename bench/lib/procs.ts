import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { log } from './log.js'
import { freePort } from '../../test/free-port.js'

export { freePort }

export interface Child {
  name: string
  proc: ChildProcess
  pid: number
  /** The last lines the process wrote, for the error message when it dies early. */
  tail: string[]
  /** Lines written in all (API and worker run at LOG_LEVEL=warn: anything written is a warning or worse). */
  lines: number
  exited: Promise<number | null>
  /** Resolves with the first line matching `re` (the process's own "ready" line). */
  waitForLine (re: RegExp, timeoutMs: number): Promise<string>
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/**
 * Every process the harness starts, so that all of them are stopped at the end, on error, and on
 * SIGINT/SIGTERM: a benchmark must never leave a redis-server or a node process behind.
 */
export class Processes {
  private readonly children = new Set<Child>()

  /**
   * `pidFile` lists the running children with their command lines. A harness killed with SIGKILL
   * cannot stop its redis-server or JobQ processes; the next run stops those it finds there (by
   * pid, and only while the pid still runs the same command line).
   */
  constructor (private readonly pidFile: string) {}

  reapLeftovers (): number {
    let reaped = 0
    let file: { harness: number, harnessCmdline: string, children: Array<{ pid: number, cmdline: string }> }
    try {
      file = JSON.parse(readFileSync(this.pidFile, 'utf8'))
    } catch {
      return 0
    }
    // A harness that still runs (another `npm run bench` of this checkout) keeps its children.
    if (cmdlineOf(file.harness) === file.harnessCmdline) return 0
    for (const { pid, cmdline } of file.children) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== cmdline) continue
        process.kill(pid, 'SIGKILL')
        reaped++
      } catch {
        // gone already
      }
    }
    rmSync(this.pidFile, { force: true })
    return reaped
  }

  private writePidFile (): void {
    const children = [...this.children].map((c) => ({ pid: c.pid, cmdline: cmdlineOf(c.pid) })).filter((e) => e.cmdline !== null)
    if (children.length === 0) rmSync(this.pidFile, { force: true })
    else writeFileSync(this.pidFile, JSON.stringify({ harness: process.pid, harnessCmdline: cmdlineOf(process.pid), children }))
  }

  start (name: string, command: string, args: string[], options: StartOptions = {}): Child {
    const proc = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    if (proc.pid === undefined) throw new Error(`${name}: could not start ${command}`)
    const waiters: Array<{ re: RegExp, resolve: (line: string) => void }> = []
    const child: Child = {
      name,
      proc,
      pid: proc.pid,
      tail: [],
      lines: 0,
      exited: new Promise((resolve) => proc.once('close', (code) => resolve(code))),
      waitForLine: (re, timeoutMs) => {
        const seen = child.tail.find((l) => re.test(l))
        if (seen !== undefined) return Promise.resolve(seen)
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${name} wrote no line matching ${re} within ${timeoutMs} ms; last lines:\n${child.tail.join('\n')}`)), timeoutMs)
          child.exited.then((code) => reject(new Error(`${name} exited (${code}) before writing ${re}; last lines:\n${child.tail.join('\n')}`)), () => {})
          waiters.push({ re, resolve: (line) => { clearTimeout(timer); resolve(line) } })
        })
      }
    }
    const onLine = (line: string) => {
      child.lines++
      child.tail.push(line)
      if (child.tail.length > 30) child.tail.shift()
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].re.test(line)) waiters.splice(i, 1)[0].resolve(line)
      }
    }
    const lineReader = () => {
      let partial = ''
      return (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split(/[\r\n]+/)
        partial = parts.pop() ?? ''
        for (const line of parts) if (line !== '') onLine(line)
      }
    }
    proc.stdout?.on('data', lineReader())
    proc.stderr?.on('data', lineReader())
    this.children.add(child)
    // Once more after exec has surely happened, so the file holds the child's own command line.
    setTimeout(() => this.writePidFile(), 300).unref()
    child.exited.then(() => {
      this.children.delete(child)
      this.writePidFile()
    }, () => {})
    return child
  }

  /** SIGTERM (after SIGCONT, in case it was paused), then SIGKILL if it has not exited within graceMs. */
  async stop (child: Child, graceMs = 5000): Promise<void> {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return
    child.proc.kill('SIGCONT')
    child.proc.kill('SIGTERM')
    const timer = setTimeout(() => {
      log(`${child.name} did not stop within ${graceMs} ms: SIGKILL`)
      child.proc.kill('SIGKILL')
    }, graceMs)
    await child.exited
    clearTimeout(timer)
  }

  async stopAll (): Promise<void> {
    await Promise.all([...this.children].map((c) => this.stop(c)))
    rmSync(this.pidFile, { force: true })
  }

  /** Last resort from a synchronous 'exit' handler: nothing may outlive the harness. */
  killAllNow (): void {
    for (const c of this.children) {
      try {
        c.proc.kill('SIGKILL')
      } catch {
        // already gone
      }
    }
  }
}

function cmdlineOf (pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return null
  }
}

/** Polls `probe` until it resolves true, or throws after timeoutMs. */
export async function waitUntil (what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await probe()) return
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

const CLOCK_TICKS = 100

/** The processes `pid` started (one level down), from /proc (Linux): the children of `jobq api --processes N`. */
export function childPids (pid: number): number[] {
  const children: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Field 4, the parent's pid, is the second after the command name.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return children
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds (pid: number): number {
  if (pid === process.pid) {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1e6
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return NaN
  }
}

/** Read and write system calls a process has made so far (/proc/<pid>/io, Linux); null where unreadable. */
export function syscalls (pid: number): { reads: number, writes: number } | null {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8')
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1])
    return { reads: field('syscr'), writes: field('syscw') }
  } catch {
    return null
  }
}

export interface CpuReading {
  /** Cores busy on average over the window. */
  cores: number
  /** CPU microseconds per unit of work (per request or job). */
  usPerUnit: number
  /** For `others`: the busiest of those processes, e.g. `node --test x.test.ts 0.9`. */
  who?: string
}

/** CPU seconds and command line of every process on the machine, to say who else was busy. */
function everyProcess (): Map<number, { cpu: number, cmd: string }> {
  const all = new Map<number, { cpu: number, cmd: string }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const pid = Number(entry)
    const cpu = cpuSeconds(pid)
    if (!Number.isFinite(cpu)) continue
    const cmd = (cmdlineOf(pid) ?? '').replaceAll('\0', ' ').trim().replace(/^\S*\/(node|redis-server)\b/, '$1')
    all.set(pid, { cpu, cmd: cmd.length > 70 ? cmd.slice(0, 69) + '…' : cmd })
  }
  return all
}

/** Busy and stolen CPU seconds of the whole machine so far, from /proc/stat. */
function machineSeconds (): { busy: number, steal: number } {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number)
    return { busy: (user + nice + system + irq + softirq) / CLOCK_TICKS, steal: steal / CLOCK_TICKS }
  } catch {
    return { busy: NaN, steal: NaN }
  }
}

/**
 * Measures the CPU each named process uses over a window: start, do the work, then stop(units).
 * Two more readings show noise: `others`, the CPU of every process the window did not name (other
 * work on the machine), and `steal`, time the hypervisor gave to other machines.
 */
export function cpuMeter (pids: Record<string, number>): { stop: (units: number, exited?: Record<string, number>) => Record<string, CpuReading> } {
  const t0 = performance.now()
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]))
  const machine0 = machineSeconds()
  const every0 = everyProcess()
  return {
    // `exited`: CPU seconds of processes that ran within the window and have exited (wrk says its own).
    stop: (units, exited = {}) => {
      const wall = (performance.now() - t0) / 1000
      const machine1 = machineSeconds()
      const reading = (used: number): CpuReading => ({ cores: used / wall, usPerUnit: units > 0 ? used * 1e6 / units : NaN })
      const used = { ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid) - start[name]])), ...exited }
      const ours = Object.values(used).reduce((a, b) => a + b, 0)
      const named = new Set(Object.values(pids))
      const busiest = [...everyProcess()].filter(([pid]) => !named.has(pid))
        .map(([pid, p]) => ({ cmd: p.cmd || `pid ${pid}`, used: p.cpu - (every0.get(pid)?.cpu ?? 0) }))
        .filter((p) => p.used / wall >= 0.05).sort((a, b) => b.used - a.used).slice(0, 2)
      return {
        ...Object.fromEntries(Object.entries(used).map(([name, u]) => [name, reading(u)])),
        others: { ...reading(Math.max(0, machine1.busy - machine0.busy - ours)), who: busiest.map((p) => `${p.cmd} ${(p.used / wall).toFixed(2)}`).join(', ') },
        steal: reading(machine1.steal - machine0.steal)
      }
    }
  }
}
