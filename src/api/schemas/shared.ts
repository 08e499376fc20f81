import { Type, type Static, type TSchema } from 'typebox'
import { errorExample } from './examples.js'

/**
 * A reference to a shared schema (registered with addSchema, so OpenAPI names it as a component)
 * that keeps the schema's static type for the route handler.
 */
export function ref<T extends TSchema> (schema: T): ReturnType<typeof Type.Unsafe<Static<T>>> {
  const id = (schema as { $id?: string }).$id
  if (!id) throw new Error('ref() needs a schema with an $id')
  return Type.Unsafe<Static<T>>(Type.Ref(id))
}

export const ErrorSchema = Type.Object({
  statusCode: Type.Integer({ description: 'HTTP status, repeated in the body' }),
  error: Type.String({ description: 'HTTP reason phrase' }),
  message: Type.String({ description: 'What went wrong, naming the offending field where there is one' }),
  code: Type.Optional(Type.String({ description: 'Stable error code, e.g. JQ_ERR_JOB_NOT_FOUND' })),
  job_id: Type.Optional(Type.String({ description: 'The job the error is about, where one is named' })),
  outcome: Type.Optional(Type.Literal('processing', { description: 'POST /jobs only: the entity is being processed by job_id' }))
}, { $id: 'Error', description: 'The one error shape of every route', examples: [errorExample] })

export const errorResponses = {
  400: ref(ErrorSchema),
  // without a valid bearer key, when JOBQ_API_KEYS, JOBQ_ADMIN_KEYS or JOBQ_KEYS_FILE are set
  401: ref(ErrorSchema),
  // a key from JOBQ_KEYS_FILE on a queue it is not given (whether or not that queue exists)
  403: ref(ErrorSchema),
  // over JOBQ_RATE_LIMIT, with Retry-After
  429: ref(ErrorSchema),
  503: ref(ErrorSchema)
}

/** Routes that only admin keys may use: their 403 is also a client key's answer. */
export const adminErrorResponses = { ...errorResponses }

/** Every method but GET carries a body, which Fastify reads before the route runs: too large, or not JSON. */
export const bodyErrorResponses = {
  413: ref(ErrorSchema),
  415: ref(ErrorSchema)
}

/** A job_id or an entity_id: every route that names a job accepts either. */
export const JobIdentParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 256, description: 'A job_id or an entity_id' })
})
