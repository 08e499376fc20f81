import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Config } from '../config/config.js'
import { createLogger } from '../config/logger.js'
import { createRedisFor } from '../queue/redis.js'
import { RedisHealth } from '../queue/redis-health.js'
import { queuesFromConfig } from '../queue/queues.js'
import { Worker } from './worker.js'
import { HandlerHosts } from '../queue/handler-hosts.js'
import { superviseWorkers } from './supervisor.js'
import { createWorkerMetrics, serveMetrics } from '../metrics/worker-metrics.js'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

/** Entry of `jobq worker`: one worker in this process, or a supervisor of JOBQ_PROCESSES of them. */
export async function runWorkers (config: Config, argv: string[]): Promise<void> {
  if (config.processes > 1) return superviseWorkers(config.processes, argv, config.metricsPort)
  await runWorker(config)
}

/** The queues a worker serves: JOBQ_QUEUES (a list, or '*' for all), else JOBQ_QUEUE alone. */
export function servedQueues (config: Config): string[] | '*' {
  const listed = config.queues.split(',').filter(Boolean)
  if (listed.includes('*')) return '*'
  return listed.length > 0 ? [...new Set(listed)] : [config.queue]
}

async function runWorker (config: Config): Promise<void> {
  // One report per outage for the process, however many of its calls fail: while Redis is known to
  // be unreachable, a warning caused by it (a claim, a heartbeat, an outcome retried) is written
  // once, without a stack, and its repeats at debug.
  const health = new RedisHealth(config)
  const logger = createLogger(config, 'worker', health)
  const redis = createRedisFor(config)
  const subscriber = createRedisFor(config, { subscriber: true })
  const blocking = createRedisFor(config, { blocking: true })
  health.watch(redis, logger).watch(subscriber, logger).watch(blocking, logger)
  const metrics = createWorkerMetrics()
  const queues = queuesFromConfig(config, redis, () => metrics.redisErrors.inc())
  const serve = servedQueues(config)
  const worker = new Worker({
    queues,
    serve,
    defaultQueue: config.queue,
    subscriber,
    blocking,
    logger,
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    resultLimit: config.resultLimit,
    userAgent: `jobq/${version}`,
    handlerHosts: new HandlerHosts(config.handlerHosts),
    metrics
  })
  if (config.metricsPort > 0) {
    await serveMetrics(metrics.registry, config.host, config.metricsPort)
    logger.info({ port: config.metricsPort }, 'metrics served at /metrics')
  }
  let closing = false
  const close = (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal, in_flight: worker.activeJobs }, 'draining')
    worker.close(config.shutdownGraceMs)
      // Every outcome is written by now; a Redis that is away has nothing left to take a QUIT.
      .then(() => redis.quit().catch(() => redis.disconnect()))
      .then(() => {
        logger.info('worker stopped')
        process.exit(0)
      }, (err: Error) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      })
  }
  // `on`, not `once`: a repeated signal (a terminal's Ctrl-C reaches the supervisor and its workers,
  // which the supervisor then signals again) must not kill a worker that is draining.
  process.on('SIGINT', close)
  process.on('SIGTERM', close)

  // Signals are handled before connecting, so a stop during start-up is graceful too.
  await redis.connect().catch((err: Error) =>
    logger[health.expected(err) ? 'debug' : 'warn']({ err }, 'Redis is not reachable yet; retrying in the background'))
  // Nothing is claimed from a queue written in another data format: the worker waits for Redis to
  // answer the check, and exits on a named queue it cannot read ('*' skips such a queue instead).
  const named = serve === '*' ? [] : serve
  for (const name of named) {
    for (let attempt = 0; ; attempt++) {
      // A stop signal during the wait ends it (close() sets `closing`).
      if (closing) return
      try {
        await queues.get(name).jobs.checkFormat()
        // Queues that existed before the registry did are listed once their API or worker starts.
        // Only a listing: a Redis that refuses it (full) must not keep the worker from its jobs.
        await queues.register(name).catch((err: Error) => logger.debug({ err, queue: name }, 'could not list the queue in the registry'))
        break
      } catch (err) {
        if ((err as { code?: string }).code === 'JQ_ERR_QUEUE_FORMAT') {
          logger.fatal({ err }, 'refusing the queue')
          process.exit(1)
        }
        logger[health.expected(err) ? 'debug' : 'warn']({ err }, 'could not check the queue\'s data format yet; trying again')
        await sleep(Math.min(2000, 100 * 2 ** attempt))
      }
    }
  }
  if (closing) return
  for (const name of named) worker.serve(name)
  await worker.start()
  logger.info({ worker: worker.id, concurrency: config.concurrency, queues: serve }, 'worker started')
}
