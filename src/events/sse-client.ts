import type { ServerResponse } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'
import type { RedisClient } from '../queue/redis.js'
import { compareIds, type JobEvent } from './event.js'
import { wholeBatch, type ListenerIndex, type QueueEventReader, type RawEntry, type StreamEntry } from './queue-reader.js'
import { decodeEntry, sseFrame } from './event.js'

/** Which events a client asked for (?job_id=, ?entity_id=, ?task=, ?types=); every one when empty. */
export interface EventFilter {
  job_id?: string
  entity_id?: string
  task?: string
  types?: ReadonlySet<string>
}

/** A filter that lets every event through (kept next to matches: a new field belongs in both). */
export function matchesEverything (filter: EventFilter): boolean {
  return filter.job_id === undefined && filter.entity_id === undefined && filter.task === undefined && filter.types === undefined
}

export function matches (filter: EventFilter, event: JobEvent): boolean {
  return (filter.job_id === undefined || filter.job_id === event.job_id) &&
    (filter.entity_id === undefined || filter.entity_id === event.entity_id) &&
    (filter.task === undefined || filter.task === event.task) &&
    (filter.types === undefined || filter.types.has(event.type))
}

export interface SseClientOptions {
  queue: string
  raw: ServerResponse
  filter: EventFilter
  /** Bytes a client may leave unread before it is dropped (JOBQ_EVENTS_CLIENT_BUFFER_BYTES). */
  maxBufferBytes: number
  /** A comment line at least this often keeps proxies from closing an idle stream. */
  heartbeatMs: number
  log: FastifyBaseLogger
}

/** Entries one XRANGE of a resume takes. */
const PAGE = 500

/**
 * One Server-Sent Events client. It hears every entry of its queue's reader (see `deliver`) but
 * writes only the ones after its cursor that pass its filter, so a client resumed from history
 * and then switched to the live entries gets each event once, in stream order.
 */
export class SseClient {
  /** The id of the last entry this client has been given (or skipped by its filter). */
  cursor = '0-0'
  private live = false
  private closed = false
  private readonly heartbeat: NodeJS.Timeout

  constructor (private readonly options: SseClientOptions) {
    const { raw, heartbeatMs } = options
    raw.on('close', () => this.close())
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs)
    this.heartbeat.unref()
  }

  get isClosed (): boolean {
    return this.closed
  }

  /** What the reader may hand this client alone: the entries of its job, or of its entity. */
  get index (): ListenerIndex | undefined {
    const { job_id: jobId, entity_id: entityId } = this.options.filter
    if (jobId !== undefined) return { field: 'job_id', value: jobId }
    if (entityId !== undefined) return { field: 'entity_id', value: entityId }
    return undefined
  }

  /** The reader's listener: writes the entries after the cursor, once the client is live. */
  readonly deliver = (entries: StreamEntry[]): void => {
    if (!this.live || this.closed) return
    // A batch is in stream order: once its first entry is after the cursor, so is the rest. Only
    // the first batches after a resume hold entries the client has had already.
    let from = 0
    if (compareIds(entries[0].id, this.cursor) <= 0) {
      while (from < entries.length && compareIds(entries[from].id, this.cursor) <= 0) from++
    }
    // One write per batch, not per event: a busy queue's batches hold hundreds.
    const { filter } = this.options
    if (from === 0 && matchesEverything(filter)) {
      this.write(wholeBatch(entries))
      this.cursor = entries[entries.length - 1].id
      return
    }
    let text = ''
    for (let i = from; i < entries.length; i++) {
      if (matches(filter, entries[i].event)) text += entries[i].frame
    }
    if (text !== '') this.write(text)
    if (from < entries.length) this.cursor = entries[entries.length - 1].id
  }

  /** From now on, every entry the reader reads after `cursor`. */
  goLive (cursor: string): void {
    this.cursor = cursor
    this.live = true
  }

  /**
   * Writes the retained entries after `lastEventId`, then goes live. The reader is already
   * listened to, so nothing written meanwhile is missed; the cursor keeps anything from coming twice.
   * An id older than the oldest retained entry, when entries were trimmed, first gets a `gap` event.
   */
  async resume (redis: RedisClient, key: string, lastEventId: string, reader: QueueEventReader): Promise<void> {
    await this.reportGap(redis, key, lastEventId)
    let cursor = lastEventId
    for (;;) {
      const page = await redis.xrange(key, `(${cursor}`, '+', 'COUNT', PAGE) as RawEntry[]
      if (this.closed) return
      for (const [id, fields] of page) {
        cursor = id
        const event = decodeEntry(this.options.queue, fields)
        if (matches(this.options.filter, event)) await this.writeWaiting(sseFrame(id, event))
        if (this.closed) return
      }
      if (page.length === 0 && compareIds(cursor, reader.lastId) > 0) {
        // Nothing after an id no entry has reached yet (a made-up id): the newest entry stands in
        // for it, else the client would hear nothing until the clock passed its id.
        const newest = await redis.xrevrange(key, '+', '-', 'COUNT', 1) as RawEntry[]
        if (newest.length > 0 && compareIds(cursor, newest[0][0]) > 0) cursor = newest[0][0]
        if (newest.length === 0) cursor = reader.lastId
      }
      // Caught up with the reader (no await between the check and going live): from here, the
      // reader's next entries are newer than the cursor. An empty page behind the reader means the
      // entries in between were trimmed before they could be read.
      if (compareIds(cursor, reader.lastId) >= 0 || page.length === 0) {
        this.goLive(compareIds(cursor, reader.lastId) >= 0 ? cursor : reader.lastId)
        return
      }
    }
  }

  close (): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.heartbeat)
    if (!this.options.raw.destroyed) this.options.raw.end()
  }

  /** `event: gap` when events after `lastEventId` may be gone: it is older than the oldest retained one. */
  private async reportGap (redis: RedisClient, key: string, lastEventId: string): Promise<void> {
    const oldest = await redis.xrange(key, '-', '+', 'COUNT', 1) as RawEntry[]
    if (oldest.length === 0 || compareIds(lastEventId, oldest[0][0]) >= 0) return
    // A stream that never lost an entry has no gap, whatever id the client starts from ('0-0').
    const info = await redis.xinfo('STREAM', key) as unknown[]
    const field = (name: string) => info[info.indexOf(name) + 1]
    const added = Number(field('entries-added'))
    if (Number.isFinite(added) && added <= Number(field('length'))) return
    const data = { queue: this.options.queue, last_event_id: lastEventId, oldest_event_id: oldest[0][0] }
    await this.writeWaiting(`event: gap\ndata: ${JSON.stringify(data)}\n\n`)
  }

  /** Writes, then waits while the client reads what is buffered (a resume may be long). */
  private async writeWaiting (text: string): Promise<void> {
    const { raw } = this.options
    if (raw.write(text) || this.closed) return
    await new Promise<void>((resolve) => {
      const done = () => {
        raw.off('drain', done)
        raw.off('close', done)
        resolve()
      }
      raw.on('drain', done)
      raw.on('close', done)
    })
  }

  /**
   * Writes, unless the client left more than the bound unread: it stopped reading, and is dropped
   * rather than buffered for. Its buffer never holds more than the bound and one batch of events.
   */
  private write (text: string | Buffer): void {
    const { raw, maxBufferBytes, log, queue } = this.options
    if (this.closed || raw.destroyed) return
    if (raw.writableLength > maxBufferBytes) {
      log.info({ queue, buffered: raw.writableLength }, 'dropped an event stream client that stopped reading')
      this.closed = true
      clearInterval(this.heartbeat)
      raw.destroy()
      return
    }
    raw.write(text)
  }
}
