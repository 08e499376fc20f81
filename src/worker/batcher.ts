import { setTimeout as sleep } from 'node:timers/promises'
import { isRetryable } from '../queue/redis-errors.js'

export interface BatchWriter<T> {
  /** Writes a batch; `retry` counts the failed tries since the last write that went through. */
  write (items: T[], retry: number): Promise<void>
  /** A write failed for want of Redis (or of its replicas): its items are tried again after a backoff. */
  unavailable (err: Error, retry: number, items: T[]): void
  /** A write failed otherwise (a bug, not an outcome): its items are given up. */
  failed (err: Error, items: T[]): void
}

/**
 * Group commit: items pushed in the same turn of the event loop, or while the writes under way
 * are busy, go together in the next write. Up to `maxWrites` writes run at once: with a single
 * one, every slot whose answer came during a round trip waited for it, and the worker idled a
 * quarter of the time (bench figure 3). A write that fails for want of Redis
 * (JQ_ERR_REDIS_UNAVAILABLE) puts its items back; nothing is written during the bounded backoff
 * that follows, and then everything waiting goes together, until Redis returns. A write its
 * replicas did not confirm in time (JQ_ERR_NOT_REPLICATED) is tried again the same way: writing a
 * completion twice is recognised by its lease token and changes nothing.
 */
export class Batcher<T> {
  private pending: T[] = []
  private writes = 0
  private scheduled = false
  private failures = 0
  private backingOff = false

  constructor (private readonly writer: BatchWriter<T>, private readonly maxWrites = 2) {}

  push (item: T): void {
    this.pending.push(item)
    this.schedule()
  }

  private schedule (): void {
    if (this.scheduled || this.backingOff || this.writes >= this.maxWrites || this.pending.length === 0) return
    this.scheduled = true
    // After this turn's I/O callbacks, so that the answers that arrived together go together.
    setImmediate(() => {
      this.scheduled = false
      this.writeNext()
    })
  }

  private writeNext (): void {
    if (this.backingOff || this.writes >= this.maxWrites || this.pending.length === 0) return
    const items = this.pending
    this.pending = []
    this.writes++
    const retry = this.failures
    this.writer.write(items, retry).then(() => {
      // Only a write sent after the latest failure shows Redis is back: one sent before it may
      // succeed while the failed items still wait, and those must go out as a retry.
      if (retry === this.failures) this.failures = 0
    }, (err: Error) => this.onFailure(err, items)).finally(() => {
      this.writes--
      this.schedule()
    })
  }

  private async onFailure (err: Error, items: T[]): Promise<void> {
    if (!isRetryable(err)) {
      this.writer.failed(err, items)
      return
    }
    this.pending = items.concat(this.pending)
    // A write that failed alongside another waits out the same backoff.
    if (this.backingOff) return
    this.writer.unavailable(err, this.failures, items)
    this.backingOff = true
    await sleep(Math.min(5000, 100 * 2 ** this.failures++))
    this.backingOff = false
  }
}
