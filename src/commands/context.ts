import type { Client } from 'openapi-fetch'
import { createClient, type paths } from '../client/index.js'
import type { ClientConfig } from '../config/config.js'
import { CliError, EXIT, exitCodeForStatus } from './exit-codes.js'

/** What every client command gets: the API client, its settings, and how to print. */
export interface Context {
  api: Client<paths>
  config: ClientConfig
  /** --json: print the API's JSON instead of tables. */
  json: boolean
  /**
   * --queue: the named queue the command is about, through the /queues/{queue}/... routes; undefined
   * for the top-level routes, which serve the API's default queue (its JOBQ_QUEUE).
   */
  queue?: string
  /** Where output goes; process.stdout outside tests. */
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  /** Calls the API once, with the client timeout; see `call`. */
  call: <T>(what: string, run: (init: { signal: AbortSignal }) => Promise<ApiResult<T>>, signal?: AbortSignal, waitMs?: number) => Promise<{ data: T, status: number }>
}

/** A route as messages name it: `/jobs/user-42`, or `/queues/emails/jobs/user-42` with --queue emails. */
export function route (ctx: Context, path: string): string {
  return ctx.queue === undefined ? path : `/queues/${ctx.queue}${path}`
}

/** The part of an openapi-fetch answer the commands read. */
export interface ApiResult<T> {
  data?: T
  error?: unknown
  response: Response
}

export function createContext (config: ClientConfig, json: boolean, queue?: string): Context {
  const api = createClient({ baseUrl: config.url, apiKey: config.apiKey || undefined })
  return {
    api,
    config,
    json,
    queue,
    stdout: process.stdout,
    stderr: process.stderr,
    call: (what, run, signal, waitMs) => call(config, what, run, signal, waitMs)
  }
}

/**
 * Runs one API call and turns every way it can go wrong into a CliError with the exit status that
 * says what happened: the API's error status (404 → 3, 409 → 4, 401/403 → 6, ...), or 5 when the
 * API cannot be reached or does not answer within JOBQ_CLIENT_TIMEOUT_MS. `what` names the call in
 * messages ("GET /jobs/user-42"). An abort through `signal` (Ctrl-C in `queue --watch`) is rethrown
 * as is. `waitMs`: how long the API itself is asked to wait (?wait_ms=), on top of the client timeout.
 */
async function call<T> (config: ClientConfig, what: string, run: (init: { signal: AbortSignal }) => Promise<ApiResult<T>>,
  stop?: AbortSignal, waitMs = 0): Promise<{ data: T, status: number }> {
  const timeout = AbortSignal.timeout(config.clientTimeoutMs + waitMs)
  const signal = stop ? AbortSignal.any([timeout, stop]) : timeout
  let result: ApiResult<T>
  try {
    result = await run({ signal })
  } catch (err) {
    if (stop?.aborted) throw err
    throw failure(config, what, err)
  }
  const { data, error, response } = result
  if (response.ok) return { data: data as T, status: response.status }
  throw new CliError(`${errorMessage(error, response)} (${response.status} from ${what})`,
    exitCodeForStatus(response.status), typeof error === 'object' && error !== null ? error : undefined)
}

/** The API's message from its error body `{statusCode, error, message}`, or what the body holds. */
function errorMessage (error: unknown, response: Response): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    let message = (error as { message: string }).message
    if (response.status === 401) message += '; set JOBQ_API_KEY or --api-key'
    if (response.status === 429 && response.headers.get('retry-after')) message += `; retry after ${response.headers.get('retry-after')} s`
    return message
  }
  const text = typeof error === 'string' ? error.trim().slice(0, 200) : ''
  return text ? `the API answered: ${text}` : 'the API answered with an error and no message'
}

/** A failure before the API answered (or while reading its answer). */
function failure (config: ClientConfig, what: string, err: unknown): CliError {
  const where = `the API at ${config.url}`
  const e = err as Error & { cause?: { code?: string, message?: string } }
  if (e?.name === 'TimeoutError') {
    return new CliError(`cannot reach ${where}: no answer within ${config.clientTimeoutMs} ms (${what}; JOBQ_CLIENT_TIMEOUT_MS)`, EXIT.unreachable)
  }
  if (e instanceof TypeError && e.message === 'fetch failed') {
    const code = e.cause?.code
    const reason = code === 'ECONNREFUSED'
      ? 'connection refused; is `jobq api` running there? (JOBQ_URL, --url)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'unknown host (JOBQ_URL, --url)'
        : (e.cause?.message ?? 'the connection failed')
    return new CliError(`cannot reach ${where}: ${reason}`, EXIT.unreachable)
  }
  if (e instanceof SyntaxError) {
    return new CliError(`${what}: the answer from ${where} is not JSON; is JOBQ_URL a JobQ API?`, EXIT.failed)
  }
  return new CliError(`${what} to ${where} failed: ${e?.message ?? String(err)}`, EXIT.failed)
}
