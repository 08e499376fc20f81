import createFetchClient, { type Client, type ClientOptions as FetchClientOptions } from 'openapi-fetch'
import type { components, operations, paths } from './schema.js'

export type { components, operations, paths }
export type Job = components['schemas']['Job']
export type EnqueuedJob = components['schemas']['EnqueuedJob']
export type NewJob = components['schemas']['NewJob']
export type Queue = components['schemas']['Queue']
export type QueueSummary = components['schemas']['QueueSummary']
export type QueueList = components['schemas']['QueueList']
export type Handler = components['schemas']['Handler']
export type ApiError = components['schemas']['Error']

export interface JobqClientOptions extends Omit<FetchClientOptions, 'baseUrl'> {
  /** Where the API is, e.g. http://127.0.0.1:3000. */
  baseUrl: string
  /** A key from JOBQ_API_KEYS or JOBQ_ADMIN_KEYS, sent as a bearer token. */
  apiKey?: string
}

/**
 * A typed client for the JobQ API. Its types are generated from openapi/openapi.json (never written
 * by hand), and calls go through openapi-fetch: `client.POST('/jobs', { body })` returns
 * `{ data, error, response }` typed by route and status.
 */
export function createClient (options: JobqClientOptions): Client<paths> {
  const { apiKey, headers, ...rest } = options
  return createFetchClient<paths>({
    ...rest,
    headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(headers as Record<string, string> | undefined) }
  })
}
