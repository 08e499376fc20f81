import { randomBytes } from 'node:crypto'
import createError from '@fastify/error'
import type { RedisClient } from './redis.js'
import { flowKeys, readyKey, type QueueKeys } from './keys.js'
import { toQueueError } from './redis-errors.js'

export interface HandlerSettings {
  url: string
  timeout_ms: number
  max_attempts: number
  backoff_ms: number
  /** Callbacks of this handler in flight at once, over every worker; null: no limit. */
  max_concurrency: number | null
  /** Callbacks started per second on average, over every worker; null: no limit. */
  rate_per_second: number | null
  /** Callbacks the rate lets start at once from rest; null: the rate rounded up. */
  burst: number | null
  /** May answer 202 and finish the job later through the API with its callback token (issue 14). */
  async: boolean
  /** The lease of a job the handler took with 202, unless the 202 or a heartbeat says otherwise. */
  async_lease_ms: number
}

/**
 * Headers sent with every callback of a handler (`authorization`, `x-api-key`, a tenant id), by
 * lower-cased name. Their values are secrets, kept like the signing secret: only the worker sends them.
 */
export type CallbackHeaders = Record<string, string>

export interface SigningSecret {
  secret: string
  /** When a rotated-out secret stops being sent (ms), null for the current one. */
  expires_at: number | null
}

/** A handler as stored; its secrets never leave the process except once, on creation. */
export interface Handler extends HandlerSettings {
  name: string
  secrets: SigningSecret[]
  headers: CallbackHeaders
  created_at: number
  updated_at: number
  /** No job of the handler is claimed while paused (POST /handlers/{name}/pause). */
  paused: boolean
}

/** How many of a handler's jobs are in each state now. */
export interface HandlerCounts {
  queued: number
  scheduled: number
  in_flight: number
  /** What keeps its queued jobs from being dispatched now, if anything (for metrics; not in the API view). */
  held: 'paused' | 'concurrency' | 'rate' | null
}

export type HandlerWithCounts = Handler & { counts: HandlerCounts }

export const HANDLER_DEFAULTS = {
  timeout_ms: 30_000,
  max_attempts: 5,
  backoff_ms: 1000,
  max_concurrency: null,
  rate_per_second: null,
  burst: null,
  async: false,
  async_lease_ms: 300_000
}

/** A signing secret in the Standard Webhooks form: `whsec_` and base64 of 32 random bytes. */
export function newSigningSecret (): string {
  return 'whsec_' + randomBytes(32).toString('base64')
}

export const MAX_CALLBACK_HEADERS = 20
export const MAX_CALLBACK_HEADER_VALUE = 4096
export const MAX_CALLBACK_HEADER_NAME = 256
/** HTTP's token characters (RFC 9110 §5.6.2), the only ones a header name may hold. */
export const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
/** Tabs, spaces, visible ASCII and Latin-1 (obs-text): what undici sends; never CR or LF. */
export const HEADER_VALUE_PATTERN = '^[\\t\\x20-\\x7e\\x80-\\xff]*$'
const headerName = new RegExp(HEADER_NAME_PATTERN)
const headerValue = new RegExp(HEADER_VALUE_PATTERN)

/** Headers JobQ sets on every callback itself: content-*, host, user-agent, webhook-*, jobq-*. */
const OURS = /^(?:content-type|content-length|content-encoding|host|user-agent|webhook-.*|jobq-.*)$/
/** Hop-by-hop headers and the like: undici refuses them, or they would break the request. */
const HOP_BY_HOP = /^(?:connection|keep-alive|transfer-encoding|upgrade|te|trailer|expect|proxy-.*)$/

/** A callback header a handler cannot have; the message names it, never its value. */
export const InvalidHandlerHeaderError = createError<[string]>('JQ_ERR_INVALID_HANDLER_HEADER', '%s', 400)

/**
 * Callback headers as a handler stores them, names lower-cased. Throws InvalidHandlerHeaderError
 * for anything the worker could not send, or must not: a handler is never stored that it cannot call.
 * Values that are not strings are left to the schema's own message.
 */
export function normalizeCallbackHeaders (headers: Record<string, unknown>): CallbackHeaders {
  const entries = Object.entries(headers)
  if (entries.length > MAX_CALLBACK_HEADERS) {
    throw new InvalidHandlerHeaderError(`body.headers: at most ${MAX_CALLBACK_HEADERS} headers, not ${entries.length}`)
  }
  const seen = new Map<string, string>()
  const normalized: Array<[string, string]> = []
  for (const [name, value] of entries) {
    const valid = headerName.test(name) && name.length <= MAX_CALLBACK_HEADER_NAME
    const field = valid ? `body.headers.${name}` : `body.headers (key ${JSON.stringify(name.slice(0, MAX_CALLBACK_HEADER_NAME))})`
    const fail = (why: string) => new InvalidHandlerHeaderError(`${field}: ${why}`)
    if (!valid) throw fail(`not a header name (1 to ${MAX_CALLBACK_HEADER_NAME} letters, digits and !#$%&'*+-.^_\`|~)`)
    const lower = name.toLowerCase()
    if (OURS.test(lower)) throw fail('JobQ sets this header itself (content-type, content-length, content-encoding, host, user-agent, webhook-*, jobq-*)')
    if (HOP_BY_HOP.test(lower)) throw fail('a hop-by-hop header the HTTP client manages (connection, keep-alive, transfer-encoding, upgrade, te, trailer, expect, proxy-*)')
    const twin = seen.get(lower)
    if (twin !== undefined) throw fail(`given twice, also as ${twin} (header names are case-insensitive)`)
    seen.set(lower, name)
    if (typeof value !== 'string') continue
    // The value is a secret: the message says what is wrong with it, never what it is.
    if (value.length > MAX_CALLBACK_HEADER_VALUE) throw fail(`the value is longer than ${MAX_CALLBACK_HEADER_VALUE} characters`)
    if (!headerValue.test(value)) throw fail('the value may hold only visible ASCII or Latin-1 characters, spaces and tabs (no line breaks)')
    normalized.push([lower, value])
  }
  return Object.fromEntries(normalized)
}

/** The registry of handlers a job's task can name, in the queue's `handlers` hash. */
export class HandlerStore {
  constructor (private readonly redis: RedisClient, private readonly keys: QueueKeys, private readonly now = Date.now) {}

  /**
   * Creates (with a fresh secret) or replaces a handler's settings, as PUT does: a setting left out
   * takes its default. The secrets and creation time of an existing handler stay, and so do its
   * callback headers unless `headers` is given (`{}` removes them).
   */
  async put (name: string, settings: Partial<HandlerSettings> & { url: string, headers?: Record<string, string> }):
  Promise<{ created: boolean, handler: HandlerWithCounts }> {
    const { headers, ...rest } = settings
    const full: HandlerSettings = { ...HANDLER_DEFAULTS, ...rest }
    const headersJson = headers === undefined ? '' : JSON.stringify(normalizeCallbackHeaders(headers))
    const reply = await this.call(() => this.redis.putHandler(this.keys.handlers, this.keys.wake, ...flowKeys(this.keys),
      name, JSON.stringify(full), this.now(), newSigningSecret(), headersJson)) as [number, string]
    const [handler] = await this.withCounts([withDefaults(JSON.parse(reply[1]))])
    return { created: reply[0] === 1, handler }
  }

  /**
   * Pauses (true) or resumes a handler: paused, none of its jobs is claimed, while its callbacks in
   * flight finish and jobs of other handlers go on. Null when there is no such handler.
   */
  async setPaused (name: string, paused: boolean): Promise<HandlerWithCounts | null> {
    const raw = await this.call(() => this.redis.pauseHandler(this.keys.handlers, this.keys.wake, ...flowKeys(this.keys),
      name, paused ? '1' : '0', this.now())) as string | null
    if (raw === null) return null
    return (await this.withCounts([withDefaults(JSON.parse(raw))]))[0]
  }

  /** A new current secret; the old ones are still sent for `graceMs`. Null when there is no such handler. */
  async rotateSecret (name: string, graceMs: number): Promise<HandlerWithCounts | null> {
    const raw = await this.call(() => this.redis.rotateSecret(this.keys.handlers, name, newSigningSecret(), this.now(), graceMs)) as string | null
    return raw === null ? null : (await this.withCounts([withDefaults(JSON.parse(raw))]))[0]
  }

  /** The handler as stored, without counts: what a worker needs to call it. */
  async read (name: string): Promise<Handler | null> {
    const raw = await this.call(() => this.redis.hget(this.keys.handlers, name)) as string | null
    return raw === null ? null : withDefaults(JSON.parse(raw))
  }

  async get (name: string): Promise<HandlerWithCounts | null> {
    const handler = await this.read(name)
    return handler === null ? null : (await this.withCounts([handler]))[0]
  }

  async list (): Promise<HandlerWithCounts[]> {
    const all = await this.call(() => this.redis.hgetall(this.keys.handlers)) as Record<string, string>
    const handlers = Object.values(all).map((raw) => withDefaults(JSON.parse(raw))).sort((a, b) => a.name.localeCompare(b.name))
    return await this.withCounts(handlers)
  }

  /**
   * Returns false when there was no such handler. Its limits and pause go with it; jobs still
   * naming it fail when dispatched.
   */
  async delete (name: string): Promise<boolean> {
    return await this.call(() => this.redis.deleteHandler(this.keys.handlers, ...flowKeys(this.keys), this.keys.wake, name)) === 1
  }

  /**
   * Each handler with how many of its jobs are queued, scheduled and in flight now: one pipeline
   * (every key is in the queue's slot), read at one moment per key rather than in one atomic step,
   * as counts that change every millisecond are anyway.
   */
  private async withCounts (handlers: Handler[]): Promise<HandlerWithCounts[]> {
    if (handlers.length === 0) return []
    const k = this.keys
    const fields = handlers.flatMap((h) => [`scheduled:${h.name}`, `inflight:${h.name}`, `held:${h.name}`])
    const pipeline = this.redis.pipeline().hmget(k.flow, ...fields)
    for (const h of handlers) pipeline.zcard(readyKey(k, h.name))
    const replies = await this.call(async () => await pipeline.exec()) as Array<[Error | null, unknown]>
    const failed = replies.find(([err]) => err)
    if (failed) throw toQueueError(failed[0])
    const counts = replies[0][1] as Array<string | null>
    return handlers.map((h, i) => ({
      ...h,
      counts: {
        queued: replies[i + 1][1] as number,
        scheduled: Number(counts[3 * i] ?? 0),
        in_flight: Number(counts[3 * i + 1] ?? 0),
        held: counts[3 * i + 2] as HandlerCounts['held']
      }
    }))
  }

  private async call (run: () => Promise<unknown>): Promise<unknown> {
    try {
      return await run()
    } catch (err) {
      throw toQueueError(err)
    }
  }
}

function withDefaults (stored: Partial<Handler>): Handler {
  // Lua's cjson writes a missing expiry as false; the rest of the code knows only null.
  const secrets = (stored.secrets ?? []).map((s) => ({ secret: s.secret, expires_at: s.expires_at || null }))
  return { ...HANDLER_DEFAULTS, ...stored, secrets, headers: stored.headers ?? {}, paused: stored.paused === true } as Handler
}
