import { RedisUnavailableError } from './errors.js'

/**
 * Sorts what a Redis call threw: connection trouble, timeouts and a full Redis (OOM under
 * noeviction) become JQ_ERR_REDIS_UNAVAILABLE (503); anything else is a bug and passes through.
 */
export function toQueueError (err: unknown): unknown {
  if (!(err instanceof Error)) return err
  if (err.name === 'ReplyError') {
    if (err.message.startsWith('OOM')) return new RedisUnavailableError('Redis is out of memory')
    return err
  }
  return new RedisUnavailableError(err.message)
}
