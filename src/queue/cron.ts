import createError from '@fastify/error'
import { Cron } from 'croner'

/**
 * Cron expressions and their ticks, computed with croner (parsing, next and previous times in an
 * IANA timezone, daylight saving time). Its DST rules follow Vixie cron: a fixed-time job (one
 * value in each of seconds, minutes and hours, like `30 2 * * *`) runs once on the day its time
 * is skipped (just after the gap) and once on the day it occurs twice (the first time); an
 * interval job (`*\/15 * * * *`) skips the gap and runs through the repeated hour.
 */

/** What a schedule does about ticks no worker fired in time: one job for all of them, or none. */
export type CatchUp = 'last' | 'none'

/** A tick fired later than this after its time was missed (no worker was up to fire it). */
export const MISSED_AFTER_MS = 1000

export const InvalidScheduleError = createError<[string]>('JQ_ERR_INVALID_SCHEDULE', '%s', 400)

/** 5 fields (minute precision) or 6 (seconds first); croner's extensions (L, W, #) are allowed. */
const FIELDS = /^\S+(\s+\S+){4,5}$/
/** IANA names (`Europe/Berlin`, `UTC`, `America/Argentina/Buenos_Aires`), not offsets like `+01:00`. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/

/** A parsed cron expression in its timezone. */
export class CronSchedule {
  private readonly cron: Cron

  /**
   * @throws JQ_ERR_INVALID_SCHEDULE (400) naming `<path>.cron` or `<path>.timezone`.
   */
  constructor (readonly expression: string, readonly timezone = 'UTC', path = 'body') {
    if (!ZONE_NAME.test(timezone) || !knownZone(timezone)) {
      throw new InvalidScheduleError(`${path}.timezone: ${JSON.stringify(timezone)} is not an IANA timezone name (like Europe/Berlin or UTC)`)
    }
    const trimmed = expression.trim()
    if (!FIELDS.test(trimmed)) {
      throw new InvalidScheduleError(`${path}.cron: expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got ${JSON.stringify(expression)}`)
    }
    try {
      this.cron = new Cron(trimmed, { timezone, mode: '5-or-6-parts', paused: true })
    } catch (err) {
      throw new InvalidScheduleError(`${path}.cron: ${(err as Error).message.replace(/^CronPattern: /, '')}`)
    }
  }

  /** The first tick strictly after `at` (ms), or null when the expression never matches again. */
  nextAfter (at: number): number | null {
    return this.cron.nextRun(new Date(at))?.getTime() ?? null
  }

  /** The last tick at or before `at` (ms), or null when there was none. */
  lastAtOrBefore (at: number): number | null {
    return this.cron.previousRuns(1, new Date(at + 1))[0]?.getTime() ?? null
  }
}

function knownZone (timezone: string): boolean {
  try {
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en-US', { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

/** What a worker does with a schedule whose tick `due` has come: the tick to enqueue (or none), and the next. */
export interface TickPlan {
  tick: number | null
  next: number | null
  /** Ticks were missed: `tick` (when not null) stands for all of them. */
  missed: boolean
}

/**
 * Plans the firing of a schedule that waits for tick `due` (at or before `now`). On time, that tick
 * fires. When ticks were missed (more than one has come, or this one is over MISSED_AFTER_MS late),
 * catch_up "last" fires one job, for the latest of them, and "none" fires nothing: never one job per
 * missed tick. Either way the schedule moves on to its first tick after now.
 */
export function planTick (cron: CronSchedule, due: number, now: number, catchUp: CatchUp): TickPlan {
  const latest = Math.max(due, cron.lastAtOrBefore(now) ?? due)
  const missed = latest > due || now - due > MISSED_AFTER_MS
  return { tick: missed && catchUp === 'none' ? null : latest, next: cron.nextAfter(now), missed }
}
