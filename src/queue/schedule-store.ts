import createError from '@fastify/error'
import type { RedisClient } from './redis.js'
import { NO_REPLICA_WAIT, replicasConfirm, writeAcknowledged, type AcknowledgedWrite, type ReplicaWait } from './acknowledged-write.js'
import { CronSchedule, planTick, type CatchUp } from './cron.js'
import { queueFormatError, ScriptCode } from './errors.js'
import { decodeJob, type JobRecord, type NewJob } from './job.js'
import { enqueueKeys, type QueueKeys } from './keys.js'
import { toQueueError } from './redis-errors.js'
import type { EnqueueOutcome } from './job-queue.js'

export const ScheduleNotFoundError = createError<[string]>('JQ_ERR_SCHEDULE_NOT_FOUND', 'No schedule named %s', 404)
export const ScheduleHandlerMissingError = createError<[string]>('JQ_ERR_NO_HANDLER',
  'body.job.task: no handler named %s is registered in this queue (register it with PUT .../handlers/{name} first)', 422)
export const ScheduleNeverRunsError = createError<[string]>('JQ_ERR_INVALID_SCHEDULE',
  'body.cron: %s matches no time from now on, so the schedule would never run', 400)

/** The job each tick enqueues, the caller's JSON kept as text (as a job record keeps it); due at its tick. */
export type ScheduleJob = Omit<NewJob, 'due_at'>

/** What a caller says of a schedule (PUT). */
export interface ScheduleDefinition {
  cron: string
  timezone: string
  catch_up: CatchUp
  paused: boolean
  job: ScheduleJob
}

export type TickOutcome = EnqueueOutcome | 'no_handler'

/** A schedule as stored in the queue's `schedules` hash (times in ms). */
export interface Schedule extends ScheduleDefinition {
  name: string
  created_at: number
  updated_at: number
  /** Raised by every change, so a tick planned from an older definition does not fire. */
  revision: number
  /** The tick workers wait for; null while paused (or when the expression never matches again). */
  next_run_at: number | null
  /** The last tick (or trigger) that enqueued, its job and what the enqueue answered. */
  last_run_at: number | null
  last_job_id: string | null
  last_outcome: TickOutcome | null
}

/** One firing: the job of the tick (null when missed ticks were skipped, or no job was named). */
export interface Firing {
  schedule: Schedule
  tick: number | null
  outcome: TickOutcome | null
  job: JobRecord | null
  /** Ticks were missed (no worker fired them in time): `tick`, when not null, stands for all of them. */
  missed: boolean
  /**
   * False when JOBQ_WAIT_REPLICAS replicas did not confirm a tick's firing in time: it fired on the
   * master, but a failover now may lose it and fire the tick again.
   */
  replicated: boolean
}

const OUTCOMES: Record<number, TickOutcome> = { 1: 'created', 2: 'priority_raised', 3: 'exists', 4: 'processing', [-4]: 'no_handler' }
/** Schedules fired per call of fireDue: a backlog of due ones is taken in rounds. */
const FIRE_BATCH = 100

/** What fireSchedule answers: a status, then the schedule's JSON and a job reply (includes/job.lua pushJob). */
type FireReply = Array<string | number | null>

/**
 * The recurring schedules of one queue. Tick times are computed here with the cron library and
 * compared in Redis: lua/fireSchedule-19.lua enqueues a tick's job and advances the schedule in
 * one step, only while the schedule still waits for that tick, so each tick is enqueued once
 * however many workers fire it. Every change and firing is an acknowledged write: with
 * JOBQ_WAIT_REPLICAS it counts only once replicas have it (src/queue/acknowledged-write.ts).
 */
export class ScheduleStore {
  constructor (
    private readonly redis: RedisClient,
    private readonly keys: QueueKeys,
    private readonly queueName: string,
    private readonly now: () => number = Date.now,
    private readonly wait: ReplicaWait = NO_REPLICA_WAIT
  ) {}

  /**
   * Creates or replaces a schedule; it next fires at its first tick after now.
   * @throws JQ_ERR_INVALID_SCHEDULE for an expression or timezone that is not valid or never matches,
   * JQ_ERR_NO_HANDLER when the job's task has no handler.
   */
  async put (name: string, definition: ScheduleDefinition): Promise<{ created: boolean, schedule: Schedule }> {
    const now = this.now()
    const next = new CronSchedule(definition.cron, definition.timezone).nextAfter(now)
    if (next === null) throw new ScheduleNeverRunsError(definition.cron)
    const k = this.keys
    const reply = await this.write('putSchedule', [k.schedules, k.ticks, k.wake, k.handlers,
      name, JSON.stringify(definition), now, next]) as [number, string?]
    if (reply[0] === ScriptCode.NoHandler) throw new ScheduleHandlerMissingError(definition.job.task)
    return { created: reply[0] === 1, schedule: JSON.parse(reply[1] as string) }
  }

  async get (name: string): Promise<Schedule | null> {
    const raw = await this.call(() => this.redis.hget(this.keys.schedules, name)) as string | null
    return raw === null ? null : JSON.parse(raw)
  }

  /** Every schedule, by name. */
  async list (): Promise<Schedule[]> {
    const all = await this.call(() => this.redis.hgetall(this.keys.schedules)) as Record<string, string>
    return Object.values(all).map((raw) => JSON.parse(raw) as Schedule).sort((a, b) => a.name.localeCompare(b.name))
  }

  /** False when there was no such schedule; the jobs its ticks enqueued stay. */
  async delete (name: string): Promise<boolean> {
    return await this.write('deleteSchedule', [this.keys.schedules, this.keys.ticks, name]) === 1
  }

  /** Pauses (true) or resumes a schedule, which then fires from its next tick after now. Null when there is none. */
  async setPaused (name: string, paused: boolean): Promise<Schedule | null> {
    let next: number | null = null
    const now = this.now()
    if (!paused) {
      const schedule = await this.get(name)
      if (schedule === null) return null
      next = new CronSchedule(schedule.cron, schedule.timezone).nextAfter(now)
    }
    const raw = await this.write('pauseSchedule', [this.keys.schedules, this.keys.ticks, this.keys.wake,
      name, paused ? '1' : '0', now, next ?? '', this.wait.replicas > 0 ? '1' : '']) as string | null
    return raw === null ? null : JSON.parse(raw)
  }

  /** Enqueues the schedule's job now, its tick the time now, leaving its next tick where it is. Null when there is none. */
  async trigger (name: string): Promise<Firing | null> {
    const now = this.now()
    return await this.fire(name, now, ['', '', now, ''])
  }

  /** The first tick any schedule of the queue waits for (ms), or null when none waits. */
  async nextTickAt (): Promise<number | null> {
    const first = await this.call(() => this.redis.zrange(this.keys.ticks, '0', '0', 'WITHSCORES')) as string[]
    return first.length === 0 ? null : Number(first[1])
  }

  /**
   * Fires every schedule whose tick has come (up to FIRE_BATCH of them), each as planTick says:
   * its tick, one job for the ticks missed, or none. Returns the firings this call won; a tick
   * another process fired first is not among them.
   */
  async fireDue (): Promise<Firing[]> {
    const now = this.now()
    const due = await this.call(() => this.redis.zrangebyscore(this.keys.ticks, '-inf', now, 'WITHSCORES', 'LIMIT', 0, FIRE_BATCH)) as string[]
    if (due.length === 0) return []
    const names = due.filter((_, i) => i % 2 === 0)
    const raws = await this.call(() => this.redis.hmget(this.keys.schedules, ...names)) as Array<string | null>
    const plans = raws.map((raw, i) => {
      // A tick with no schedule (its hash field gone by other means than DELETE): nothing waits for it.
      // The script drops it from the ticks if the schedule is still missing then.
      if (raw === null) return { name: names[i], args: ['', '', '', ''] as Array<string | number>, missed: false }
      const schedule = JSON.parse(raw) as Schedule
      const expected = Number(due[2 * i + 1])
      let plan
      try {
        plan = planTick(new CronSchedule(schedule.cron, schedule.timezone, `schedules.${schedule.name}`), expected, now, schedule.catch_up)
      } catch {
        // A definition this process cannot read (a timezone its ICU lacks): it waits for no tick
        // rather than being found due again at every look; a PUT brings it back.
        plan = { tick: null, next: null, missed: false }
      }
      return { name: schedule.name, args: [expected, schedule.revision, plan.tick ?? '', plan.next ?? ''], missed: plan.missed }
    })
    // Each tick's script without a wait of its own, then one WAIT for them all: Redis holds a
    // connection in WAIT, so a wait per tick would queue up behind one another (N due schedules
    // with replicas that do not answer: N timeouts, the worker's connection held all along).
    const replies = await Promise.all(plans.map(async (p) =>
      await this.call(() => this.redis.fireSchedule(...this.fireArgs(p.name, 'tick', now, p.args))) as FireReply))
    let replicated = true
    if (this.wait.replicas > 0 && replies.some((r) => r[0] === 1)) {
      replicated = await this.call(() => replicasConfirm(this.redis, this.wait, this.keys.schedules)) as boolean
    }
    const firings = replies.map((reply, i) => this.toFiring(reply, plans[i].args, plans[i].missed, replicated))
    return firings.filter((f): f is Firing => f !== null)
  }

  private fireArgs (name: string, mode: 'tick' | 'trigger', now: number, args: Array<string | number>): Array<string | number> {
    return [this.keys.schedules, this.keys.ticks, ...enqueueKeys(this.keys), now, name, mode, ...args]
  }

  /** A trigger: acknowledged as an enqueue is (a 503 when too few replicas confirm it). */
  private async fire (name: string, now: number, args: Array<string | number>): Promise<Firing | null> {
    const reply = await this.write('fireSchedule', this.fireArgs(name, 'trigger', now, args)) as FireReply
    return this.toFiring(reply, args, false, true)
  }

  private toFiring (reply: FireReply, args: Array<string | number>, missed: boolean, replicated: boolean): Firing | null {
    const status = reply[0] as number
    if (status === ScriptCode.UnreadableData) throw queueFormatError(this.queueName, reply[1] as string | null, reply[2] as string)
    if (status !== 1) return null
    const schedule = JSON.parse(reply[1] as string) as Schedule
    const firing = { schedule, missed, replicated }
    if (reply.length === 2) return { ...firing, tick: null, outcome: null, job: null }
    const { code, job } = decodeJob(reply, 2)
    return { ...firing, tick: Number(args[2]), outcome: OUTCOMES[code], job: code < 0 ? null : job }
  }

  private async write (script: AcknowledgedWrite, keysAndArgs: Array<string | number>): Promise<any> {
    return await this.call(() => writeAcknowledged(this.redis, this.wait, script, keysAndArgs))
  }

  private async call (run: () => Promise<unknown>): Promise<unknown> {
    try {
      return await run()
    } catch (err) {
      throw toQueueError(err)
    }
  }
}
