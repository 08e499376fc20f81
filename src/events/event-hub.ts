import type { FastifyBaseLogger } from 'fastify'
import type { RedisClient } from '../queue/redis.js'
import { queueKeys } from '../queue/keys.js'
import { QueueEventReader, type EntryListener, type ListenerIndex } from './queue-reader.js'

export interface EventHubOptions {
  /** A new connection for a queue's reader. */
  connect: () => RedisClient
  log: FastifyBaseLogger
  prefix?: string
  /** How long one XREAD blocks; a few seconds, below the reader connection's command timeout. */
  blockMs?: number
  /** How long a reader nobody uses any more keeps its connection, for the next client of the queue. */
  lingerMs?: number
}

/** A listener's hold on a queue's reader: where the reader stands, and how to let go. */
export interface Subscription {
  reader: QueueEventReader
  close (): void
}

/** A waiter registered for one job's end. */
export interface JobWaiter {
  /** Resolves true once the job is completed, failed or cancelled, false after `ms` or once cancelled. */
  wait (ms: number): Promise<boolean>
  cancel (): void
}

/**
 * The process's readers of event streams, one per queue somebody listens to, made on first use and
 * stopped a little after the last listener leaves. Every SSE client and every `wait_ms` request of
 * the process goes through here.
 */
export class EventHub {
  private readonly readers = new Map<string, QueueEventReader>()
  private readonly idle = new Map<string, NodeJS.Timeout>()
  private closed = false

  constructor (private readonly options: EventHubOptions) {}

  /** Queues with a running reader (tests and metrics). */
  get queues (): string[] {
    return [...this.readers.keys()]
  }

  /**
   * Adds a listener to the queue's reader, once the reader knows where the stream ends: every
   * entry written after this resolves reaches the listener (with `index`, only that job's or
   * entity's entries).
   */
  async listen (queue: string, listener: EntryListener, index?: ListenerIndex): Promise<Subscription> {
    const reader = await this.use(queue, (r) => r.addListener(listener, index))
    return {
      reader,
      close: () => {
        reader.removeListener(listener, index)
        this.release(queue, reader)
      }
    }
  }

  /**
   * Registers a waiter for the end of a job of the queue, once the reader knows where the stream
   * ends. Read the job's state only after this resolves: an end written in between then wakes it.
   */
  async waitFor (queue: string, jobId: string): Promise<JobWaiter> {
    let settle: (woken: boolean) => void = () => {}
    const settled = new Promise<boolean>((resolve) => { settle = resolve })
    const wake = () => settle(true)
    const reader = await this.use(queue, (r) => r.addWaiter(jobId, wake))
    let cancelled = false
    const cancel = () => {
      if (cancelled) return
      cancelled = true
      reader.removeWaiter(jobId, wake)
      this.release(queue, reader)
      settle(false)
    }
    return {
      async wait (ms) {
        const timer = setTimeout(cancel, ms)
        try {
          return await settled
        } finally {
          clearTimeout(timer)
          cancel()
        }
      },
      cancel
    }
  }

  /** Stops every reader and wakes every waiter: the process is closing. */
  close (): void {
    this.closed = true
    for (const timer of this.idle.values()) clearTimeout(timer)
    this.idle.clear()
    for (const reader of this.readers.values()) {
      reader.wakeAll()
      reader.stop()
    }
    this.readers.clear()
  }

  private async use (queue: string, add: (reader: QueueEventReader) => void): Promise<QueueEventReader> {
    if (this.closed) throw new Error('the event hub is closed')
    let reader = this.readers.get(queue)
    if (!reader) {
      reader = new QueueEventReader({
        queue,
        key: queueKeys(queue, this.options.prefix).events,
        connect: this.options.connect,
        log: this.options.log,
        blockMs: this.options.blockMs ?? 5000
      })
      this.readers.set(queue, reader)
    }
    clearTimeout(this.idle.get(queue))
    this.idle.delete(queue)
    add(reader)
    try {
      await reader.ready
    } catch (err) {
      // Redis away: this reader is given up, and the next listener makes a new one.
      if (this.readers.get(queue) === reader) this.readers.delete(queue)
      reader.stop()
      throw err
    }
    return reader
  }

  private release (queue: string, reader: QueueEventReader): void {
    if (reader.users > 0 || this.readers.get(queue) !== reader) return
    clearTimeout(this.idle.get(queue))
    const timer = setTimeout(() => {
      this.idle.delete(queue)
      if (reader.users > 0 || this.readers.get(queue) !== reader) return
      this.readers.delete(queue)
      reader.stop()
    }, this.options.lingerMs ?? 5000)
    timer.unref()
    this.idle.set(queue, timer)
  }
}
