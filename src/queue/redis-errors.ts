import { RedisUnavailableError } from './errors.js'

/**
 * Replies that say Redis cannot serve the command now but will: a cluster slot without a master
 * (CLUSTERDOWN), a slot moving (TRYAGAIN, or MOVED and ASK past the client's redirections), a write reaching a node that was demoted to replica
 * (READONLY) or a replica that lost its master (MASTERDOWN), a server still loading its data.
 */
const TRANSIENT_REPLY = /^(CLUSTERDOWN|TRYAGAIN|MOVED|ASK|READONLY|MASTERDOWN|LOADING)\b/

/**
 * Sorts what a Redis call threw: connection trouble, timeouts, failovers under way and a full Redis
 * (OOM under noeviction) become JQ_ERR_REDIS_UNAVAILABLE (503); anything else is a bug and passes
 * through. A queue error (already sorted) passes through as it is.
 */
export function toQueueError (err: unknown): unknown {
  if (!(err instanceof Error)) return err
  if ((err as { code?: string }).code?.startsWith('JQ_ERR_')) return err
  if (err.name === 'ReplyError') {
    if (err.message.startsWith('OOM')) return new RedisUnavailableError('Redis is out of memory')
    if (TRANSIENT_REPLY.test(err.message)) return new RedisUnavailableError(err.message.split('\n')[0])
    return err
  }
  return new RedisUnavailableError(err.message)
}

/** Errors after which the same write may be sent again: Redis away, or a write not yet replicated. */
export function isRetryable (err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return code === 'JQ_ERR_REDIS_UNAVAILABLE' || code === 'JQ_ERR_NOT_REPLICATED'
}
