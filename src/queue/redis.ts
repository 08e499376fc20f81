import { Redis } from 'ioredis'
import { defineScripts } from './scripts.js'

export interface RedisClientOptions {
  /** Bound on every command, so a caller hears of a dead Redis in seconds, not never. */
  commandTimeoutMs?: number
  /** A client for BZPOPMIN only: no command timeout of its own (the block has one) and no pipelining. */
  blocking?: boolean
}

/**
 * Creates a client for redis:// or rediss:// URLs (user, password and db in the URL). The offline
 * queue is off so that, while Redis is away, commands fail at once (the API answers 503) instead of
 * piling up; the client reconnects by itself with a capped backoff.
 */
export function createRedis (url: string, options: RedisClientOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: !options.blocking,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    commandTimeout: options.blocking ? undefined : (options.commandTimeoutMs ?? 3000),
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000)
  })
  defineScripts(redis)
  // Connection errors surface on the commands that fail; the client keeps reconnecting.
  redis.on('error', () => {})
  return redis
}
