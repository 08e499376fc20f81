import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ErrorSchema, ref } from '../schemas/shared.js'
import { RedisUnavailableError } from '../../queue/errors.js'

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Probes of orchestrators carry no keys.
  app.addHook('onRoute', (route) => { route.config = { ...route.config, access: 'public' } })

  app.get('/healthz', {
    schema: {
      tags: ['health'],
      security: [],
      operationId: 'getHealth',
      summary: 'Liveness: the process answers',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) }
    }
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      security: [],
      operationId: 'getReadiness',
      summary: 'Readiness: Redis answers',
      response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: ref(ErrorSchema) }
    }
  }, async () => {
    try {
      await app.jobQueue.redis.ping()
    } catch (err) {
      throw new RedisUnavailableError((err as Error).message)
    }
    return { status: 'ready' as const }
  })
}

export default healthRoutes
