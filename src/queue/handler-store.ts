import { randomBytes } from 'node:crypto'
import type { RedisClient } from './redis.js'
import type { QueueKeys } from './keys.js'
import { toQueueError } from './redis-errors.js'

export interface HandlerSettings {
  url: string
  timeout_ms: number
  max_attempts: number
  backoff_ms: number
}

export interface SigningSecret {
  secret: string
  /** When a rotated-out secret stops being sent (ms), null for the current one. */
  expires_at: number | null
}

/** A handler as stored; its secrets never leave the process except once, on creation. */
export interface Handler extends HandlerSettings {
  name: string
  secrets: SigningSecret[]
  created_at: number
  updated_at: number
}

export const HANDLER_DEFAULTS = { timeout_ms: 30_000, max_attempts: 5, backoff_ms: 1000 }

/** A signing secret in the Standard Webhooks form: `whsec_` and base64 of 32 random bytes. */
export function newSigningSecret (): string {
  return 'whsec_' + randomBytes(32).toString('base64')
}

/** The registry of handlers a job's task can name, in the queue's `handlers` hash. */
export class HandlerStore {
  constructor (private readonly redis: RedisClient, private readonly keys: QueueKeys, private readonly now = Date.now) {}

  /**
   * Creates (with a fresh secret) or replaces a handler's settings, as PUT does: a setting left out
   * takes its default. The secrets and creation time of an existing handler stay.
   */
  async put (name: string, settings: Partial<HandlerSettings> & { url: string }): Promise<{ created: boolean, handler: Handler }> {
    const full: HandlerSettings = { ...HANDLER_DEFAULTS, ...settings }
    const reply = await this.call(() => this.redis.putHandler(this.keys.handlers, this.keys.wake, name,
      JSON.stringify(full), this.now(), newSigningSecret())) as [number, string]
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
  return { ...HANDLER_DEFAULTS, ...stored, secrets } as Handler
}
