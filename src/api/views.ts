import type { JobRecord } from '../queue/job.js'
import type { CallbackHeaders, HandlerWithCounts } from '../queue/handler-store.js'
import type { Schedule } from '../queue/schedule-store.js'
import type { EnqueueOutcome } from '../queue/job-queue.js'
import type { EnqueuedJobView, JobView } from './schemas/job.js'

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

type CallerJson = Pick<JobView, 'args' | 'kwargs' | 'metadata'>

/**
 * The public face of a job: the caller's JSON parsed back, times in ISO 8601, the lease left out.
 * A job just created from a request body can pass that body's values and skip parsing them again.
 */
export function toJobView (job: JobRecord, caller?: CallerJson): JobView {
  return {
    job_id: job.job_id,
    entity_id: job.entity_id,
    task: job.task,
    status: job.status,
    priority: job.priority,
    position_in_queue: job.position_in_queue,
    position_in_priority: job.position_in_priority,
    args: caller ? caller.args : JSON.parse(job.args),
    kwargs: caller ? caller.kwargs : JSON.parse(job.kwargs),
    metadata: caller ? caller.metadata : JSON.parse(job.metadata),
    attempts: job.attempts,
    queued_at: new Date(job.queued_at).toISOString(),
    priority_updated_at: iso(job.priority_updated_at),
    started_at: iso(job.started_at),
    finished_at: iso(job.finished_at),
    next_attempt_at: iso(job.next_attempt_at),
    last_error: job.last_error,
    result: job.result === null ? null : JSON.parse(job.result),
    progress: job.progress === null ? null : { percent: job.progress.percent, message: job.progress.message, at: new Date(job.progress.at).toISOString() },
    lease_expires_at: job.status === 'processing' ? iso(job.held_until) : null,
    schedule: job.schedule && { name: job.schedule.name, tick: new Date(job.schedule.tick).toISOString() }
  }
}

/**
 * The answer to POST /jobs: the job's view with what the enqueue did. The outcome is set on the view
 * rather than spread into a copy of it, one object fewer on the API's hottest path.
 */
export function toEnqueuedJobView (job: JobRecord, outcome: EnqueueOutcome, caller?: CallerJson): EnqueuedJobView {
  const view = toJobView(job, caller) as EnqueuedJobView
  view.outcome = outcome
  return view
}

/**
 * A callback header's value as the API shows it: `****` and its last 4 characters, or only `****`
 * when it is shorter than 12, so that most of it, and all of a short one, stays unknown.
 */
export function maskHeaderValue (value: string): string {
  return value.length < 12 ? '****' : '****' + value.slice(-4)
}

/** By name: Redis's cjson writes them in no particular order. */
function maskHeaders (headers: CallbackHeaders): CallbackHeaders {
  return Object.fromEntries(Object.keys(headers).sort().map((name) => [name, maskHeaderValue(headers[name])]))
}

/** A handler without its secrets, which are shown once, when it is created, and with its header values masked. */
export function toHandlerView (handler: HandlerWithCounts) {
  const rate = handler.rate_per_second
  return {
    name: handler.name,
    url: handler.url,
    timeout_ms: handler.timeout_ms,
    max_attempts: handler.max_attempts,
    backoff_ms: handler.backoff_ms,
    async: handler.async,
    async_lease_ms: handler.async_lease_ms,
    max_concurrency: handler.max_concurrency,
    rate_per_second: rate,
    // The burst in force: the one set, or the rate's default.
    burst: rate === null ? null : handler.burst ?? Math.ceil(rate),
    headers: maskHeaders(handler.headers),
    created_at: new Date(handler.created_at).toISOString(),
    updated_at: new Date(handler.updated_at).toISOString(),
    paused: handler.paused,
    queued: handler.counts.queued,
    scheduled: handler.counts.scheduled,
    in_flight: handler.counts.in_flight
  }
}

/** A schedule as the API shows it: the job's JSON parsed back, times in ISO 8601, the revision left out. */
export function toScheduleView (schedule: Schedule) {
  return {
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    job: {
      task: schedule.job.task,
      entity_id: schedule.job.entity_id,
      args: JSON.parse(schedule.job.args),
      kwargs: JSON.parse(schedule.job.kwargs),
      priority: schedule.job.priority,
      metadata: JSON.parse(schedule.job.metadata)
    },
    catch_up: schedule.catch_up,
    paused: schedule.paused,
    next_run_at: iso(schedule.next_run_at),
    last_run_at: iso(schedule.last_run_at),
    last_job_id: schedule.last_job_id,
    last_outcome: schedule.last_outcome,
    created_at: new Date(schedule.created_at).toISOString(),
    updated_at: new Date(schedule.updated_at).toISOString()
  }
}
