import type { Job } from '../client/index.js'
import { parseDuration } from './args.js'
import { route, type Context } from './context.js'
import { CliError, EXIT } from './exit-codes.js'
import { jobView, print } from './jobs.js'
import type { OptionSpec } from './args.js'
import { QUEUE_OPTION, type CommandSpec } from './spec.js'

/** The most the API waits in one call (GET /jobs/{id}?wait_ms=); longer waits take several calls. */
const MAX_WAIT_MS = 60_000

const FINAL = new Set(['completed', 'failed', 'cancelled'])

export const TIMEOUT_OPTION: OptionSpec = {
  flag: '--timeout',
  value: 'DURATION',
  description: 'Give up waiting after this long: 30s, 5m, 2h (exit 8, printing the job as it is); default: wait until it ends.'
}

/** What waiting ends with: the job, and the exit status its state calls for. */
export interface WaitOutcome {
  job: Job
  exit: typeof EXIT.ok | typeof EXIT.jobFailed | typeof EXIT.stillRunning
}

/**
 * Waits for a job's end through GET /jobs/{id}?wait_ms=, which the API answers as soon as the job
 * is completed, failed or cancelled: no polling loop, one call a minute at most while it runs.
 */
export async function waitForEnd (ctx: Context, id: string, timeoutMs: number | undefined): Promise<WaitOutcome> {
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs
  const { queue } = ctx
  for (;;) {
    const waitMs = Math.max(0, Math.min(MAX_WAIT_MS, deadline - Date.now()))
    const query = { wait_ms: waitMs }
    const { data: job } = await ctx.call(`GET ${route(ctx, `/jobs/${id}`)}?wait_ms=${waitMs}`, (init) => queue === undefined
      ? ctx.api.GET('/jobs/{id}', { params: { path: { id }, query }, ...init })
      : ctx.api.GET('/queues/{queue}/jobs/{id}', { params: { path: { queue, id }, query }, ...init }), undefined, waitMs)
    if (FINAL.has(job.status)) return { job, exit: job.status === 'completed' ? EXIT.ok : EXIT.jobFailed }
    if (Date.now() >= deadline) return { job, exit: EXIT.stillRunning }
    // Waiting goes on by the job's id: an entity may have a new job by the time this one ends.
    id = job.job_id
  }
}

/** --timeout as ms, or undefined without it. */
export function timeoutOf (raw: string | true | undefined): number | undefined {
  return typeof raw === 'string' ? parseDuration('--timeout', raw) : undefined
}

/** Prints the job waited for and turns a job that did not complete into its exit status. */
export function report (ctx: Context, { job, exit }: WaitOutcome, extra: Array<[string, unknown]> = [], body: unknown = job): void {
  print(ctx, body, () => jobView(job, extra))
  if (exit === EXIT.jobFailed) throw new CliError(`job ${job.job_id} ${job.status}${job.last_error ? `: ${job.last_error}` : ''}`, EXIT.jobFailed)
  if (exit === EXIT.stillRunning) throw new CliError(`job ${job.job_id} is still ${job.status} after --timeout`, EXIT.stillRunning)
}

export const wait: CommandSpec = {
  name: 'wait',
  summary: 'Wait for a job to end (completed, failed or cancelled) and show it.',
  details: [
    'The API answers as soon as the job ends (GET /jobs/{id}?wait_ms=), so the wait costs no polling. ' +
    'Exits 0 when the job completed, 7 when it failed or was cancelled, 8 when it had not ended by --timeout; it prints the job either way.'
  ],
  args: [{ name: 'id', description: 'A job_id, or an entity_id (its active job, or its latest finished one).' }],
  options: [TIMEOUT_OPTION, QUEUE_OPTION],
  exits: [
    [EXIT.notFound, 'no job or entity with that id'],
    [EXIT.jobFailed, 'the job failed or was cancelled'],
    [EXIT.stillRunning, 'the job had not ended when --timeout ran out']
  ],
  async run (ctx, { args: [id], options }) {
    report(ctx, await waitForEnd(ctx, id, timeoutOf(options.get('--timeout'))))
  }
}
