import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { RedisClient } from './redis.js'

/**
 * Callback tokens (issue 14): what lets a handler heartbeat, report progress, complete or fail the
 * attempt it was sent, and nothing else. A token is `<claim counter>.<MAC>`: the counter names the
 * attempt (every claim of the queue gets the next one, see lua/completeAndClaim), and the MAC, an
 * HMAC-SHA256 of the job id and counter under a random key the queue keeps in Redis, binds it to
 * that job. So a token is checked without storing it: a MAC that does not match is a token of
 * another job or a made-up one (403), and a genuine token whose counter is not the lease's is an
 * older attempt's (409).
 */
export class CallbackTokens {
  private key: Promise<Buffer> | null = null

  constructor (private readonly redis: RedisClient, private readonly keyName: string) {}

  /** The token of the attempt whose lease is `lease` (`<worker>:<attempt>:<counter>`). */
  async tokenFor (jobId: string, lease: string): Promise<string> {
    const counter = lease.slice(lease.lastIndexOf(':') + 1)
    return `${counter}.${mac(await this.secret(), jobId, counter)}`
  }

  /** The claim counter a genuine token of this job names, or null for any other string. */
  async verify (jobId: string, token: string): Promise<string | null> {
    const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token)
    if (!match) return null
    const expected = Buffer.from(mac(await this.secret(), jobId, match[1]))
    const given = Buffer.from(match[2])
    return given.length === expected.length && timingSafeEqual(given, expected) ? match[1] : null
  }

  /** Reads (or makes) the key ahead of the first callback: processes call this at start. */
  async prepare (): Promise<void> {
    await this.secret()
  }

  /**
   * The queue's key: made once by whichever process asks first (SET NX), then read by all. Read
   * first, written only when missing: Redis refuses every SET while it is out of memory, even one
   * that would change nothing, and a worker must still be able to run the jobs it claims then.
   */
  private async secret (): Promise<Buffer> {
    this.key ??= (async () => {
      let stored = await this.redis.get(this.keyName)
      if (!stored) {
        await this.redis.set(this.keyName, randomBytes(32).toString('base64'), 'NX')
        stored = await this.redis.get(this.keyName)
      }
      if (!stored) throw new Error(`${this.keyName} is missing`)
      return Buffer.from(stored, 'base64')
    })()
    // A failed read (Redis away) is not kept: the next call asks again.
    this.key.catch(() => { this.key = null })
    return await this.key
  }
}

function mac (key: Buffer, jobId: string, counter: string): string {
  return createHmac('sha256', key).update(`${jobId}:${counter}`).digest('base64url')
}
