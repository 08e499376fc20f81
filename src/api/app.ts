import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config/config.js'
import { formatValidationErrors, installErrorHandlers, routerErrors } from './error-handler.js'
import { installJsonParser } from './json-body.js'
import { withRequestSerializer } from './request-log.js'
import authPlugin, { assertSafeExposure } from './plugins/auth.js'
import queuePlugin from './plugins/queue.js'
import eventsPlugin from './plugins/events.js'
import eventRoutes from './routes/events.js'
import rateLimitPlugin from './plugins/rate-limit.js'
import swaggerPlugin from './plugins/swagger.js'
import uiPlugin from './plugins/ui.js'
import jobRoutes from './routes/jobs.js'
import attemptReportRoutes from './routes/attempt-reports.js'
import batchRoutes from './routes/batch.js'
import { jobLimits } from './routes/new-job.js'
import { eventLimits } from './routes/event-limits.js'
import queueRoutes from './routes/queue.js'
import handlerRoutes from './routes/handlers.js'
import healthRoutes from './routes/health.js'
import queuesRoutes from './routes/queues.js'
import metricsRoutes from './routes/metrics.js'
import scheduleRoutes from './routes/schedules.js'
import { ErrorSchema } from './schemas/shared.js'
import { HandlerHosts } from '../queue/handler-hosts.js'
import { EnqueuedJobSchema, JobSchema, NewJobSchema } from './schemas/job.js'
import { QueueListSchema, QueueSchema, QueueSummarySchema } from './schemas/queue.js'
import { CreatedHandlerSchema, HandlerBodySchema, HandlerSchema } from './schemas/handler.js'
import { BatchResponseSchema, BatchResultSchema, NewJobBatchSchema } from './schemas/batch.js'
import { ScheduleBodySchema, ScheduleSchema, TriggeredSchema } from './schemas/schedule.js'
import { JobEventSchema } from './schemas/events.js'

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger']
  /** Told when the queue turns out to hold data this version cannot read after the API started. */
  onFatal?: (err: Error) => void
  /**
   * The clock (ms) of the queues' scripts and housekeeping; Date.now unless a test moves time itself
   * (test/hostile/model.test.ts). Request validation (delay_ms, run_at) keeps the real clock.
   */
  clock?: () => number
}

/** Builds the API without listening, so tests can `inject` and the OpenAPI writer can read it. */
export async function buildApp (config: Config, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  assertSafeExposure(config)
  const app = Fastify({
    logger: withRequestSerializer(options.logger),
    bodyLimit: config.bodyLimit,
    // Slow clients (slowloris, trickled bodies) are cut off instead of holding sockets for ever; Node
    // checks these deadlines every connectionsCheckingInterval, 30 s unless told otherwise.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs * 2,
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    // A job id or entity id (up to 256 characters) in a path, even fully percent-encoded UTF-8;
    // longer ids get the schema's 400, not the router's 414.
    routerOptions: { maxParamLength: 256 * 12 },
    frameworkErrors: routerErrors,
    ajv: {
      // Unknown fields are refused (a typo like "priorty" must not pass silently), not stripped.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false }
    },
    schemaErrorFormatter: formatValidationErrors,
    schemaController: { compilersFactory: { buildValidator: strictBodyValidator() } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  for (const schema of [ErrorSchema, JobSchema, EnqueuedJobSchema, NewJobSchema, QueueSchema,
    HandlerBodySchema, HandlerSchema, CreatedHandlerSchema, NewJobBatchSchema, BatchResultSchema, BatchResponseSchema, QueueSummarySchema, QueueListSchema, JobEventSchema,
    ScheduleBodySchema, ScheduleSchema, TriggeredSchema]) {
    app.addSchema(schema)
  }
  app.server.maxConnections = config.maxConnections
  installErrorHandlers(app)
  installJsonParser(app)
  await app.register(authPlugin, { config })
  await app.register(swaggerPlugin)
  await app.register(queuePlugin, { config, onFatal: options.onFatal, clock: options.clock })
  await app.register(eventsPlugin, { config })
  await app.register(rateLimitPlugin, { config })
  await app.register(healthRoutes)
  await app.register(metricsRoutes)
  // The routes without /queues/{queue} serve the default queue, as they did before named queues.
  const queueOf = () => app.defaultQueue
  const hosts = new HandlerHosts(config.handlerHosts)
  await app.register(jobRoutes, { prefix: '/jobs', limits: jobLimits(config), queueOf })
  await app.register(batchRoutes, { prefix: '/jobs', limits: jobLimits(config), queueOf })
  await app.register(attemptReportRoutes, { prefix: '/jobs', queueOf, resultLimit: config.resultLimit })
  await app.register(queueRoutes, { prefix: '/queue', maxPageSize: config.maxPageSize, queueOf, mustExist: false })
  await app.register(handlerRoutes, { prefix: '/handlers', hosts, queueOf })
  await app.register(scheduleRoutes, { prefix: '/schedules', limits: jobLimits(config), queueOf })
  await app.register(eventRoutes, { prefix: '/events', queueOf, mustExist: false, ...eventLimits(config) })
  await app.register(queuesRoutes, { prefix: '/queues', config, hosts })
  if (config.ui) await app.register(uiPlugin)
  return app
}

/**
 * Fastify's validator, except that a JSON body is checked without type coercion: `"priority": "2"`,
 * `"args": "x"` or `"entity_id": 42` are schema violations (400), not values to convert and store.
 * Query strings and path params are text by nature and keep the coercion (`?limit=7`).
 */
function strictBodyValidator (): ValidatorFactory {
  const fromPool = AjvCompiler()
  return (externalSchemas, options) => {
    const coercing = fromPool(externalSchemas, options)
    const strictOptions = { ...options, customOptions: { ...options?.customOptions, coerceTypes: false } }
    const strict = fromPool(externalSchemas, strictOptions as Parameters<ValidatorFactory>[1])
    return (route) => (route.httpPart === 'body' ? strict : coercing)(route)
  }
}
