import { setTimeout as sleep } from 'node:timers/promises'

export interface BatchWriter<T> {
  /** Writes a batch; `retry` counts the failed tries before this one. */
  write (items: T[], retry: number): Promise<void>
  /** A write failed for want of Redis: it is tried again after a backoff. */
  unavailable (err: Error, retry: number, items: T[]): void
  /** A write failed otherwise (a bug, not an outcome): its items are given up. */
  failed (err: Error, items: T[]): void
}

/**
 * Group commit: items pushed in the same turn of the event loop, or while a write is under way,
 * go together in the next write, and there is one write at a time. A write that fails for want of
 * Redis (JQ_ERR_REDIS_UNAVAILABLE) is tried again after a bounded backoff, with what arrived
 * meanwhile, until Redis returns.
 */
export class Batcher<T> {
  private pending: T[] = []
  private writing = false

  constructor (private readonly writer: BatchWriter<T>) {}

  push (item: T): void {
    this.pending.push(item)
    if (this.writing) return
    this.writing = true
    // After this turn's I/O callbacks, so that the answers that arrived together go together.
    setImmediate(() => this.drain())
  }

  private async drain (): Promise<void> {
    for (let retry = 0; this.pending.length > 0;) {
      const items = this.pending
      this.pending = []
      try {
        await this.writer.write(items, retry)
        retry = 0
      } catch (err) {
        if ((err as { code?: string }).code !== 'JQ_ERR_REDIS_UNAVAILABLE') {
          this.writer.failed(err as Error, items)
          continue
        }
        this.writer.unavailable(err as Error, retry, items)
        this.pending = items.concat(this.pending)
        await sleep(Math.min(5000, 100 * 2 ** retry++))
      }
    }
    this.writing = false
  }
}
