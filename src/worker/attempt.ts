import type { Dispatcher } from 'undici'
import type { Logger } from 'pino'
import type { JobRecord } from '../queue/job.js'
import type { HandlerHosts } from '../queue/handler-hosts.js'
import type { HandlerMetrics } from '../metrics/worker-metrics.js'
import { activeSecrets, type HandlerCache } from './handler-cache.js'
import { dispatchJob, type CallbackOrigin, type DispatchResult, type Interrupt } from './dispatch.js'
import { nextAttemptDelay } from './backoff.js'
import type { CallbackTokens } from '../queue/callback-token.js'

/** The longest lease a 202's {"lease_ms": N} may ask for, as async_lease_ms: a day. */
const MAX_ASYNC_LEASE_MS = 86_400_000

/** The lease_ms a 202's JSON body asks for, if it asks for a sane one (1 s to a day). */
function leaseAsked (body: string | null): number | undefined {
  if (body === null) return undefined
  const asked = (JSON.parse(body) as { lease_ms?: unknown } | null)?.lease_ms
  return Number.isInteger(asked) && (asked as number) >= 1000 && (asked as number) <= MAX_ASYNC_LEASE_MS ? asked as number : undefined
}

/** What an attempt leaves to write: the job completed, failed (retried at `retryAt`, or for good), or given back unrun. */
export type Outcome =
  | { kind: 'complete', result: string | null }
  | { kind: 'fail', error: string, retryAt: number | null }
  | { kind: 'release' }
  | { kind: 'handoff', leaseMs?: number }

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
  /** Signs each attempt's callback token (the queue's key). */
  tokens: CallbackTokens
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
    let token
    try {
      token = await ctx.tokens.tokenFor(job.job_id, job.lease ?? '')
    } catch (err) {
      logger.warn({ ...jobFields(job), err }, 'could not read the callback token key; the job goes back to the queue')
      return { kind: 'release' }
    }
    result = await dispatchJob(job, handler, activeSecrets(handler), token, {
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
  if (result.outcome === 'completed') {
    // Only a handler registered as async takes a job with 202; for any other, a 202 is a 2xx.
    if (result.statusCode === 202 && handler?.async === true) return { kind: 'handoff', leaseMs: leaseAsked(result.result) }
    return { kind: 'complete', result: result.result }
  }
  const maxAttempts = handler?.max_attempts ?? 1
  const retryAt = result.outcome === 'retry' && job.attempts < maxAttempts
    ? Date.now() + nextAttemptDelay(job.attempts, handler?.backoff_ms ?? 1000, result.retryAfterMs)
    : null
  if (retryAt === null) logger.warn({ ...jobFields(job), error: result.error }, 'job failed for good')
  else ctx.metricsOf?.(job.task).retried()
  return { kind: 'fail', error: result.error, retryAt }
}
