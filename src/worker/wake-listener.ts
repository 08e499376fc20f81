import type { RedisClient } from '../queue/redis.js'
import type { Logger } from 'pino'
import { globalKeys, queueKeys, queueOfWakeChannel } from '../queue/keys.js'

export interface WakeListenerOptions {
  /** A connection of its own: a subscribed connection takes no other commands. */
  redis: RedisClient
  /** The queues to hear of, or '*' for every queue, including queues made later. */
  queues: string[] | '*'
  prefix?: string
  logger: Logger
  /**
   * A queue has news: a first job, jobs put back, a sooner due time, or (for '*') a new queue; the
   * message is 'schedules' when its schedules changed.
   */
  onWake: (queue: string, message: string) => void
  /** The subscription is (again) in place: news sent while it was not may have been missed. */
  onSubscribed: () => void
}

/**
 * Hears the scripts' wake messages (lua/includes/job.lua wakeWorkers) for the queues a worker
 * serves, so an idle worker waits on a socket instead of polling. Pub/Sub works on a Redis Cluster
 * (classic PUBLISH reaches every node), where one blocking command could not wait on queues that
 * live in different slots.
 */
export class WakeListener {
  private readonly prefix: string

  constructor (private readonly options: WakeListenerOptions) {
    this.prefix = options.prefix ?? 'jobq'
    const { redis } = options
    redis.on('message', (channel: string, message: string) => this.heard(channel, message))
    redis.on('pmessage', (_pattern: string, channel: string, message: string) => this.heard(channel, message))
    // On every (re)connection: ioredis resubscribes by itself too; subscribing twice is harmless,
    // and doing it here tells us when the subscription is in place.
    redis.on('ready', () => { this.subscribe() })
  }

  /**
   * Connects and subscribes; a Redis that is away is retried in the background (and reported by
   * the process's RedisHealth, which watches this connection too).
   */
  async start (): Promise<void> {
    await this.options.redis.connect().catch((err: Error) =>
      this.options.logger.debug({ err }, 'Redis is not reachable yet for wake messages; retrying in the background'))
  }

  close (): void {
    this.options.redis.disconnect()
  }

  private subscribe (): void {
    const { redis, queues } = this.options
    const subscribed = queues === '*'
      ? redis.psubscribe(globalKeys(this.prefix).wakePattern)
      : redis.subscribe(...queues.map((q) => queueKeys(q, this.prefix).wake))
    subscribed.then(() => this.options.onSubscribed(), (err: Error) =>
      this.options.logger.debug({ err }, 'could not subscribe to wake messages; trying again on reconnection'))
  }

  private heard (channel: string, message: string): void {
    const queue = queueOfWakeChannel(channel, this.prefix)
    if (queue !== null) this.options.onWake(queue, message)
  }
}
