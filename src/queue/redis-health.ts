import { isIP } from 'node:net'
import type { RedisClient, RedisTarget } from './redis.js'

/** What the reporter writes with: a pino logger, Fastify's included. */
export interface HealthLogger {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  debug (obj: object, msg: string): void
}

export interface RedisHealthOptions {
  /** Least time between two lines about the same outage; 30 s. */
  repeatMs?: number
  now?: () => number
}

/**
 * Tells a person, once, that Redis cannot be reached, and how to fix it; then at most a line every
 * 30 s while it lasts, and one when Redis is back. One per process, watching each of its clients
 * (the worker has two: commands and Pub/Sub). Meanwhile the clients reconnect by themselves, and the
 * calls that fail for the same reason are told apart (`expected`) so that they are logged once per
 * outage without a stack, or at debug (`seen`): an outage is a few lines, not a stream of stack traces.
 */
export class RedisHealth {
  /** Clients whose connection is lost and not back yet. */
  private readonly lost = new Set<RedisClient>()
  private readonly repeatMs: number
  private readonly now: () => number
  private downSince = 0
  /** When the outage was reported (null: not reported); its last line. */
  private reportedAt: number | null = null
  private lastLine = 0
  private connected = false
  /** Warnings written during this outage, by message: a repeat goes to debug. */
  private readonly written = new Set<string>()
  readonly address: string

  constructor (private readonly target: RedisTarget, options: RedisHealthOptions = {}) {
    this.address = redisAddress(target)
    this.repeatMs = options.repeatMs ?? 30_000
    this.now = options.now ?? Date.now
  }

  /** Reports on this client's connection with `logger`. */
  watch (client: RedisClient, logger: HealthLogger): this {
    // ioredis emits 'error' for connection trouble only (a failed command rejects its promise).
    client.on('error', (err: Error) => this.failed(client, err, logger))
    client.on('reconnecting', () => this.lose(client))
    client.on('ready', () => this.ready(client, logger))
    return this
  }

  /** Some connection to Redis is lost and not back yet. */
  get down (): boolean {
    return this.lost.size > 0
  }

  /**
   * Whether an error only repeats what the reporter says already: Redis unreachable while it is
   * known to be. Such errors are logged at debug; any other error keeps its level.
   */
  expected (err: unknown): boolean {
    return this.down && isOutageError(err)
  }

  /** Whether a warning was written already during this outage; notes it when not. */
  seen (msg: string): boolean {
    if (this.written.has(msg)) return true
    this.written.add(msg)
    return false
  }

  private lose (client: RedisClient): void {
    if (this.lost.size === 0) {
      this.downSince = this.now()
      this.written.clear()
    }
    this.lost.add(client)
  }

  private failed (client: RedisClient, err: Error, logger: HealthLogger): void {
    this.lose(client)
    const now = this.now()
    const reason = reasonOf(err)
    if (this.reportedAt === null) {
      this.reportedAt = this.lastLine = now
      logger.warn({ redis: this.address, reason },
        `cannot reach Redis at ${this.address} (${reason}). To fix: ${advice(this.target, reason)}. Retrying quietly (a line every ${seconds(this.repeatMs)})`)
    } else if (now - this.lastLine >= this.repeatMs) {
      this.lastLine = now
      logger.warn({ redis: this.address, reason, down_ms: now - this.downSince },
        `still cannot reach Redis at ${this.address} after ${seconds(now - this.downSince)} (${reason}); retrying`)
    } else {
      logger.debug({ redis: this.address, reason }, 'Redis connection attempt failed')
    }
  }

  private ready (client: RedisClient, logger: HealthLogger): void {
    this.lost.delete(client)
    if (this.lost.size > 0) return
    if (this.reportedAt !== null) {
      const downMs = this.now() - this.downSince
      this.reportedAt = null
      logger.info({ redis: this.address, down_ms: downMs }, `Redis at ${this.address} is reachable again, after ${seconds(downMs)}`)
    } else if (!this.connected) {
      logger.info({ redis: this.address }, `connected to Redis at ${this.address}`)
    }
    this.connected = true
  }
}

/** Errors that mean Redis cannot be reached (as opposed to a bug, or a reply Redis gave). */
export function isOutageError (err: unknown): boolean {
  if (!(err instanceof Error)) return false
  if ((err as { code?: string }).code === 'JQ_ERR_REDIS_UNAVAILABLE') return true
  if (err.name === 'ReplyError') return false
  return /Connection is closed|Stream isn't writeable|Command timed out|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE/i.test(err.message)
}

/** A URL as people may read it: a password, if any, becomes `***`. */
export function maskUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (!parsed.password) return url
    parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(an unparsable URL)'
  }
}

/** Where a process looks for Redis, for people: REDIS_URL without its password, or the nodes of a cluster, or the sentinels. */
export function redisAddress (target: RedisTarget): string {
  if (target.redisClusterNodes) return `the Redis Cluster of ${target.redisClusterNodes.split(',').join(', ')}`
  if (target.redisSentinels) return `the master "${target.redisSentinelMaster}" of the sentinels ${target.redisSentinels.split(',').join(', ')}`
  return maskUrl(target.redisUrl)
}

/** Whether a host name is this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback (host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (bare === 'localhost' || bare === '::1') return true
  return isIP(bare) === 4 && bare.startsWith('127.')
}

/** What a person can do about Redis being unreachable for `reason`, in one clause. */
export function advice (target: RedisTarget, reason: string): string {
  if (/WRONGPASS|NOAUTH|NOPERM|AUTH/.test(reason)) return 'check the user and password in REDIS_URL'
  if (target.redisClusterNodes) return 'check that the nodes of REDIS_CLUSTER_NODES run and that this machine may reach them'
  if (target.redisSentinels) return `check that the sentinels of REDIS_SENTINELS run and watch a master named "${target.redisSentinelMaster}" (REDIS_SENTINEL_MASTER)`
  const url = new URL(target.redisUrl)
  if (!isLoopback(url.hostname)) return 'check that Redis runs there and that this machine may reach it, or set REDIS_URL to a Redis that runs'
  const port = url.port || '6379'
  const server = port === '6379' ? 'redis-server' : `redis-server --port ${port}`
  const compose = port === '6379' ? 'docker compose up -d redis' : `REDIS_PORT=${port} docker compose up -d redis`
  return `start it (\`${server}\`, or \`${compose}\` in JobQ's folder), ` +
    'or run `jobq start --redis-server` to have JobQ start a private one, or set REDIS_URL to a Redis that runs'
}

/** The first line of a connection error's message (its code when it has none). */
export function reasonOf (err: Error): string {
  const code = (err as { code?: string }).code
  return (err.message || code || err.name).split('\n')[0]
}

/** 12 s, 3 min 5 s. */
export function seconds (ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
}
