import { request, type Dispatcher } from 'undici'
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
  /**
   * The attempt's controller: others abort it for a lost lease or a shutdown (the reason becomes the
   * error), and dispatchJob aborts it when the handler's timeout_ms runs out.
   */
  controller?: AbortController
}

/** The abort reason of an attempt that ran out of its handler's timeout_ms. */
export const TIMED_OUT = new Error('timeout_ms elapsed')

// 408, 409, 425 and 429 say "not now" rather than "never"; other 4xx will fail again the same way.
const RETRYABLE_4XX = new Set([408, 409, 425, 429])

/** The callback body, built around the stored JSON text so the caller's args are never re-parsed. */
export function callbackBody (job: JobRecord): string {
  return `{"job_id":${JSON.stringify(job.job_id)},"entity_id":${JSON.stringify(job.entity_id)},` +
    `"task":${JSON.stringify(job.task)},"args":${job.args},"kwargs":${job.kwargs},` +
    `"priority":${job.priority},"attempt":${job.attempts},"metadata":${job.metadata}}`
}

/** Headers of one attempt: Standard Webhooks signature plus plain jobq-* headers. */
export function callbackHeaders (job: JobRecord, secrets: string[], body: string, userAgent: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000)
  return {
    'content-type': 'application/json',
    'user-agent': userAgent,
    'webhook-id': job.job_id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secrets, job.job_id, timestamp, body),
    'jobq-job-id': job.job_id,
    // Header values must be Latin-1; an entity_id may be any Unicode, so it travels percent-encoded.
    'jobq-entity-id': encodeURIComponent(job.entity_id),
    'jobq-attempt': String(job.attempts),
    'jobq-priority': String(job.priority)
  }
}

/**
 * POSTs one attempt of a job to its handler and classifies the answer. Never throws for what a
 * handler or the network can do: 2xx completes, 3xx (never followed), 408/409/425/429, 5xx,
 * connection errors and the handler's timeout are retryable, any other 4xx fails the job at once.
 */
export async function dispatchJob (job: JobRecord, handler: Handler, secrets: string[], options: DispatchOptions): Promise<DispatchResult> {
  const body = callbackBody(job)
  // One controller and one timer per attempt: AbortSignal.timeout plus AbortSignal.any cost about
  // 8% of a worker's CPU per job (measured with bench --profile on Node 20).
  const controller = options.controller ?? new AbortController()
  const { signal } = controller
  const timer = setTimeout(() => controller.abort(TIMED_OUT), handler.timeout_ms)
  try {
    const response = await request(handler.url, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: callbackHeaders(job, secrets, body, options.userAgent),
      body,
      signal,
      headersTimeout: handler.timeout_ms,
      bodyTimeout: handler.timeout_ms
    })
    const { statusCode } = response
    if (statusCode >= 200 && statusCode < 300) {
      return { outcome: 'completed', statusCode, result: await readResult(response, options.resultLimit) }
    }
    const text = await readText(response.body, 512, true)
    const error = `handler answered ${statusCode}${text ? ': ' + text : ''}`
    if (statusCode >= 400 && statusCode < 500 && !RETRYABLE_4XX.has(statusCode)) {
      return { outcome: 'failed', statusCode, error }
    }
    return { outcome: 'retry', statusCode, error, retryAfterMs: parseRetryAfter(response.headers['retry-after']) }
  } catch (err) {
    const e = err as Error & { code?: string }
    const why = signal.reason === TIMED_OUT
      ? `no answer within timeout_ms ${handler.timeout_ms}`
      : signal.aborted ? `aborted: ${String(signal.reason?.message ?? signal.reason)}` : `${e.code ?? e.name}: ${e.message}`
    return { outcome: 'retry', error: `request failed: ${why}`, retryAfterMs: null }
  } finally {
    clearTimeout(timer)
  }
}

/** A JSON answer up to the size cap is kept as the job's result; anything else is dropped. */
async function readResult (response: Dispatcher.ResponseData, limit: number): Promise<string | null> {
  const type = String(response.headers['content-type'] ?? '')
  const length = Number(response.headers['content-length'] ?? NaN)
  if (!type.includes('json') || limit === 0 || length > limit) {
    await response.body.dump()
    return null
  }
  const text = await readText(response.body, limit)
  if (text === null || text === '') return null
  try {
    JSON.parse(text)
    return text
  } catch {
    return null
  }
}

/** Reads at most `limit` bytes; past that the rest is dumped and the text is null, or cut when `truncate`. */
async function readText (body: Dispatcher.ResponseData['body'], limit: number, truncate = false): Promise<string | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    chunks.push(chunk)
    if (size > limit) {
      await body.dump()
      return truncate ? Buffer.concat(chunks).subarray(0, limit).toString('utf8') + '...' : null
    }
  }
  return Buffer.concat(chunks).toString('utf8')
}
