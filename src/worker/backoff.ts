/** Longest wait before a retry, whatever the handler's backoff or Retry-After asks. */
export const MAX_RETRY_DELAY_MS = 3_600_000

/**
 * Delay before attempt `attempt + 1`: exponential from `backoffMs`, with "equal jitter" (half fixed,
 * half random) so a burst of failures does not retry in lockstep, capped. A handler's Retry-After
 * wins when it asks for longer.
 */
export function nextAttemptDelay (attempt: number, backoffMs: number, retryAfterMs: number | null = null, random = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, backoffMs * 2 ** Math.max(0, attempt - 1))
  const jittered = exponential / 2 + random() * (exponential / 2)
  return Math.round(Math.min(MAX_RETRY_DELAY_MS, Math.max(jittered, retryAfterMs ?? 0)))
}

/** Parses Retry-After: delta seconds or an HTTP date. Null when absent or unreadable. */
export function parseRetryAfter (value: string | string[] | undefined, now = Date.now()): number | null {
  const raw = Array.isArray(value) ? value[0] : value
  if (!raw) return null
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000
  const at = Date.parse(raw)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}
