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
    return this.hasWork || (this.wakeAt !== null && this.wakeAt <= now)
  }

  heard (): void {
    this.news++
    this.hasWork = true
  }

  /** What a claim of `asked` jobs, sent when `newsBefore` messages had been heard, says of the queue. */
  claimed (result: ClaimResult, asked: number, newsBefore: number): void {
    this.wakeAt = result.nextWakeAt
    this.hasWork = result.jobs.length >= asked || this.news !== newsBefore ||
      (result.nextWakeAt !== null && result.nextWakeAt <= Date.now())
  }
}
