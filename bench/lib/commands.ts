import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import type { Redis } from 'ioredis'

/** The commands one process sent over a window, by command name. */
export interface SentCommands {
  total: number
  /** EVAL, EVALSHA and FCALL: the scripts. */
  scripts: number
  byName: Record<string, number>
}

const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro'])

/**
 * Who sent which commands to Redis over a window: MONITOR on a connection of its own, each
 * command's client port matched to the named processes' sockets (/proc, Linux). Redis 7.0 keeps
 * no command count per client, and INFO commandstats cannot tell the worker's calls from the API's.
 * Commands run inside scripts are not counted (MONITOR shows them as from "lua").
 */
export async function watchCommands (client: Redis, redisPort: number, pids: Record<string, number>): Promise<{ stop: () => Promise<Record<string, SentCommands>> }> {
  const seen: Array<{ port: number, name: string }> = []
  const monitor = await client.monitor()
  monitor.on('error', () => {})
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const port = /:(\d+)$/.exec(source ?? '')?.[1]
    if (port !== undefined) seen.push({ port: Number(port), name: String(args[0]).toLowerCase() })
  })
  return {
    stop: async () => {
      monitor.disconnect()
      // Read now: the processes' connections to Redis are long-lived, and a connection opened and
      // closed within the window counts under "others".
      const owner = new Map<number, string>()
      for (const [name, pid] of Object.entries(pids)) {
        for (const port of clientPorts(pid, redisPort)) owner.set(port, name)
      }
      const sent: Record<string, SentCommands> = Object.fromEntries([...Object.keys(pids), 'others'].map((n) => [n, { total: 0, scripts: 0, byName: {} }]))
      for (const { port, name } of seen) {
        const s = sent[owner.get(port) ?? 'others']
        s.total++
        if (SCRIPT_COMMANDS.has(name)) s.scripts++
        s.byName[name] = (s.byName[name] ?? 0) + 1
      }
      return sent
    }
  }
}

/** The local ports of `pid`'s TCP connections to `remotePort` (IPv4, /proc/net/tcp). */
function clientPorts (pid: number, remotePort: number): number[] {
  const inodes = new Set<string>()
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
        if (m) inodes.add(m[1])
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return []
  }
  const ports: number[] = []
  // Columns: sl, local_address, rem_address, st, queues, timer, retrnsmt, uid, timeout, inode.
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (f.length < 10 || !inodes.has(f[9])) continue
    if (parseInt(f[2].split(':')[1], 16) === remotePort) ports.push(parseInt(f[1].split(':')[1], 16))
  }
  return ports
}
