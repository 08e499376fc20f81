import type { RedisClient } from './redis.js'
import type { Config } from '../config/config.js'
import { HandlerStore } from './handler-store.js'
import { ScheduleStore } from './schedule-store.js'
import { JobQueue, type JobQueueOptions } from './job-queue.js'
import { globalKeys, type GlobalKeys } from './keys.js'
import { toQueueError } from './redis-errors.js'

/** One queue as a process uses it: its jobs, its handlers and its schedules. */
export interface QueueHandle {
  name: string
  jobs: JobQueue
  handlers: HandlerStore
  schedules: ScheduleStore
}

export interface QueuesOptions extends Omit<JobQueueOptions, 'queue'> {
  /** How many queues' handles are kept; older ones are made again when next asked for. */
  maxCached?: number
}

/** The queues of a process's configuration, on a client of its own; both processes build them here. */
export function queuesFromConfig (config: Config, redis: RedisClient, onRedisError?: (err: Error) => void, clock?: () => number): Queues {
  return new Queues({
    redis,
    clock,
    completedRetentionMs: config.completedRetentionMs,
    failedRetentionMs: config.failedRetentionMs,
    eventsRetention: config.eventsRetention,
    waitReplicas: config.waitReplicas,
    waitTimeoutMs: config.waitTimeoutMs,
    onRedisError
  })
}

/**
 * The queues of a deployment: a handle per queue name, made on first use (a handle is a few key
 * names and an enqueue coalescer, no connection), and the registry of queue names in Redis.
 *
 * The registry is one set outside every queue's hash tag, so on a cluster it cannot be written in
 * the script that registers a handler; a queue is added to it before its first handler is, so a
 * queue that has a handler is always listed (a handler write that then fails leaves a listed queue
 * with no handler, which lists with zero counts).
 */
export class Queues {
  readonly keys: GlobalKeys
  private readonly handles = new Map<string, QueueHandle>()
  private readonly maxCached: number

  constructor (private readonly options: QueuesOptions) {
    this.keys = globalKeys(options.prefix)
    this.maxCached = options.maxCached ?? 10_000
  }

  get redis (): RedisClient {
    return this.options.redis
  }

  /** The handle of a queue, whether or not the queue exists yet. */
  get (name: string): QueueHandle {
    let handle = this.handles.get(name)
    if (handle) return handle
    const jobs = new JobQueue({ ...this.options, queue: name })
    handle = {
      name,
      jobs,
      handlers: new HandlerStore(this.options.redis, jobs.keys),
      schedules: new ScheduleStore(this.options.redis, jobs.keys, name, this.options.clock, jobs.replicaWait)
    }
    // Any caller can name any queue: the cache is bounded, oldest first out.
    if (this.handles.size >= this.maxCached) this.handles.delete(this.handles.keys().next().value as string)
    this.handles.set(name, handle)
    return handle
  }

  /** Lists the queue in the registry (idempotent). */
  async register (name: string): Promise<void> {
    await this.call(() => this.options.redis.sadd(this.keys.queues, name))
  }

  /** Whether the queue is in the registry. */
  async exists (name: string): Promise<boolean> {
    return await this.call(() => this.options.redis.sismember(this.keys.queues, name)) === 1
  }

  /** Every registered queue's name, sorted. */
  async names (): Promise<string[]> {
    const names = await this.call(() => this.options.redis.smembers(this.keys.queues)) as string[]
    return names.sort()
  }

  private async call (run: () => Promise<unknown>): Promise<unknown> {
    try {
      return await run()
    } catch (err) {
      throw toQueueError(err)
    }
  }
}
