import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ErrorSchema, ref } from '../schemas/shared.js'

const metricsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/metrics', {
    schema: {
      tags: ['health'],
      operationId: 'getMetrics',
      summary: 'Prometheus metrics of the queue and this API process',
      description: 'Queue depth by priority and state and the oldest queued job\'s age (read from Redis at scrape time), enqueue outcomes, lease expiries, Redis errors, and process metrics. Workers serve their own on JOBQ_METRICS_PORT.',
      response: {
        200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: Type.String() } } },
        401: ref(ErrorSchema)
      }
    }
  }, async (_request, reply) => {
    const text = await app.metrics.registry.metrics()
    return reply.type(app.metrics.registry.contentType).send(text)
  })
}

export default metricsRoutes
