import type { Cluster } from 'ioredis'
import { createRedisFor } from '../../src/queue/redis.js'

/**
 * Run by cluster-api.test.ts as a process of its own: a cluster client that quits while its
 * periodic slot refresh is in flight must leave nothing that keeps the process alive.
 * argv: <seed nodes> <redis url>
 */
const [seeds, url] = process.argv.slice(2)
const client = createRedisFor({ redisUrl: url, redisClusterNodes: seeds, redisSentinels: '', redisSentinelMaster: '' }) as Cluster
await client.connect()
// connect() has done its own refresh: the next one is the periodic refresh, about a second later.
const refresh = client.refreshSlotsCache.bind(client)
client.refreshSlotsCache = (callback) => {
  refresh(callback)
  client.refreshSlotsCache = refresh
  client.quit().then(() => process.stdout.write('quit during a refresh\n'), (err: Error) => process.stdout.write(`quit failed: ${err.message}\n`))
}
