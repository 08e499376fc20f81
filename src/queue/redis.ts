import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import { defineScripts } from './scripts.js'

/** A single server (or a Sentinel-managed master) or a Redis Cluster: both run every script the same way. */
export type RedisClient = Redis | Cluster

export interface RedisClientOptions {
  /** Bound on every command, so a caller hears of a dead Redis in seconds, not never. */
  commandTimeoutMs?: number
  /** A connection for Pub/Sub only: no command timeout (a subscription waits by nature) and no pipelining. */
  subscriber?: boolean
  /**
   * A connection for a worker's blocking wait on its pickup list (BLPOP) only: no pipelining, and a
   * command timeout longer than any such wait (ioredis times blocking commands out too).
   */
  blocking?: boolean
}

/** The command timeout of a blocking connection: longer than the longest BLPOP a worker sends (30 s). */
export const BLOCKING_COMMAND_TIMEOUT_MS = 40_000

/** Where Redis is: REDIS_URL, or the seed nodes of a cluster, or the sentinels of a master. */
export interface RedisTarget {
  redisUrl: string
  /** host:port,host:port (REDIS_CLUSTER_NODES); empty when not a cluster. */
  redisClusterNodes: string
  /** host:port,host:port (REDIS_SENTINELS); empty when not behind Sentinel. */
  redisSentinels: string
  redisSentinelMaster: string
}

/**
 * The client of a process's configuration. With REDIS_CLUSTER_NODES it is ioredis's own Cluster
 * client, with REDIS_SENTINELS its Sentinel support; user, password, TLS and (single server) the
 * database come from REDIS_URL. No routing of our own: each queue is one hash tag, one slot.
 */
export function createRedisFor (target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  const url = new URL(target.redisUrl)
  if (target.redisClusterNodes) return createCluster(hosts(target.redisClusterNodes), url, options)
  if (target.redisSentinels) {
    return finish(new Redis({
      ...connectionOptions(url, options),
      sentinels: hosts(target.redisSentinels),
      name: target.redisSentinelMaster,
      // rediss:// is TLS to the master the sentinels name, as to a single server.
      enableTLSForSentinelMode: url.protocol === 'rediss:',
      db: Number(url.pathname.slice(1) || 0),
      // Measured here: without it a failover lost most writes in flight, because the client kept
      // writing to the old master until its connection broke. The detector subscribes to the
      // sentinels' +switch-master and reconnects at once.
      failoverDetector: true
    }))
  }
  return createRedis(target.redisUrl, options)
}

/**
 * A single-server client for redis:// or rediss:// URLs (user, password and db in the URL). The
 * offline queue is off so that, while Redis is away, commands fail at once (the API answers 503)
 * instead of piling up; the client reconnects by itself with a capped backoff.
 */
export function createRedis (url: string, options: RedisClientOptions = {}): Redis {
  return finish(new Redis(url, connectionOptions(new URL(url), options)))
}

function connectionOptions (url: URL, options: RedisClientOptions): RedisOptions {
  return {
    username: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: !options.subscriber && !options.blocking,
    // EnqueueCoalescer batches enqueues itself. Auto-pipelined, each batch would wait one more turn
    // of the event loop and, while another pipeline is in flight, for its reply (ioredis runs one
    // at a time): measured with wrk, 10-15 µs more API CPU per POST /jobs and fewer requests/s.
    autoPipeliningIgnoredCommands: ['enqueueJobs'],
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    commandTimeout: options.subscriber ? undefined : (options.commandTimeoutMs ?? (options.blocking ? BLOCKING_COMMAND_TIMEOUT_MS : 3000)),
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000)
  }
}

/**
 * ioredis's Cluster client with the options measured here to lose no acknowledged write when a
 * master dies or hangs (with its defaults, a hung master lost about 200): a command that meets a
 * failover (connection lost, CLUSTERDOWN, TRYAGAIN) is retried after 300 ms, up to 30 redirections,
 * while the slot map is refreshed every second, so the promoted replica is found without waiting
 * for a MOVED. Reads go to masters only: a replica may lag behind what the API acknowledged.
 */
function createCluster (nodes: Array<{ host: string, port: number }>, url: URL, options: RedisClientOptions): Cluster {
  const { enableOfflineQueue: _, maxRetriesPerRequest: __, ...perNode } = connectionOptions(url, options)
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    scaleReads: 'master',
    enableAutoPipelining: !options.subscriber && !options.blocking,
    autoPipeliningIgnoredCommands: ['enqueueJobs'],
    // As for a single server: while the cluster is unreachable, commands fail at once (503). A
    // command that meets a failover is retried by the options below, not queued.
    enableOfflineQueue: false,
    // The ready check sends CLUSTER INFO before the node connections are up, which fails at once
    // without an offline queue and sent the client round a reconnect loop (seen here, one start in
    // three). A slot not yet served answers CLUSTERDOWN, which retryDelayOnClusterDown retries.
    enableReadyCheck: false,
    retryDelayOnFailover: 300,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 100,
    retryDelayOnMoved: 100,
    maxRedirections: 30,
    // Refreshed every second by refreshSlotsEverySecond below, not by ioredis's own timer.
    slotsRefreshInterval: 0,
    slotsRefreshTimeout: 2000,
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    redisOptions: { ...perNode, lazyConnect: false, maxRetriesPerRequest: 1 }
  }
  return finish(refreshSlotsEverySecond(new Cluster(nodes, clusterOptions)))
}

/**
 * The slot map is refreshed every second by a timer of ours. ioredis 6's slotsRefreshInterval arms
 * its next timer from the callback of the refresh in flight, so a quit or disconnect that meets a
 * refresh leaves a refresh every second for ever: the process never exits (seen as a test file that
 * passed and never ended; reproduced by quitting while the periodic refresh was in flight). Ours
 * does not hold the process and stops when the client ends.
 */
function refreshSlotsEverySecond (cluster: Cluster): Cluster {
  const timer = setInterval(() => {
    // A refresh still in flight makes this one a no-op, as ioredis's timer never overlaps either.
    if (cluster.status === 'ready') cluster.refreshSlotsCache()
  }, 1000)
  timer.unref()
  cluster.once('end', () => clearInterval(timer))
  return cluster
}

function finish<T extends RedisClient> (client: T): T {
  defineScripts(client)
  // Connection errors surface on the commands that fail; the client keeps reconnecting.
  client.on('error', () => {})
  return client
}

/** "host:port,host:port" as ioredis takes seed nodes and sentinels. */
function hosts (list: string): Array<{ host: string, port: number }> {
  return list.split(',').filter(Boolean).map((item) => {
    const at = item.lastIndexOf(':')
    return { host: item.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(item.slice(at + 1)) }
  })
}
