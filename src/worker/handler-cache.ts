import type { Handler, HandlerStore } from '../queue/handler-store.js'

/**
 * Handlers as the worker sees them: read from Redis at most once per `ttlMs` per name, so a busy
 * worker does not fetch a handler per job, and an update (new URL, rotated secret) lands within ttlMs.
 */
export class HandlerCache {
  private readonly entries = new Map<string, { at: number, handler: Promise<Handler | null> }>()

  constructor (private readonly store: HandlerStore, private readonly ttlMs = 2000) {}

  get (name: string): Promise<Handler | null> {
    const now = Date.now()
    const entry = this.entries.get(name)
    if (entry && now - entry.at < this.ttlMs) return entry.handler
    const handler = this.store.read(name)
    this.entries.set(name, { at: now, handler })
    // A failed read must not be cached: the next job asks Redis again.
    handler.catch(() => this.entries.delete(name))
    return handler
  }
}

/** The secrets to sign with now: the current one and any rotated-out one still in its grace period. */
export function activeSecrets (handler: Handler, now = Date.now()): string[] {
  return handler.secrets.filter((s) => s.expires_at === null || s.expires_at > now).map((s) => s.secret)
}
