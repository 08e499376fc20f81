import type { Logger } from 'pino'
import type { QueueHandle } from '../queue/queues.js'
import type { Firing } from '../queue/schedule-store.js'

/** The message the schedule scripts publish on a queue's wake channel when its schedules change. */
export const SCHEDULES_CHANGED = 'schedules'

/** Longest wait for a tick before looking again anyway (setTimeout cannot wait past 2^31 - 1 ms). */
const MAX_WAIT_MS = 3_600_000
/** Rounds of firing in one look (each up to 100 due schedules) before the rest waits a moment. */
const MAX_ROUNDS = 20
const STUCK_RETRY_MS = 1000

interface Watched {
  handle: QueueHandle
  timer: NodeJS.Timeout | null
  /** A look is under way; `again` asks for one more when it ends (news came meanwhile). */
  looking: boolean
  again: boolean
  failures: number
}

export interface ScheduleTickerOptions {
  logger: Logger
  /** Told of each tick this process fired (tests, metrics). */
  onFired?: (queue: string, firing: Firing) => void
}

/**
 * Fires the recurring schedules of the queues a worker serves. For each queue it sleeps on one timer
 * until the first tick any schedule waits for, fires what is due, and sleeps again: an idle
 * deployment makes no Redis call between ticks. Every worker does this, so a tick fires as long as
 * one worker runs; the script fires each tick once (lua/fireSchedule-19.lua), and the others are
 * told it is not theirs. A schedule changed elsewhere is heard as a message on the wake channel.
 */
export class ScheduleTicker {
  private readonly watched = new Map<string, Watched>()
  private closed = false

  constructor (private readonly options: ScheduleTickerOptions) {}

  /** Fires the queue's schedules from now on; watching it twice changes nothing. */
  watch (handle: QueueHandle): void {
    if (this.watched.has(handle.name) || this.closed) return
    const queue: Watched = { handle, timer: null, looking: false, again: false, failures: 0 }
    this.watched.set(handle.name, queue)
    this.look(queue)
  }

  /** The queue's schedules changed: the first tick may be sooner than the timer set. */
  changed (name: string): void {
    const queue = this.watched.get(name)
    if (queue) this.look(queue)
  }

  /** After a reconnection (a message may have been lost) or a long quiet: look at every queue again. */
  lookAll (): void {
    for (const queue of this.watched.values()) this.look(queue)
  }

  close (): void {
    this.closed = true
    for (const queue of this.watched.values()) if (queue.timer) clearTimeout(queue.timer)
  }

  private look (queue: Watched): void {
    if (this.closed) return
    if (queue.looking) {
      queue.again = true
      return
    }
    if (queue.timer) clearTimeout(queue.timer)
    queue.timer = null
    queue.looking = true
    this.fireAndWait(queue).finally(() => {
      queue.looking = false
      if (queue.again) {
        queue.again = false
        this.look(queue)
      }
    })
  }

  private async fireAndWait (queue: Watched): Promise<void> {
    const { schedules } = queue.handle
    let next: number | null
    try {
      for (let round = 1; ; round++) {
        for (const firing of await schedules.fireDue()) this.fired(queue.handle.name, firing)
        next = await schedules.nextTickAt()
        // Due again already (a backlog of due schedules, or a tick of a second just passed).
        if (next === null || next > Date.now()) break
        // Still due after many rounds: data this loop cannot move on (a tick no fire advances);
        // look again a little later rather than spin on it.
        if (round >= MAX_ROUNDS) {
          next = Date.now() + STUCK_RETRY_MS
          break
        }
      }
      queue.failures = 0
    } catch (err) {
      // Redis away (or the queue in another data format): the ticks wait; none is lost, as the
      // schedule keeps waiting for its tick and catch_up decides once a look succeeds.
      queue.failures++
      const retryMs = Math.min(5000, 100 * 2 ** queue.failures)
      this.options.logger.warn({ err, queue: queue.handle.name, retry_ms: retryMs }, 'could not fire schedules; trying again')
      this.arm(queue, retryMs)
      return
    }
    // A timer may fire a millisecond early: one more keeps it from finding nothing due.
    if (next !== null) this.arm(queue, Math.min(MAX_WAIT_MS, next - Date.now() + 1))
    else if (queue.timer) clearTimeout(queue.timer)
  }

  private arm (queue: Watched, delayMs: number): void {
    if (this.closed) return
    queue.timer = setTimeout(() => this.look(queue), Math.max(0, delayMs))
  }

  private fired (queue: string, firing: Firing): void {
    const fields = { queue, schedule: firing.schedule.name, tick: firing.tick, outcome: firing.outcome, job_id: firing.job?.job_id }
    this.options.logger.debug(fields, firing.tick === null ? 'schedule skipped missed ticks (catch_up none)' : 'schedule fired')
    if (!firing.replicated) {
      this.options.logger.warn(fields, 'schedule fired, but too few replicas confirmed it in time (JOBQ_WAIT_REPLICAS): a failover now may fire the tick again')
    }
    this.options.onFired?.(queue, firing)
  }
}
