import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const { version, description } = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'))

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route takes a request without a body as an empty object (its preValidation sets
     * `request.body ??= {}`). The document then says `requestBody.required: false`, which
     * @fastify/swagger never writes by itself: Fastify alone would refuse a missing body.
     */
    bodyOptional?: boolean
  }
}

/** Marks an operation whose body is optional, between the route transform and the document transform. */
const BODY_OPTIONAL = 'x-jobq-body-optional'

/** The part of an operation of the document that the transform reads. */
interface Operation {
  requestBody?: { required?: boolean }
  [BODY_OPTIONAL]?: true
}

/** Builds the OpenAPI 3.1 document from the route schemas and serves Swagger UI at /docs. */
async function swaggerPlugin (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'JobQ', version, description, license: { name: 'MIT', identifier: 'MIT' } },
      servers: [{ url: 'http://127.0.0.1:3000', description: 'A local JobQ (npm start)' }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A key from JOBQ_API_KEYS (jobs, queue), JOBQ_ADMIN_KEYS (also handlers) or JOBQ_KEYS_FILE (some queues). ' +
              'Required on every route but /healthz, /readyz and /docs as soon as any of those is set (401 without a valid one); ' +
              'an API run without keys (on loopback, or with JOBQ_ALLOW_UNAUTHENTICATED) takes requests without one.'
          }
        }
      },
      // Keys are optional in the document because they are optional on the server: an API started
      // without keys (on loopback, or with JOBQ_ALLOW_UNAUTHENTICATED) takes requests without one.
      security: [{ bearerAuth: [] }, {}],
      tags: [
        { name: 'jobs', description: 'Enqueue jobs, read and change them' },
        { name: 'queue', description: 'The whole queue at a glance' },
        { name: 'queues', description: 'Named queues: each job, handler, schedule and queue route also exists under /queues/{queue}' },
        { name: 'handlers', description: 'Webhook targets that a job\'s task names' },
        { name: 'schedules', description: 'Recurring schedules: a cron expression whose every tick enqueues a job once' },
        { name: 'events', description: 'Every job state change as it happens (Server-Sent Events)' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    },
    // Shared schemas become components named by their $id, so generated clients get readable types.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => ({
      url,
      schema: route.config?.bodyOptional ? { ...schema, [BODY_OPTIONAL]: true } as typeof schema : schema
    }),
    transformObject: (documentObject) => {
      const document = (documentObject as { openapiObject: { paths?: Record<string, Record<string, Operation>> } }).openapiObject
      for (const item of Object.values(document.paths ?? {})) {
        for (const operation of Object.values(item)) {
          if (!operation?.[BODY_OPTIONAL]) continue
          delete operation[BODY_OPTIONAL]
          if (operation.requestBody) operation.requestBody.required = false
        }
      }
      return document
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}

export default fp(swaggerPlugin, { name: 'swagger' })
