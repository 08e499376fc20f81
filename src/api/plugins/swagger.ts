import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const { version, description } = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'))

/** Builds the OpenAPI 3.1 document from the route schemas and serves Swagger UI at /docs. */
async function swaggerPlugin (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'JobQ', version, description, license: { name: 'MIT', identifier: 'MIT' } },
      servers: [{ url: 'http://127.0.0.1:3000', description: 'A local JobQ (npm start)' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A key from JOBQ_API_KEYS (jobs, queue) or JOBQ_ADMIN_KEYS (also handlers). Not needed when the API runs without keys on loopback.' }
        }
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'jobs', description: 'Enqueue jobs, read and change them' },
        { name: 'queue', description: 'The whole queue at a glance' },
        { name: 'queues', description: 'Named queues: each job, handler and queue route also exists under /queues/{queue}' },
        { name: 'handlers', description: 'Webhook targets that a job\'s task names' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    },
    // Shared schemas become components named by their $id, so generated clients get readable types.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}

export default fp(swaggerPlugin, { name: 'swagger' })
