import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { freePort, waitUntil, type Child, type Processes } from './procs.js'

export interface BenchRedis {
  port: number
  url: string
  child: Child
  /** A plain client of the harness: FLUSHALL, INFO, counting completed jobs. */
  client: Redis
  flush (): Promise<void>
  usedMemory (): Promise<number>
  close (): Promise<void>
}

/** The harness's own redis-server: a free port on 127.0.0.1, a temp dir, persistence off. */
export async function startRedis (procs: Processes): Promise<BenchRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'jobq-bench-redis-'))
  const child = procs.start('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1',
    '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'])
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 200 })
  client.on('error', () => {})
  await waitUntil('redis-server to answer PING', async () => {
    if (client.status !== 'ready') await client.connect().catch(() => {})
    return (await client.ping()) === 'PONG'
  }, 10_000)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    child,
    client,
    flush: async () => { await client.flushall('SYNC') },
    usedMemory: async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]),
    close: async () => {
      client.disconnect()
      await procs.stop(child)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
