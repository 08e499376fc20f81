import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance, RouteOptions } from 'fastify'
import type { Config } from '../../config/config.js'
import type { HandlerHosts } from '../../queue/handler-hosts.js'
import { QueueListSchema, QueueNameSchema } from '../schemas/queue.js'
import { errorResponses, ref } from '../schemas/shared.js'
import type { QueueOf } from '../queue-scope.js'
import { jobLimits } from './new-job.js'
import jobRoutes from './jobs.js'
import attemptReportRoutes from './attempt-reports.js'
import batchRoutes from './batch.js'
import queueRoutes from './queue.js'
import handlerRoutes from './handlers.js'
import scheduleRoutes from './schedules.js'
import eventRoutes from './events.js'
import { eventLimits } from './event-limits.js'

interface QueuesRouteOptions {
  config: Config
  hosts: HandlerHosts
}

/**
 * GET /queues, and every job, handler, schedule and queue route once more under /queues/{queue}, for the
 * named queue. The routes are the same plugins as the top-level ones (which serve the default
 * queue); here each also takes the `queue` path parameter and gets an operationId of its own.
 */
const queuesRoutes: FastifyPluginAsyncTypebox<QueuesRouteOptions> = async (app, { config, hosts }) => {
  app.get('', {
    schema: {
      tags: ['queues'],
      operationId: 'listQueues',
      summary: 'Every queue with its counts',
      description: 'The queues the caller\'s key may use. A queue comes into being when its first handler is registered.',
      response: { 200: ref(QueueListSchema), ...errorResponses }
    }
  }, async (request) => {
    const names = (await app.queues.names()).filter((name) => request.mayUseQueue(name))
    const overviews = await Promise.all(names.map((name) => app.queues.get(name).jobs.overview()))
    return {
      queues: names.map((name, i) => {
        const { queued, processing, scheduled, failed, completed, cancelled, paused } = overviews[i]
        return { name, queued, processing, scheduled, failed, completed, cancelled, paused }
      })
    }
  })

  await app.register(async (scoped: FastifyInstance) => {
    scoped.addHook('onRoute', withQueueParam)
    const queueOf: QueueOf = (request) => app.queues.get((request.params as { queue: string }).queue)
    const limits = jobLimits(config)
    await scoped.register(jobRoutes, { prefix: '/jobs', limits, queueOf })
    await scoped.register(batchRoutes, { prefix: '/jobs', limits, queueOf })
    await scoped.register(attemptReportRoutes, { prefix: '/jobs', queueOf, resultLimit: config.resultLimit })
    await scoped.register(queueRoutes, { maxPageSize: config.maxPageSize, queueOf, mustExist: true })
    await scoped.register(handlerRoutes, { prefix: '/handlers', hosts, queueOf })
    await scoped.register(scheduleRoutes, { prefix: '/schedules', limits, queueOf })
    await scoped.register(eventRoutes, { prefix: '/events', queueOf, mustExist: true, ...eventLimits(config) })
  }, { prefix: '/:queue' })
}

/** Operation ids of the top-level routes whose named-queue twin would read badly with a suffix. */
const RENAMED: Record<string, string> = { getQueue: 'getNamedQueue', pauseQueue: 'pauseNamedQueue', resumeQueue: 'resumeNamedQueue' }

/** Adds the `queue` path parameter to a route's schema and gives it an operationId of its own. */
function withQueueParam (route: RouteOptions): void {
  const schema = { ...route.schema } as Record<string, any>
  const params = schema.params ?? { type: 'object', properties: {} }
  schema.params = {
    ...params,
    properties: { queue: QueueNameSchema, ...params.properties },
    required: ['queue', ...(params.required ?? [])]
  }
  if (schema.operationId) schema.operationId = RENAMED[schema.operationId] ?? `${schema.operationId}InQueue`
  route.schema = schema
}

export default queuesRoutes
