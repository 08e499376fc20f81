import Fastify from 'fastify'
import { Queue } from 'bullmq'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { loadConfig } from '../../src/config/config.js'
import { loggerOptions } from '../../src/config/logger.js'
import { EnqueuedJobSchema, JobSchema, NewJobSchema } from '../../src/api/schemas/job.js'
import { ref } from '../../src/api/schemas/shared.js'
import { disablePretenuring } from '../../src/api/gc-tuning.js'
import { exitWithParent } from './orphan-guard.js'

/**
 * The reference of figure 1: POST /jobs in the same process shape as `jobq api` (Fastify 5, the
 * same pino logger at the same level, the same strict body schema, the same 201 response schema)
 * that builds its answer in memory instead of calling Redis. What JobQ loses against it is the
 * cost of queueing: the Redis round trip, the script, decoding the reply and building the view.
 * With BULLMQ_QUEUE set (figure 4), the route also adds the job to that BullMQ queue before it
 * answers: BullMQ behind the same HTTP hop as JobQ's API.
 */
const config = loadConfig(process.env, [])
// As `jobq api` does (src/api/server.ts), unless BARE_PRETENURING=1 (to measure the difference).
if (process.env.BARE_PRETENURING !== '1') disablePretenuring()
const app = Fastify({
  logger: loggerOptions(config, 'api'),
  bodyLimit: config.bodyLimit,
  requestTimeout: config.requestTimeoutMs,
  connectionTimeout: config.requestTimeoutMs * 2,
  http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1000 },
  ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } }
}).withTypeProvider<TypeBoxTypeProvider>()
for (const schema of [JobSchema, EnqueuedJobSchema, NewJobSchema]) app.addSchema(schema)

const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const bull = process.env.BULLMQ_QUEUE
  ? new Queue(process.env.BULLMQ_QUEUE, { connection: { host: redisUrl.hostname, port: Number(redisUrl.port) } })
  : null
await bull?.waitUntilReady()

let seq = 0
app.post('/jobs', {
  schema: { body: ref(NewJobSchema), response: { 201: ref(EnqueuedJobSchema) } }
}, async (request, reply) => {
  const body = request.body
  seq++
  if (bull) await bull.add(body.task, body)
  return reply.code(201).send({
    job_id: 'bare' + seq.toString(36).padStart(12, '0'),
    entity_id: body.entity_id,
    task: body.task,
    status: 'queued',
    priority: (body.priority ?? 1) as 1 | 2 | 3,
    position_in_queue: seq,
    position_in_priority: seq,
    args: body.args ?? [],
    kwargs: body.kwargs ?? {},
    metadata: body.metadata ?? {},
    attempts: 0,
    queued_at: new Date().toISOString(),
    priority_updated_at: null,
    started_at: null,
    finished_at: null,
    next_attempt_at: null,
    last_error: null,
    result: null,
    progress: null,
    lease_expires_at: null,
    schedule: null,
    outcome: 'created'
  })
})

process.on('SIGTERM', () => { Promise.all([app.close(), bull?.close()]).then(() => process.exit(0), () => process.exit(1)) })
exitWithParent()
await app.listen({ host: '127.0.0.1', port: config.port })
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`)
