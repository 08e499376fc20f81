/**
 * The only place Redis key names are built. Every key of a queue carries the queue's hash tag,
 * so the whole queue lives in one Redis Cluster slot and each Lua script touches a single slot.
 */
export interface QueueKeys {
  queued: string
  processing: string
  scheduled: string
  completed: string
  failed: string
  cancelled: string
  jobs: string
  entities: string
  seq: string
  /** The format of the queue's data (lua/includes/job.lua DATA_FORMAT), checked by every process at start. */
  format: string
  marker: string
  handlers: string
  stats: string
  /** Prefix of the per-caller counters of @fastify/rate-limit. */
  rateLimitPrefix: string
}

export function queueKeys (queue: string, prefix = 'jobq'): QueueKeys {
  const tag = `${prefix}:{${queue}}:`
  return {
    queued: tag + 'queued',
    processing: tag + 'processing',
    scheduled: tag + 'scheduled',
    completed: tag + 'completed',
    failed: tag + 'failed',
    cancelled: tag + 'cancelled',
    jobs: tag + 'jobs',
    entities: tag + 'entities',
    seq: tag + 'seq',
    format: tag + 'format',
    marker: tag + 'marker',
    handlers: tag + 'handlers',
    stats: tag + 'stats',
    rateLimitPrefix: tag + 'ratelimit:'
  }
}
