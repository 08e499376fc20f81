import { randomBytes } from 'node:crypto'
import createError from '@fastify/error'
import type { RedisClient } from './redis.js'
import type { QueueKeys } from './keys.js'
import { toQueueError } from './redis-errors.js'

export interface HandlerSettings {
  url: string
  timeout_ms: number
  max_attempts: number
  backoff_ms: number
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
}

export const HANDLER_DEFAULTS = { timeout_ms: 30_000, max_attempts: 5, backoff_ms: 1000 }

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
  Promise<{ created: boolean, handler: Handler }> {
    const { headers, ...rest } = settings
    const full: HandlerSettings = { ...HANDLER_DEFAULTS, ...rest }
    const headersJson = headers === undefined ? '' : JSON.stringify(normalizeCallbackHeaders(headers))
    const reply = await this.call(() => this.redis.putHandler(this.keys.handlers, this.keys.wake, name,
      JSON.stringify(full), this.now(), newSigningSecret(), headersJson)) as [number, string]
    const handler = withDefaults(JSON.parse(reply[1]))
    return { created: reply[0] === 1, handler }
  }

  /** A new current secret; the old ones are still sent for `graceMs`. Null when there is no such handler. */
  async rotateSecret (name: string, graceMs: number): Promise<Handler | null> {
    const raw = await this.call(() => this.redis.rotateSecret(this.keys.handlers, name, newSigningSecret(), this.now(), graceMs)) as string | null
    return raw === null ? null : withDefaults(JSON.parse(raw))
  }

  async get (name: string): Promise<Handler | null> {
    const raw = await this.call(() => this.redis.hget(this.keys.handlers, name)) as string | null
    return raw === null ? null : withDefaults(JSON.parse(raw))
  }

  async list (): Promise<Handler[]> {
    const all = await this.call(() => this.redis.hgetall(this.keys.handlers)) as Record<string, string>
    return Object.values(all).map((raw) => withDefaults(JSON.parse(raw))).sort((a, b) => a.name.localeCompare(b.name))
  }

  /** Returns false when there was no such handler. Jobs still naming it fail when dispatched. */
  async delete (name: string): Promise<boolean> {
    return await this.call(() => this.redis.hdel(this.keys.handlers, name)) === 1
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
  return { ...HANDLER_DEFAULTS, ...stored, secrets, headers: stored.headers ?? {} } as Handler
}
