import type { Job } from '../client/index.js'
import { parsePriority } from './args.js'
import { route, type Context } from './context.js'
import { CliError, EXIT } from './exit-codes.js'
import { QUEUE_OPTION, type CommandSpec } from './spec.js'
import { fields } from './table.js'

const ID = { name: 'id', description: 'A job_id, or an entity_id (its active job, or its latest finished one).' }

/** One job as name/value lines, in the API's field names, so the table and --json read alike. */
export function jobView (job: Job, extra: Array<[string, unknown]> = []): string {
  return fields([
    ...extra,
    ['job_id', job.job_id],
    ['entity_id', job.entity_id],
    ['task', job.task],
    ['status', job.status],
    ['priority', job.priority],
    ['position_in_queue', job.position_in_queue],
    ['position_in_priority', job.position_in_priority],
    ['attempts', job.attempts],
    ['args', job.args],
    ['kwargs', job.kwargs],
    ['metadata', job.metadata],
    ['queued_at', job.queued_at],
    ['priority_updated_at', job.priority_updated_at],
    ['started_at', job.started_at],
    ['finished_at', job.finished_at],
    ['next_attempt_at', job.next_attempt_at],
    ['last_error', job.last_error],
    ['result', job.result],
    ['schedule', job.schedule && `${job.schedule.name} (tick ${job.schedule.tick})`]
  ])
}

/** GET /jobs/{id}, or its twin in the --queue queue. */
async function getJob (ctx: Context, id: string): Promise<Job> {
  const { queue } = ctx
  const { data } = await ctx.call(`GET ${route(ctx, `/jobs/${id}`)}`, (init) => queue === undefined
    ? ctx.api.GET('/jobs/{id}', { params: { path: { id } }, ...init })
    : ctx.api.GET('/queues/{queue}/jobs/{id}', { params: { path: { queue, id } }, ...init }))
  return data
}

/** Prints an answer: its JSON with --json, else its table. */
export function print (ctx: Context, data: unknown, human: () => string): void {
  ctx.stdout.write(ctx.json ? JSON.stringify(data, null, 2) + '\n' : human())
}

export const status: CommandSpec = {
  name: 'status',
  summary: 'Show a job: status, priority, place in the queue, attempts, timestamps, last error, result.',
  args: [ID],
  options: [QUEUE_OPTION],
  exits: [[EXIT.notFound, 'no job or entity with that id (a finished job is forgotten after its retention)']],
  async run (ctx, { args: [id] }) {
    const job = await getJob(ctx, id)
    print(ctx, job, () => jobView(job))
  }
}

export const priority: CommandSpec = {
  name: 'priority',
  summary: 'Change the priority of a waiting job, up or down.',
  details: ['The job keeps its first-enqueue time: in its new priority it stands where it would have stood had it been enqueued there. Prints the job.'],
  args: [ID, { name: 'priority', description: '1 (highest), 2 or 3.' }],
  options: [QUEUE_OPTION],
  exits: [[EXIT.notFound, 'no job or entity with that id'], [EXIT.conflict, 'the job is not waiting (it is processing or finished)']],
  async run (ctx, { args: [id, raw] }) {
    const priority = parsePriority('<priority>', raw)
    const { queue } = ctx
    const { data } = await ctx.call(`PATCH ${route(ctx, `/jobs/${id}/priority`)}`, (init) => queue === undefined
      ? ctx.api.PATCH('/jobs/{id}/priority', { params: { path: { id } }, body: { priority }, ...init })
      : ctx.api.PATCH('/queues/{queue}/jobs/{id}/priority', { params: { path: { queue, id } }, body: { priority }, ...init }))
    print(ctx, data, () => jobView(data))
  }
}

export const cancel: CommandSpec = {
  name: 'cancel',
  summary: 'Cancel a waiting (queued or scheduled) job, or forget a finished one.',
  details: [
    'A cancelled job stays readable as "cancelled" for JOBQ_COMPLETED_RETENTION_MS and its entity may be enqueued again at once; a finished job (completed, failed, cancelled) is deleted. ' +
    'Prints the cancelled job, or says it was deleted; with --json, {"id", "outcome": "cancelled" | "deleted", "job"}.'
  ],
  args: [ID],
  options: [QUEUE_OPTION],
  exits: [[EXIT.notFound, 'no job or entity with that id'], [EXIT.conflict, 'the job is being processed; it cannot be cancelled']],
  async run (ctx, { args: [id] }) {
    const { queue } = ctx
    await ctx.call(`DELETE ${route(ctx, `/jobs/${id}`)}`, (init) => queue === undefined
      ? ctx.api.DELETE('/jobs/{id}', { params: { path: { id } }, ...init })
      : ctx.api.DELETE('/queues/{queue}/jobs/{id}', { params: { path: { queue, id } }, ...init }))
    // DELETE answers 204 either way; reading the job back tells a cancellation from a deletion.
    let job: Job | null = null
    try {
      job = await getJob(ctx, id)
    } catch (err) {
      if (!(err instanceof CliError && err.exitCode === EXIT.notFound)) throw err
    }
    const cancelled = job?.status === 'cancelled'
    const outcome = cancelled ? 'cancelled' : 'deleted'
    print(ctx, { id, outcome, job: cancelled ? job : null }, () => cancelled
      ? jobView(job!, [['outcome', outcome]])
      : `deleted ${id}: the finished job is forgotten\n`)
  }
}

export const retry: CommandSpec = {
  name: 'retry',
  summary: 'Put a failed job back in the queue, at its priority and first-enqueue place, with a fresh allowance of attempts.',
  args: [ID],
  options: [QUEUE_OPTION],
  exits: [[EXIT.notFound, 'no job or entity with that id'], [EXIT.conflict, 'the job has not failed']],
  async run (ctx, { args: [id] }) {
    const { queue } = ctx
    const { data } = await ctx.call(`POST ${route(ctx, `/jobs/${id}/retry`)}`, (init) => queue === undefined
      ? ctx.api.POST('/jobs/{id}/retry', { params: { path: { id } }, ...init })
      : ctx.api.POST('/queues/{queue}/jobs/{id}/retry', { params: { path: { queue, id } }, ...init }))
    print(ctx, data, () => jobView(data))
  }
}
