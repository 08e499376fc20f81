import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config/config.js'
import { formatValidationErrors, installErrorHandlers } from './error-handler.js'
import authPlugin, { assertSafeExposure } from './plugins/auth.js'
import queuePlugin from './plugins/queue.js'
import swaggerPlugin from './plugins/swagger.js'
import jobRoutes from './routes/jobs.js'
import queueRoutes from './routes/queue.js'
import handlerRoutes from './routes/handlers.js'
import healthRoutes from './routes/health.js'
import { ErrorSchema } from './schemas/shared.js'
import { HandlerHosts } from '../queue/handler-hosts.js'
import { EnqueuedJobSchema, JobSchema, NewJobSchema } from './schemas/job.js'
import { QueueSchema } from './schemas/queue.js'
import { CreatedHandlerSchema, HandlerBodySchema, HandlerSchema } from './schemas/handler.js'

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger']
}

/** Builds the API without listening, so tests can `inject` and the OpenAPI writer can read it. */
export async function buildApp (config: Config, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  assertSafeExposure(config)
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.bodyLimit,
    ajv: {
      // Unknown fields are refused (a typo like "priorty" must not pass silently), not stripped.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false }
    },
    schemaErrorFormatter: formatValidationErrors
  }).withTypeProvider<TypeBoxTypeProvider>()

  for (const schema of [ErrorSchema, JobSchema, EnqueuedJobSchema, NewJobSchema, QueueSchema,
    HandlerBodySchema, HandlerSchema, CreatedHandlerSchema]) {
    app.addSchema(schema)
  }
  installErrorHandlers(app)
  await app.register(authPlugin, { config })
  await app.register(swaggerPlugin)
  await app.register(queuePlugin, { config })
  await app.register(healthRoutes)
  await app.register(jobRoutes, { prefix: '/jobs' })
  await app.register(queueRoutes, { prefix: '/queue' })
  await app.register(handlerRoutes, { prefix: '/handlers', hosts: new HandlerHosts(config.handlerHosts) })
  return app
}
