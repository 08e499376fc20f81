import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import type { JobRecord } from '../queue/job.js'
import type { Handler } from '../queue/handler-store.js'
import { parseRetryAfter } from './backoff.js'
import { signWebhook } from './signature.js'

export type DispatchResult =
  | { outcome: 'completed', statusCode: number, result: string | null }
  | { outcome: 'retry', statusCode?: number, error: string, retryAfterMs: number | null }
  | { outcome: 'failed', statusCode?: number, error: string }

export interface DispatchOptions {
  dispatcher: Dispatcher
  resultLimit: number
  userAgent: string
  /** Where the job comes from: its queue, and the webhook-id handlers deduplicate by. */
  origin?: CallbackOrigin
  /** Lets others stop the attempt early: a lost lease or a shutdown (the reason becomes the error). */
  interrupt?: Interrupt
}

/**
 * How a worker stops an attempt early. Cheaper than an AbortController per callback (one plain
 * object, no event listeners), which measured about 3% of a worker's CPU.
 */
export class Interrupt {
  reason: Error | null = null
  /** Set by the attempt under way. */
  onInterrupt: ((reason: Error) => void) | null = null

  interrupt (reason: Error): void {
    if (this.reason) return
    this.reason = reason
    this.onInterrupt?.(reason)
  }
}

/** The interrupt reason of an attempt that ran out of its handler's timeout_ms. */
export const TIMED_OUT = new Error('timeout_ms elapsed')

// 408, 409, 425 and 429 say "not now" rather than "never"; other 4xx will fail again the same way.
const RETRYABLE_4XX = new Set([408, 409, 425, 429])
/** Bytes of an error answer quoted in last_error. */
const ERROR_TEXT_LIMIT = 512
/** Bytes read and dropped past what is kept before the connection is closed instead (undici's dump() default). */
const DRAIN_LIMIT = 128 * 1024

/** The callback body, built around the stored JSON text so the caller's args are never re-parsed. */
export function callbackBody (job: JobRecord, token: string): string {
  return `{"job_id":${JSON.stringify(job.job_id)},"entity_id":${JSON.stringify(job.entity_id)},` +
    `"task":${JSON.stringify(job.task)},"args":${job.args},"kwargs":${job.kwargs},` +
    `"priority":${job.priority},"attempt":${job.attempts},"metadata":${job.metadata},"callback_token":"${token}"}`
}

/** The queue a callback's job is in, and what its webhook-id starts with. */
export interface CallbackOrigin {
  queue: string
  /**
   * Job ids are unique within a queue only, and receivers drop a webhook-id they have seen: the
   * jobs of other queues than the worker's JOBQ_QUEUE (whose ids stay plain, as before named
   * queues) are sent as `<queue>:<job_id>`, so two queues' jobs never share one.
   */
  idPrefix: string
}

/** The origin of callbacks of `queue` for a worker whose JOBQ_QUEUE is `defaultQueue`. */
export function callbackOrigin (queue: string, defaultQueue: string): CallbackOrigin {
  return { queue, idPrefix: queue === defaultQueue ? '' : queue + ':' }
}

/**
 * Headers of one attempt: the handler's configured ones (`configured`), then Standard Webhooks
 * signature plus plain jobq-* headers, which win over any of the same name (the API refuses those
 * names anyway). The signature covers the id, timestamp and body, not the configured headers.
 */
export function callbackHeaders (job: JobRecord, secrets: string[], body: string, userAgent: string, nowMs = Date.now(),
  origin?: CallbackOrigin, configured?: Record<string, string>, token?: string): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000)
  const webhookId = origin ? origin.idPrefix + job.job_id : job.job_id
  return {
    ...configured,
    'content-type': 'application/json',
    'user-agent': userAgent,
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secrets, webhookId, timestamp, body),
    'jobq-job-id': job.job_id,
    // Header values must be Latin-1; an entity_id may be any Unicode, so it travels percent-encoded.
    'jobq-entity-id': encodeURIComponent(job.entity_id),
    'jobq-attempt': String(job.attempts),
    'jobq-priority': String(job.priority),
    ...(origin ? { 'jobq-queue': origin.queue } : {}),
    // A schedule's tick: which schedule, and which tick (an idempotency key for the handler).
    ...(job.schedule ? { 'jobq-schedule': job.schedule.name, 'jobq-tick': new Date(job.schedule.tick).toISOString() } : {}),
    // The attempt's own credential for POST /jobs/{id}/heartbeat, progress, complete and fail; also
    // in the signed body, so a handler that checks the signature knows it is genuine.
    ...(token ? { 'jobq-callback-token': token } : {})
  }
}

/**
 * POSTs one attempt of a job to its handler and classifies the answer. Never throws for what a
 * handler or the network can do: 2xx completes, 3xx (never followed), 408/409/425/429, 5xx,
 * connection errors and the handler's timeout are retryable, any other 4xx fails the job at once.
 */
export function dispatchJob (job: JobRecord, handler: Handler, secrets: string[], token: string, options: DispatchOptions): Promise<DispatchResult> {
  const body = callbackBody(job, token)
  const { origin, path } = target(handler.url)
  return new Promise((resolve) => {
    const attempt = new Attempt(resolve, options.interrupt ?? new Interrupt(), handler.timeout_ms, options.resultLimit)
    options.dispatcher.dispatch({
      origin,
      path,
      method: 'POST',
      headers: callbackHeaders(job, secrets, body, options.userAgent, Date.now(), options.origin, handler.headers, token),
      body,
      headersTimeout: handler.timeout_ms,
      bodyTimeout: handler.timeout_ms
    }, attempt)
  })
}

const targets = new Map<string, { origin: string, path: string }>()

function target (url: string): { origin: string, path: string } {
  let found = targets.get(url)
  if (!found) {
    if (targets.size >= 1000) targets.clear()
    const parsed = new URL(url)
    found = { origin: parsed.origin, path: parsed.pathname + parsed.search }
    targets.set(url, found)
  }
  return found
}

/**
 * One attempt as undici's dispatch handler: the answer is read straight from the connection, with
 * no response stream, keeping at most the result cap of a 2xx JSON answer or the start of an error
 * answer. One timer per attempt: AbortSignal.timeout plus AbortSignal.any cost about 8% of a
 * worker's CPU per job (measured with bench --profile on Node 20).
 */
class Attempt implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null
  private statusCode = 0
  private headers: IncomingHttpHeaders = {}
  private readonly chunks: Buffer[] = []
  private size = 0
  /** Bytes of the body worth keeping: the result cap, the error quote, or none. */
  private keep = 0
  private settled = false
  private readonly timer: NodeJS.Timeout

  constructor (
    private readonly resolve: (result: DispatchResult) => void,
    private readonly interrupt: Interrupt,
    private readonly timeoutMs: number,
    private readonly resultLimit: number
  ) {
    this.timer = setTimeout(() => interrupt.interrupt(TIMED_OUT), timeoutMs)
    interrupt.onInterrupt = (reason) => this.controller?.abort(reason)
  }

  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.interrupt.reason) controller.abort(this.interrupt.reason)
  }

  onResponseStart (_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.statusCode = statusCode
    this.headers = headers
    if (statusCode < 200 || statusCode >= 300) {
      this.keep = ERROR_TEXT_LIMIT
      return
    }
    // A JSON answer up to the size cap is kept as the job's result; anything else is dropped.
    const json = String(headers['content-type'] ?? '').includes('json')
    this.keep = json && !(Number(headers['content-length'] ?? NaN) > this.resultLimit) ? this.resultLimit : 0
  }

  onResponseData (controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size < this.keep) this.chunks.push(chunk)
    this.size += chunk.length
    if (this.size > this.keep + DRAIN_LIMIT) {
      this.finish(this.answer())
      controller.abort(new Error('answer too long'))
    }
  }

  onResponseEnd (): void {
    this.finish(this.answer())
  }

  onResponseError (_controller: Dispatcher.DispatchController, err: Error & { code?: string }): void {
    const reason = this.interrupt.reason
    const why = reason === TIMED_OUT
      ? `no answer within timeout_ms ${this.timeoutMs}`
      : reason ? `aborted: ${reason.message}` : `${err.code ?? err.name}: ${err.message}`
    this.finish({ outcome: 'retry', error: `request failed: ${why}`, retryAfterMs: null })
  }

  private finish (result: DispatchResult): void {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.timer)
    this.interrupt.onInterrupt = null
    this.resolve(result)
  }

  private answer (): DispatchResult {
    const { statusCode } = this
    const kept = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    if (statusCode >= 200 && statusCode < 300) {
      return { outcome: 'completed', statusCode, result: this.size <= this.keep ? jsonText(kept) : null }
    }
    const text = this.size > this.keep ? kept.subarray(0, this.keep).toString('utf8') + '...' : kept.toString('utf8')
    const error = `handler answered ${statusCode}${text ? ': ' + text : ''}`
    if (statusCode >= 400 && statusCode < 500 && !RETRYABLE_4XX.has(statusCode)) {
      return { outcome: 'failed', statusCode, error }
    }
    return { outcome: 'retry', statusCode, error, retryAfterMs: parseRetryAfter(this.headers['retry-after']) }
  }
}

/** The text of a JSON answer, or null when it is empty or not JSON. */
function jsonText (bytes: Buffer): string | null {
  if (bytes.length === 0) return null
  const text = bytes.toString('utf8')
  try {
    JSON.parse(text)
    return text
  } catch {
    return null
  }
}
