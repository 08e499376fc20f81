import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { QueuePausedSchema, QueueQuerySchema, QueueSchema } from '../schemas/queue.js'
import { ErrorSchema, bodyErrorResponses, errorResponses, ref } from '../schemas/shared.js'
import { toJobView } from '../views.js'
import { LimitExceededError, QueueNotFoundError } from '../../queue/errors.js'
import type { ScopedRouteOptions } from '../queue-scope.js'

interface QueueRouteOptions extends ScopedRouteOptions {
  maxPageSize: number
  /** Answer 404 for a queue not in the registry (GET /queues/{queue}); the default queue always answers. */
  mustExist: boolean
}

const queueRoutes: FastifyPluginAsyncTypebox<QueueRouteOptions> = async (app, { maxPageSize, queueOf, mustExist }) => {
  app.get('', {
    schema: {
      tags: ['queue'],
      operationId: 'getQueue',
      summary: 'Overview of the queue; optionally one page of queued or processing jobs',
      querystring: QueueQuerySchema,
      response: { 200: ref(QueueSchema), ...(mustExist ? { 404: ref(ErrorSchema) } : {}), ...errorResponses }
    }
  }, async (request) => {
    const { list, cursor, limit } = request.query
    const queue = queueOf(request)
    if (mustExist && !await app.queues.exists(queue.name)) throw new QueueNotFoundError(queue.name)
    const { oldest_queued_at: oldest, ...overview } = await queue.jobs.overview()
    const body = {
      queue: queue.name,
      ...overview,
      oldest_queued_age_ms: oldest === null ? null : Math.max(0, Date.now() - oldest),
      uptime_seconds: Math.floor(process.uptime())
    }
    if (!list) return body
    if ((limit ?? 0) > maxPageSize) throw new LimitExceededError(`querystring.limit: at most ${maxPageSize} (JOBQ_MAX_PAGE_SIZE)`)
    const page = await queue.jobs.list(list, cursor, limit ?? Math.min(100, maxPageSize))
    return { ...body, jobs: page.jobs.map((job) => toJobView(job)), next_cursor: page.next_cursor }
  })

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/${action}`, {
      config: { access: 'admin' },
      schema: {
        tags: ['queue'],
        operationId: `${action}Queue`,
        summary: paused ? 'Pause the queue: no new dispatch' : 'Resume a paused queue',
        description: paused
          ? 'Callbacks in flight finish; enqueueing, priority changes and cancels go on, and jobs keep their places. Admin keys only. Repeating it changes nothing.'
          : 'Workers pick up where they stopped, at once. Admin keys only. Repeating it changes nothing.',
        response: { 200: QueuePausedSchema, ...(mustExist ? { 404: ref(ErrorSchema) } : {}), ...errorResponses, ...bodyErrorResponses }
      }
    }, async (request) => {
      const queue = queueOf(request)
      if (mustExist && !await app.queues.exists(queue.name)) throw new QueueNotFoundError(queue.name)
      const now = await queue.jobs.setPaused(paused)
      request.log.info({ queue: queue.name, paused: now }, paused ? 'queue paused' : 'queue resumed')
      return { queue: queue.name, paused: now }
    })
  }
}

export default queueRoutes
