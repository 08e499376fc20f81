import type { ClaimResult } from '../queue/job-queue.js'
import type { QueueHandle } from '../queue/queues.js'
import type { AttemptContext } from './attempt.js'
import type { Batcher } from './batcher.js'

/**
 * What a worker knows of one queue it serves: whether it may have jobs ready, when it next may,
 * and how many of its jobs this worker runs. The worker claims only from queues that may have
 * work, so an idle queue costs nothing, and shares its slots by the in-flight counts.
 */
export class ServedQueue<Completion> {
  /** Jobs of this queue in flight in this worker, those whose completion is being written included. */
  inFlight = 0
  /** Of those, the ones whose completion is being written: their slots are free for that write's claim. */
  releasing = 0
  /** May have jobs ready now: told so, or the last claim took all it asked for. */
  hasWork = true
  /** When a retry falls due or a lease lapses next, as the last claim saw it. */
  wakeAt: number | null = null
  /** Wake messages heard so far: one heard while a claim was under way makes its "empty" stale. */
  news = 0
  /** Jobs claimed since the worker last trimmed this queue's event stream: each wrote events. */
  claimedSinceTrim = 0
  /**
   * The last claim registered this worker as idle (lua/includes/pickup.lua): the next job to become
   * ready may be pushed to its pickup list, so it waits on that list.
   */
  idle = false
  /** Claims that failed in a row, and when to try again: one failing queue does not hold up the others. */
  failures = 0
  retryAt = 0

  constructor (
    readonly handle: QueueHandle,
    readonly attempts: AttemptContext,
    readonly completions: Batcher<Completion>
  ) {}

  get name (): string {
    return this.handle.name
  }

  /** Ready to claim from: known to have work, or a due time has come. */
  isReady (now: number): boolean {
    if (this.retryAt > now) return false
    return this.hasWork || (this.wakeAt !== null && this.wakeAt <= now)
  }

  /** The earliest time this queue may be ready without news: a due time, or the end of a backoff. */
  nextTime (): number | null {
    if (this.retryAt > 0 && (this.hasWork || this.wakeAt === null || this.retryAt > this.wakeAt)) return this.retryAt
    return this.wakeAt
  }

  /** A claim failed (Redis away): back off, up to 2 s. */
  failed (now: number): void {
    this.failures++
    this.retryAt = now + Math.min(2000, 50 * 2 ** this.failures)
  }

  heard (): void {
    this.news++
    this.hasWork = true
  }

  /** What a claim of `asked` jobs, sent when `newsBefore` messages had been heard, says of the queue. */
  claimed (result: ClaimResult, asked: number, newsBefore: number): void {
    this.failures = 0
    this.retryAt = 0
    this.wakeAt = result.nextWakeAt
    this.idle = result.idle
    this.claimedSinceTrim += result.jobs.length
    this.hasWork = result.jobs.length >= asked || this.news !== newsBefore ||
      (result.nextWakeAt !== null && result.nextWakeAt <= Date.now())
  }
}
