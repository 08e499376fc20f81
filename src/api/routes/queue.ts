import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { QueueQuerySchema, QueueSchema } from '../schemas/queue.js'
import { errorResponses, ref } from '../schemas/shared.js'
import { toJobView } from '../views.js'
import { LimitExceededError } from '../../queue/errors.js'

const queueRoutes: FastifyPluginAsyncTypebox<{ maxPageSize: number }> = async (app, { maxPageSize }) => {
  app.get('', {
    schema: {
      tags: ['queue'],
      operationId: 'getQueue',
      summary: 'Overview of the queue; optionally one page of queued or processing jobs',
      querystring: QueueQuerySchema,
      response: { 200: ref(QueueSchema), ...errorResponses }
    }
  }, async (request) => {
    const { list, cursor, limit } = request.query
    const { oldest_queued_at: oldest, ...overview } = await app.jobQueue.overview()
    const body = {
      queue: app.jobQueue.queueName,
      ...overview,
      oldest_queued_age_ms: oldest === null ? null : Math.max(0, Date.now() - oldest),
      uptime_seconds: Math.floor(process.uptime())
    }
    if (!list) return body
    if ((limit ?? 0) > maxPageSize) throw new LimitExceededError(`querystring.limit: at most ${maxPageSize} (JOBQ_MAX_PAGE_SIZE)`)
    const page = await app.jobQueue.list(list, cursor, limit ?? Math.min(100, maxPageSize))
    return { ...body, jobs: page.jobs.map((job) => toJobView(job)), next_cursor: page.next_cursor }
  })
}

export default queueRoutes
