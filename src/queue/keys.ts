/**
 * The only place Redis key names are built. Every key of a queue carries the queue's hash tag,
 * so the whole queue lives in one Redis Cluster slot and each Lua script touches a single slot.
 */
export interface QueueKeys {
  /**
   * ZSET of every queued job in formats 1 and 2 of the data. Format 3 keeps queued jobs only in
   * their handlers' ready sets (lua/includes/flow.lua); checkFormat's upgrade deletes this one.
   */
  queuedBeforeFormat3: string
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
  /**
   * Not a key: the Pub/Sub channel the scripts publish to when the queue has news for idle workers
   * (a first job, a retry due sooner). It carries the queue's hash tag like the keys, so the scripts
   * could move to sharded Pub/Sub (SPUBLISH) without another name.
   */
  wake: string
  handlers: string
  stats: string
  /** Present while the queue is paused (lua/pauseQueue-2.lua). */
  paused: string
  /**
   * Not a key: the prefix of each handler's own ready zset (`ready:<task>`, lua/includes/flow.lua).
   * Scripts append the handler's name; readyKey() builds one here.
   */
  ready: string
  /** ZSET of the handlers that may be dispatched to now, scored by their first ready job. */
  heads: string
  /** ZSET of the handlers held by their rate limit, scored by when they may start the next job. */
  throttled: string
  /** HASH of each handler's limits, holds, in-flight and scheduled counts (lua/includes/flow.lua). */
  flow: string
  /** STREAM of every job state change (GET /events), trimmed to JOBQ_EVENTS_RETENTION entries. */
  events: string
  /**
   * ZSET of the workers waiting on their pickup list for a job (lua/includes/pickup.lua), scored by
   * when that registration lapses (ms).
   */
  idle: string
  /**
   * Not a key: the prefix of each worker's pickup list (`pickup:<worker id>`), where a script that
   * makes a job ready pushes the job it claimed for that idle worker; pickupKey() builds one here.
   */
  pickup: string
  /** STRING: the random key callback tokens are signed with (src/queue/callback-token.ts). */
  callbackKey: string
  /** HASH of the queue's recurring schedules: name -> JSON (src/queue/schedule-store.ts). */
  schedules: string
  /** ZSET of the schedules that are not paused, scored by their next tick (ms): what workers wait for. */
  ticks: string
  /** Prefix of the per-caller counters of @fastify/rate-limit. */
  rateLimitPrefix: string
}

export function queueKeys (queue: string, prefix = 'jobq'): QueueKeys {
  const tag = `${prefix}:{${queue}}:`
  return {
    queuedBeforeFormat3: tag + 'queued',
    processing: tag + 'processing',
    scheduled: tag + 'scheduled',
    completed: tag + 'completed',
    failed: tag + 'failed',
    cancelled: tag + 'cancelled',
    jobs: tag + 'jobs',
    entities: tag + 'entities',
    seq: tag + 'seq',
    format: tag + 'format',
    wake: tag + 'wake',
    handlers: tag + 'handlers',
    stats: tag + 'stats',
    paused: tag + 'paused',
    ready: tag + 'ready:',
    heads: tag + 'heads',
    throttled: tag + 'throttled',
    flow: tag + 'flow',
    events: tag + 'events',
    idle: tag + 'idle',
    pickup: tag + 'pickup:',
    callbackKey: tag + 'callback-key',
    schedules: tag + 'schedules',
    ticks: tag + 'ticks',
    rateLimitPrefix: tag + 'ratelimit:'
  }
}

/** The ready zset of one handler's jobs. */
export function readyKey (keys: QueueKeys, task: string): string {
  return keys.ready + task
}

/** The pickup list of one worker: jobs claimed for it while it waited, as lua/includes/pickup.lua writes them. */
export function pickupKey (keys: QueueKeys, workerId: string): string {
  return keys.pickup + workerId
}

/** The keys of direct delivery to idle workers (lua/includes/pickup.lua), in the scripts' order. */
export function pickupKeys (keys: QueueKeys): string[] {
  return [keys.idle, keys.pickup]
}

/** The keys every script that moves jobs in or out of the queue reads flow control from, in order. */
export function flowKeys (keys: QueueKeys): string[] {
  return [keys.ready, keys.heads, keys.throttled, keys.flow]
}

/** The keys the script that enqueues a schedule's tick shares with enqueueJobs, in that script's order. */
export function enqueueKeys (keys: QueueKeys): string[] {
  return [keys.jobs, keys.entities, keys.seq, keys.wake, keys.handlers, keys.format, keys.scheduled,
    ...flowKeys(keys), keys.events, keys.processing, keys.stats, keys.paused, ...pickupKeys(keys)]
}

/** Queue names: 1-64 of A-Z a-z 0-9 _ . - (so a name never holds the `}` that would end its hash tag). */
export const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,64}$/

/** Keys of the deployment rather than of one queue. */
export interface GlobalKeys {
  /** SET of every queue's name: a queue is added when its first handler is registered. */
  queues: string
  /** The pattern of every queue's wake channel, for workers that serve every queue. */
  wakePattern: string
}

export function globalKeys (prefix = 'jobq'): GlobalKeys {
  return { queues: `${prefix}:queues`, wakePattern: `${prefix}:{*}:wake` }
}

/** The queue whose wake channel this is, or null for another channel. */
export function queueOfWakeChannel (channel: string, prefix = 'jobq'): string | null {
  const start = prefix.length + 2
  if (!channel.startsWith(prefix + ':{') || !channel.endsWith('}:wake')) return null
  const name = channel.slice(start, -6)
  return QUEUE_NAME.test(name) ? name : null
}
