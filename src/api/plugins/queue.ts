import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/config.js'
import { createRedisFor } from '../../queue/redis.js'
import { RedisHealth } from '../../queue/redis-health.js'
import type { JobQueue } from '../../queue/job-queue.js'
import type { HandlerStore } from '../../queue/handler-store.js'
import { queuesFromConfig, type QueueHandle, type Queues } from '../../queue/queues.js'
import { createApiMetrics, type ApiMetrics } from '../../metrics/api-metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Every queue, by name. */
    queues: Queues
    /** The default queue (JOBQ_QUEUE), which the routes without /queues/{queue} serve. */
    defaultQueue: QueueHandle
    jobQueue: JobQueue
    handlerStore: HandlerStore
    metrics: ApiMetrics
  }
}

/**
 * Connects to Redis and decorates the app with the queue and the handler registry. The API starts
 * even while Redis is away: routes answer 503 and /readyz says so until the client reconnects.
 */
export interface QueuePluginOptions {
  config: Config
  /** Told when the queue turns out to hold data this version cannot read after the API started. */
  onFatal?: (err: Error) => void
  /** The queues' clock (ms); Date.now unless a test moves time itself. */
  clock?: () => number
}

async function queuePlugin (app: FastifyInstance, { config, onFatal, clock }: QueuePluginOptions): Promise<void> {
  const redis = createRedisFor(config)
  // Says once that Redis cannot be reached, and how to fix it; the retries below then log at debug.
  const health = new RedisHealth(config).watch(redis, app.log)
  const metrics: ApiMetrics = createApiMetrics(config.queue, () => jobQueue.overview(), () => defaultQueue.handlers.list())
  const queues = queuesFromConfig(config, redis, () => metrics.redisErrors.inc(), clock)
  const defaultQueue = queues.get(config.queue)
  const jobQueue = defaultQueue.jobs
  app.decorate('queues', queues)
  app.decorate('defaultQueue', defaultQueue)
  app.decorate('jobQueue', jobQueue)
  app.decorate('metrics', metrics)
  app.decorate('handlerStore', defaultQueue.handlers)
  // Connect before the server listens, so a healthy Redis never sees a 503 at start; a Redis that is
  // away fails this within connectTimeout and the API starts anyway, answering 503 until it returns.
  const connected = await redis.connect().then(() => true, (err: Error) => {
    app.log[health.expected(err) ? 'debug' : 'warn']({ err }, 'Redis is not reachable yet; retrying in the background')
    return false
  })
  // A queue written in another data format is refused before any route can misread it: at start
  // when Redis answers, else as soon as it does (meanwhile enqueueJobs refuses unmarked data itself).
  let formatChecked = false
  let retry: NodeJS.Timeout | undefined
  const checkFormat = async (): Promise<void> => {
    try {
      await jobQueue.checkFormat()
      // Queues that existed before the registry did are listed once their API or worker starts.
      // Only a listing: a Redis that refuses it (full) must not hold up the format check.
      await queues.register(config.queue).catch((err: Error) => app.log.debug({ err }, 'could not list the default queue in the registry'))
      formatChecked = true
    } catch (err) {
      if ((err as { code?: string }).code === 'JQ_ERR_QUEUE_FORMAT') throw err
      app.log[health.expected(err) ? 'debug' : 'warn']({ err }, 'could not check the queue\'s data format yet; trying again')
    }
  }
  if (connected) {
    await checkFormat().catch((err: Error) => {
      redis.disconnect()
      throw err
    })
  }
  const checkLater = () => {
    if (formatChecked) return
    retry = setTimeout(() => {
      checkFormat().then(checkLater, (err: Error) => {
        app.log.fatal({ err }, 'refusing the queue')
        onFatal?.(err)
      })
    }, 1000)
    retry.unref()
  }
  checkLater()

  // Lapsed leases and due retries are normally handled by workers as they claim; the API does it
  // too, for every queue, so a queue whose workers all died still recovers, and expired history is trimmed.
  const interval = Math.min(5000, Math.floor(config.leaseMs / 2))
  let sweeping = false
  // Every queue's data format is checked before its first sweep, as a worker checks a queue before
  // serving it: a queue of an earlier format is upgraded then, and one this version cannot read is
  // left alone (and said so once) rather than swept with scripts written for another layout.
  const formatOk = new Set([config.queue])
  const refused = new Set<string>()
  const readable = async (name: string): Promise<boolean> => {
    if (formatOk.has(name)) return true
    if (refused.has(name)) return false
    try {
      await queues.get(name).jobs.checkFormat()
      formatOk.add(name)
      return true
    } catch (err) {
      if ((err as { code?: string }).code !== 'JQ_ERR_QUEUE_FORMAT') throw err
      refused.add(name)
      app.log.error({ err, queue: name }, 'not sweeping a queue written in another data format')
      return false
    }
  }
  const housekeeping = async () => {
    for (const name of await queues.names()) {
      // One queue that fails (its slot failing over) does not hold up the others.
      try {
        if (!await readable(name)) continue
        const { recovered } = await queues.get(name).jobs.housekeeping('api')
        if (recovered > 0) metrics.leaseExpiries.inc(recovered)
      } catch (err) {
        app.log.debug({ err, queue: name }, 'housekeeping skipped')
      }
    }
  }
  const timer = setInterval(() => {
    // A sweep of many queues may outlast the interval: never two at once.
    if (sweeping) return
    sweeping = true
    housekeeping().catch((err: Error) => app.log.debug({ err }, 'housekeeping skipped'))
      .finally(() => { sweeping = false })
  }, interval)
  timer.unref()

  app.addHook('onClose', async () => {
    clearInterval(timer)
    clearTimeout(retry)
    await redis.quit().catch(() => redis.disconnect())
  })
}

export default fp(queuePlugin, { name: 'queue' })
