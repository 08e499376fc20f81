import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { RedisClient } from '../queue/redis.js'
import { decodeEntry, FINAL_STATUSES, sseFrame, type JobEvent } from './event.js'

/** An entry of a queue's event stream, decoded once and framed once for every client. */
export interface StreamEntry {
  id: string
  event: JobEvent
  /** The entry as SSE text, shared by every client it goes to; made on first use. */
  readonly frame: string
}

/** Frames an entry only when a client is to get it: most entries of a busy queue go to no one. */
class Entry implements StreamEntry {
  private text: string | undefined
  constructor (readonly id: string, readonly event: JobEvent) {}
  get frame (): string {
    this.text ??= sseFrame(this.id, this.event)
    return this.text
  }
}

const wholeBatches = new WeakMap<StreamEntry[], Buffer>()

/**
 * Every entry of a batch as SSE bytes, encoded once for all the clients that take the whole batch
 * (the unfiltered ones): ten such clients on a busy queue otherwise each built and encoded the same
 * tens of kilobytes every batch (bench figure 8: 20 µs of API CPU per event).
 */
export function wholeBatch (entries: StreamEntry[]): Buffer {
  let bytes = wholeBatches.get(entries)
  if (!bytes) {
    let text = ''
    for (const entry of entries) text += entry.frame
    wholeBatches.set(entries, bytes = Buffer.from(text))
  }
  return bytes
}

/** Told of every batch of entries the reader reads, in stream order. */
export type EntryListener = (entries: StreamEntry[]) => void

/**
 * A listener that wants only one job's or one entity's entries: the reader hands it those alone,
 * found by a map lookup, so a thousand such listeners cost a batch nothing for the entries that
 * are not theirs.
 */
export interface ListenerIndex {
  field: 'job_id' | 'entity_id'
  value: string
}

/** What XREAD and XRANGE answer: [id, [field, value, ...]] per entry. */
export type RawEntry = [string, string[]]

export interface QueueReaderOptions {
  queue: string
  key: string
  /** A connection of the reader's own: XREAD BLOCK holds it for the whole wait. */
  connect: () => RedisClient
  log: FastifyBaseLogger
  /** How long one XREAD waits for new entries before it is sent again. */
  blockMs: number
}

/** Entries one XREAD takes at most: a burst is read in a few round trips, none too large. */
const BATCH = 1000

/**
 * After a read that found entries, the reader waits this long before the next: on a busy queue
 * each batch then carries many events, and a client gets one write per batch instead of one per
 * event (measured with bench figure 8: the per-event writes, not the events, were the cost). Events
 * reach clients at most this much later.
 */
const GATHER_MS = 20

/**
 * Reads one queue's event stream for the whole process, on a connection of its own, and hands
 * each batch to every listener: a thousand clients cost one blocking XREAD, not a thousand. Waiters
 * for one job's end are kept by job id, so a batch wakes them without a look at every waiter.
 */
export class QueueEventReader {
  /** The id of the last entry read: listeners get only entries after it. '0-0' for an empty stream. */
  lastId = '0-0'
  /** Settles once the reader knows where the stream ends (the first read goes on from there). */
  readonly ready: Promise<void>
  private readonly listeners = new Set<EntryListener>()
  private readonly indexed = { job_id: new Map<string, Set<EntryListener>>(), entity_id: new Map<string, Set<EntryListener>>() }
  private indexedCount = 0
  private readonly waiters = new Map<string, Set<() => void>>()
  private readonly connection: RedisClient
  private stopped = false

  constructor (private readonly options: QueueReaderOptions) {
    this.connection = options.connect()
    this.ready = this.start()
    // A reader that could not start is dropped by its hub; the rejection is answered there.
    this.ready.catch(() => {})
  }

  /** Listeners and waiters together: the hub stops a reader nobody uses. */
  get users (): number {
    return this.listeners.size + this.indexedCount + this.waiters.size
  }

  addListener (listener: EntryListener, index?: ListenerIndex): void {
    if (!index) {
      this.listeners.add(listener)
      return
    }
    const map = this.indexed[index.field]
    let set = map.get(index.value)
    if (!set) map.set(index.value, set = new Set())
    if (!set.has(listener)) this.indexedCount++
    set.add(listener)
  }

  removeListener (listener: EntryListener, index?: ListenerIndex): void {
    if (!index) {
      this.listeners.delete(listener)
      return
    }
    const map = this.indexed[index.field]
    const set = map.get(index.value)
    if (!set?.delete(listener)) return
    this.indexedCount--
    if (set.size === 0) map.delete(index.value)
  }

  /** Calls `wake` once an entry says the job is completed, failed or cancelled. */
  addWaiter (jobId: string, wake: () => void): void {
    let set = this.waiters.get(jobId)
    if (!set) this.waiters.set(jobId, set = new Set())
    set.add(wake)
  }

  removeWaiter (jobId: string, wake: () => void): void {
    const set = this.waiters.get(jobId)
    if (!set) return
    set.delete(wake)
    if (set.size === 0) this.waiters.delete(jobId)
  }

  /** Wakes every waiter (the process is closing: each answers with the job's state now). */
  wakeAll (): void {
    for (const set of this.waiters.values()) for (const wake of set) wake()
  }

  stop (): void {
    this.stopped = true
    // disconnect, not quit: QUIT would wait behind the XREAD that is blocking.
    this.connection.disconnect()
  }

  private async start (): Promise<void> {
    await this.connection.connect()
    // The newest entry now: everything written after this call reaches the listeners.
    const newest = await this.connection.xrevrange(this.options.key, '+', '-', 'COUNT', 1) as RawEntry[]
    if (newest.length > 0) this.lastId = newest[0][0]
    this.loop().catch((err: Error) => this.options.log.error({ err, queue: this.options.queue }, 'event stream reader stopped'))
  }

  private async loop (): Promise<void> {
    const { key, blockMs, log, queue } = this.options
    let failures = 0
    while (!this.stopped) {
      let reply: Array<[string, RawEntry[]]> | null
      try {
        reply = await this.connection.xread('COUNT', BATCH, 'BLOCK', blockMs, 'STREAMS', key, this.lastId) as typeof reply
        failures = 0
      } catch (err) {
        if (this.stopped) return
        // Redis away or failing over: the reader goes on from lastId once it answers, so clients miss nothing retained.
        log[failures === 0 ? 'warn' : 'debug']({ err, queue }, 'reading the event stream failed; retrying')
        failures++
        await sleep(Math.min(100 * 2 ** failures, 2000))
        continue
      }
      if (this.stopped) return
      const raw = reply?.[0]?.[1]
      if (!raw || raw.length === 0) continue
      this.dispatch(raw)
      // A full batch means more are waiting: read on at once.
      if (raw.length < BATCH) await sleep(GATHER_MS)
    }
  }

  private dispatch (raw: RawEntry[]): void {
    const entries: StreamEntry[] = raw.map(([id, fields]) => new Entry(id, decodeEntry(this.options.queue, fields)))
    this.lastId = entries[entries.length - 1].id
    for (const listener of this.listeners) this.tell(listener, entries)
    if (this.indexedCount > 0) {
      for (const field of ['job_id', 'entity_id'] as const) {
        const map = this.indexed[field]
        if (map.size === 0) continue
        // Each indexed listener gets its own entries of the batch, still in stream order.
        const groups = new Map<Set<EntryListener>, StreamEntry[]>()
        for (const entry of entries) {
          const set = map.get(entry.event[field])
          if (!set) continue
          const group = groups.get(set)
          if (group) group.push(entry)
          else groups.set(set, [entry])
        }
        for (const [set, group] of groups) for (const listener of set) this.tell(listener, group)
      }
    }
    if (this.waiters.size === 0) return
    for (const { event } of entries) {
      if (!FINAL_STATUSES.has(event.status)) continue
      const set = this.waiters.get(event.job_id)
      if (set) for (const wake of [...set]) wake()
    }
  }

  private tell (listener: EntryListener, entries: StreamEntry[]): void {
    try {
      listener(entries)
    } catch (err) {
      // One client's failure (a socket torn down mid-write) must not keep the batch from the others.
      this.options.log.warn({ err, queue: this.options.queue }, 'an event listener failed')
    }
  }
}
