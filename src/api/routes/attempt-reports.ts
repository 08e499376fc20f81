import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { InvalidCallbackTokenError, LimitExceededError, MissingCallbackTokenError } from '../../queue/errors.js'
import type { AttemptReport } from '../../queue/job-queue.js'
import { JobSchema } from '../schemas/job.js'
import { bodyErrorResponses, ErrorSchema, errorResponses, ref } from '../schemas/shared.js'
import { toJobView } from '../views.js'
import type { ScopedRouteOptions } from '../queue-scope.js'

/** A progress message's limit, in bytes of UTF-8. */
const MAX_MESSAGE_BYTES = 1024

const leaseMs = Type.Integer({ minimum: 1000, maximum: 86_400_000, description: 'The lease from now, in ms; default the handler\'s async_lease_ms' })
const ParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'The job_id the callback carried' }) })
const TokenHeadersSchema = Type.Object({
  'jobq-callback-token': Type.Optional(Type.String({ maxLength: 128, description: 'The callback token of the attempt: the jobq-callback-token header (or callback_token in the body) of its callback' }))
})

const reports = {
  heartbeat: {
    summary: 'Extend the lease of the attempt the callback token names',
    body: Type.Object({ lease_ms: Type.Optional(leaseMs) }, { additionalProperties: false }),
    optionalBody: true
  },
  progress: {
    summary: 'Report progress of the attempt (and extend its lease)',
    body: Type.Object({
      percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      message: Type.Optional(Type.String({ maxLength: MAX_MESSAGE_BYTES, description: `Up to ${MAX_MESSAGE_BYTES} bytes of UTF-8` })),
      lease_ms: Type.Optional(leaseMs)
    }, { additionalProperties: false }),
    optionalBody: false
  },
  complete: {
    summary: 'Complete the job with its result',
    body: Type.Object({ result: Type.Optional(Type.Unknown({ description: 'Any JSON; kept as the job\'s result (up to JOBQ_RESULT_LIMIT bytes)' })) }, { additionalProperties: false }),
    optionalBody: true
  },
  fail: {
    summary: 'Fail the attempt: retried by the handler\'s policy unless retry is false',
    body: Type.Object({
      error: Type.String({ minLength: 1, maxLength: 4096, description: 'Why; kept as the job\'s last_error' }),
      retry: Type.Optional(Type.Boolean({ description: 'false fails the job for good; default true (retried while attempts remain)' }))
    }, { additionalProperties: false }),
    optionalBody: false
  }
} as const

type Op = keyof typeof reports

/**
 * The routes a handler finishes its own job with (issue 14): bearing the attempt's callback token and
 * nothing else, so a handler in another trust domain needs no key of the API. A token of another job
 * or none at all changes nothing (403, 401); an older attempt's is 409.
 */
const attemptReportRoutes: FastifyPluginAsyncTypebox<ScopedRouteOptions & { resultLimit: number }> = async (app, { queueOf, resultLimit }) => {
  for (const op of Object.keys(reports) as Op[]) {
    const spec = reports[op]
    app.post(`/:id/${op}`, {
      schema: {
        tags: ['async handlers'],
        operationId: `${op}Attempt`,
        summary: spec.summary,
        description: 'Authenticated by the jobq-callback-token header alone (no API key). Repeating complete or fail after it took effect answers 200 with the job as it is.',
        params: ParamsSchema,
        headers: TokenHeadersSchema,
        body: spec.body,
        response: { 200: ref(JobSchema), 404: ref(ErrorSchema), 409: ref(ErrorSchema), ...errorResponses, ...bodyErrorResponses }
      },
      config: { access: 'public', bodyOptional: spec.optionalBody },
      preValidation: async (request) => { if (spec.optionalBody) request.body ??= {} }
    }, async (request) => {
      const queue = queueOf(request)
      const jobId = request.params.id
      const counter = await verifiedCounter(request, jobId, (id, token) => queue.jobs.tokens.verify(id, token))
      const job = await queue.jobs.report(jobId, counter, toReport(op, request.body as Record<string, unknown>, resultLimit))
      return toJobView(job)
    })
  }
}

async function verifiedCounter (request: FastifyRequest, jobId: string, verify: (id: string, token: string) => Promise<string | null>): Promise<string> {
  const token = request.headers['jobq-callback-token']
  if (typeof token !== 'string' || token === '') throw new MissingCallbackTokenError()
  const counter = await verify(jobId, token)
  if (counter === null) throw new InvalidCallbackTokenError(jobId)
  return counter
}

function toReport (op: Op, body: Record<string, unknown>, resultLimit: number): AttemptReport {
  const lease = body.lease_ms as number | undefined
  switch (op) {
    case 'heartbeat': return { op, leaseMs: lease }
    case 'progress': {
      const message = body.message as string | undefined
      if (message !== undefined && Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
        throw new LimitExceededError(`body.message: at most ${MAX_MESSAGE_BYTES} bytes of UTF-8`)
      }
      return { op, leaseMs: lease, percent: body.percent as number | undefined, message }
    }
    case 'complete': {
      const result = body.result === undefined ? null : JSON.stringify(body.result)
      if (result !== null && Buffer.byteLength(result) > resultLimit) {
        throw new LimitExceededError(`body.result: at most ${resultLimit} bytes of JSON (JOBQ_RESULT_LIMIT)`)
      }
      return { op, result }
    }
    case 'fail': return { op, error: body.error as string, retry: body.retry !== false }
  }
}

export default attemptReportRoutes
