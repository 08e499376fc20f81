import createError from '@fastify/error'

/**
 * Errors of the queue layer. Each has a stable `code` and the HTTP status the API answers with;
 * callers match on `code`, never on the class.
 */
export const JobNotFoundError = createError<[string]>('JQ_ERR_JOB_NOT_FOUND', 'No job or entity %s', 404)
export const JobNotWaitingError = createError<[string, string]>(
  'JQ_ERR_JOB_NOT_WAITING', 'Job %s is %s; only a queued or scheduled job can change this way', 409)
export const JobProcessingError = createError<[string]>(
  'JQ_ERR_JOB_PROCESSING', 'Job %s is being processed and cannot be changed now', 409)
export const JobNotFailedError = createError<[string, string]>(
  'JQ_ERR_JOB_NOT_FAILED', 'Job %s is %s; only a failed job can be retried', 409)
export const EntityBusyError = createError<[string, string]>(
  'JQ_ERR_ENTITY_BUSY', 'Entity %s already has an active job %s', 409)
export const NoHandlerError = createError<[string]>(
  'JQ_ERR_NO_HANDLER', 'task: no handler named %s is registered in this queue (register it with PUT .../handlers/{name} first)', 422)
export const HandlerNotFoundError = createError<[string]>('JQ_ERR_HANDLER_NOT_FOUND', 'No handler named %s', 404)
export const QueueNotFoundError = createError<[string]>(
  'JQ_ERR_QUEUE_NOT_FOUND', 'queue: no queue named %s (a queue comes into being with its first handler)', 404)
export const LeaseLostError = createError<[string]>(
  'JQ_ERR_LEASE_LOST', 'The lease on job %s is no longer held by this worker', 409)
export const InvalidHandlerUrlError = createError<[string]>(
  'JQ_ERR_INVALID_HANDLER_URL', 'body.url: %s is not an http(s) URL with a valid host and port', 400)
export const HandlerHostNotAllowedError = createError<[string]>(
  'JQ_ERR_HANDLER_HOST_NOT_ALLOWED', 'body.url: host %s is not allowed by JOBQ_HANDLER_HOSTS', 400)
export const BurstWithoutRateError = createError(
  'JQ_ERR_BURST_WITHOUT_RATE', 'body.burst: a burst needs rate_per_second (the rate it is a burst of)', 400)
export const MissingCallbackTokenError = createError(
  'JQ_ERR_CALLBACK_TOKEN_MISSING', 'jobq-callback-token: this route takes the callback token the job\'s callback carried, in the jobq-callback-token header', 401)
export const InvalidCallbackTokenError = createError<[string]>(
  'JQ_ERR_CALLBACK_TOKEN_INVALID', 'jobq-callback-token: not a callback token of job %s', 403)
export const StaleCallbackTokenError = createError<[string, string]>(
  'JQ_ERR_CALLBACK_TOKEN_STALE', 'jobq-callback-token: the token is of an attempt of job %s that is no longer under way (the job is %s)', 409)
export const LimitExceededError = createError<[string]>('JQ_ERR_LIMIT_EXCEEDED', '%s', 400)
export const NestedTooDeepError = createError<[string, number]>(
  'JQ_ERR_NESTED_TOO_DEEP', '%s: nests arrays and objects more than %d levels deep (JOBQ_MAX_JSON_DEPTH)', 400)
export const InvalidCursorError = createError(
  'JQ_ERR_INVALID_CURSOR', 'cursor: not a cursor this API returned', 400)
export const QueueFormatError = createError<[string, string]>('JQ_ERR_QUEUE_FORMAT',
  'Queue %s holds data %s: finish its jobs with the version that wrote them, ' +
  'or delete the queue\'s keys (jobq:{<queue>}:*), or use another JOBQ_QUEUE', 500)
/** QueueFormatError for a queue whose format mark (null: none, on data) is not `ours`. */
export function queueFormatError (queue: string, stored: string | null, ours: string): Error {
  return new QueueFormatError(queue, stored === null
    ? 'with no format mark (written by a JobQ from before 2026-11-29), which this JobQ cannot read'
    : `in format ${stored}, and this JobQ reads format ${ours}`)
}
export const RedisUnavailableError = createError<[string]>(
  'JQ_ERR_REDIS_UNAVAILABLE', 'The queue store is unavailable: %s', 503)
/** JOBQ_WAIT_REPLICAS: the write ran on the master, but too few replicas confirmed it in time. */
export const NotReplicatedError = createError<[number, number, number]>('JQ_ERR_NOT_REPLICATED',
  'The write reached Redis but %d of the %d replicas required confirmed it within %d ms, so it could ' +
  'still be lost in a failover. It may have taken effect (the job may exist): sending the same request ' +
  'again is safe, as entity deduplication answers it', 503)

/** Negative codes the Lua scripts return for expected failures (see each script's header). */
export const ScriptCode = {
  NotFound: -1,
  LeaseLost: -2,
  NotWaiting: -3,
  NoHandler: -4,
  EntityBusy: -5,
  NotFailed: -6,
  UnreadableData: -7,
  StaleAttempt: -8
} as const

/** The job a script named beside its code, when it named one. */
interface NamedJob { job_id: string, entity_id: string, status: string }

/**
 * The one place that turns a script's negative code into an error. An error about a job the script
 * named carries its `job_id`, which the API puts in the error body.
 */
export function errorFromScriptCode (code: number, ident: string, job?: NamedJob): Error {
  const status = job?.status ?? ''
  const err = fromCode(code, ident, status, job)
  if (job?.job_id) Object.assign(err, { job_id: job.job_id })
  return err
}

function fromCode (code: number, ident: string, status: string, job?: NamedJob): Error {
  switch (code) {
    case ScriptCode.NotFound: return new JobNotFoundError(ident)
    case ScriptCode.LeaseLost: return new LeaseLostError(ident)
    case ScriptCode.NotWaiting:
      return status === 'processing' ? new JobProcessingError(job?.job_id ?? ident) : new JobNotWaitingError(job?.job_id ?? ident, status)
    case ScriptCode.NoHandler: return new NoHandlerError(ident)
    case ScriptCode.NotFailed: return new JobNotFailedError(job?.job_id ?? ident, status)
    case ScriptCode.EntityBusy: return new EntityBusyError(job?.entity_id ?? ident, job?.job_id ?? '')
    case ScriptCode.StaleAttempt: return new StaleCallbackTokenError(job?.job_id ?? ident, status)
    default: return new Error(`unexpected script code ${code} for ${ident}`)
  }
}
