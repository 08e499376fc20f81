import type { Dispatcher } from 'undici'
import type { Logger } from 'pino'
import type { JobRecord } from '../queue/job.js'
import type { HandlerHosts } from '../queue/handler-hosts.js'
import type { HandlerMetrics } from '../metrics/worker-metrics.js'
import { activeSecrets, type HandlerCache } from './handler-cache.js'
import { dispatchJob, type CallbackOrigin, type DispatchResult, type Interrupt } from './dispatch.js'
import { nextAttemptDelay } from './backoff.js'

/** What an attempt leaves to write: the job completed, failed (retried at `retryAt`, or for good), or given back unrun. */
export type Outcome =
  | { kind: 'complete', result: string | null }
  | { kind: 'fail', error: string, retryAt: number | null }
  | { kind: 'release' }

export interface AttemptContext {
  handlers: HandlerCache
  dispatcher: Dispatcher
  logger: Logger
  resultLimit: number
  userAgent: string
  /** The queue the jobs come from. */
  origin?: CallbackOrigin
  /** JOBQ_HANDLER_HOSTS, checked again before each callback: a list tightened later holds for old handlers. */
  handlerHosts?: HandlerHosts
  metricsOf: ((handler: string) => HandlerMetrics) | null
}

/** The interrupt reason of a worker's shutdown: the job goes back to the queue, its attempt not counted. */
export const SHUTDOWN = new Error('worker shutting down')

/** What a log line about one job carries, built only for lines that are written. */
export const jobFields = (job: JobRecord) => ({ job_id: job.job_id, entity_id: job.entity_id, task: job.task, attempt: job.attempts })

/**
 * One attempt of a job: finds its handler, POSTs the callback, and decides what the answer means.
 * A handler that cannot be read, or a shutdown, gives the job back unrun.
 */
export async function runAttempt (job: JobRecord, interrupt: Interrupt, ctx: AttemptContext): Promise<Outcome> {
  const { logger } = ctx
  let handler
  try {
    handler = await ctx.handlers.get(job.task)
  } catch (err) {
    logger.warn({ ...jobFields(job), err }, 'could not read the handler; the job goes back to the queue')
    return { kind: 'release' }
  }
  let result: DispatchResult
  if (!handler) {
    result = { outcome: 'failed', error: `no handler named ${job.task} is registered` }
  } else if (ctx.handlerHosts && !ctx.handlerHosts.allows(handler.url)) {
    result = { outcome: 'failed', error: `handler host ${new URL(handler.url).hostname} is not allowed by JOBQ_HANDLER_HOSTS` }
  } else {
    const started = performance.now()
    result = await dispatchJob(job, handler, activeSecrets(handler), {
      dispatcher: ctx.dispatcher,
      resultLimit: ctx.resultLimit,
      userAgent: ctx.userAgent,
      origin: ctx.origin,
      interrupt
    })
    const ms = performance.now() - started
    ctx.metricsOf?.(job.task).answered(result.outcome, result.statusCode, ms / 1000)
    if (logger.isLevelEnabled('info')) {
      logger.info({ ...jobFields(job), outcome: result.outcome, status: result.statusCode, ms: Math.round(ms) }, 'callback answered')
    }
  }

  if (interrupt.reason === SHUTDOWN) return { kind: 'release' }
  if (result.outcome === 'completed') return { kind: 'complete', result: result.result }
  const maxAttempts = handler?.max_attempts ?? 1
  const retryAt = result.outcome === 'retry' && job.attempts < maxAttempts
    ? Date.now() + nextAttemptDelay(job.attempts, handler?.backoff_ms ?? 1000, result.retryAfterMs)
    : null
  if (retryAt === null) logger.warn({ ...jobFields(job), error: result.error }, 'job failed for good')
  else ctx.metricsOf?.(job.task).retried()
  return { kind: 'fail', error: result.error, retryAt }
}
