import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'

interface ValidationIssue {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
  message?: string
}

/**
 * Turns schema violations into one message that names the field, e.g. `body.priority: must be <= 3`
 * or `body.priorty: unknown field`, so a caller can fix the request without reading the schema.
 */
export function formatValidationErrors (errors: ValidationIssue[], context: string): Error {
  const messages = errors.map((e) => {
    let path = context + e.instancePath.replaceAll('/', '.')
    if (e.keyword === 'additionalProperties') return `${path}.${String(e.params.additionalProperty)}: unknown field`
    if (e.keyword === 'required') return `${path}.${String(e.params.missingProperty)}: is required`
    if (e.keyword === 'propertyNames') path += ` (key ${JSON.stringify(e.params.propertyName)})`
    return `${path}: ${e.message ?? e.keyword}`
  })
  return new Error([...new Set(messages)].join('; '))
}

const notFound = (request: FastifyRequest) => ({
  statusCode: 404,
  error: 'Not Found',
  message: `Route ${request.method} ${request.url.split('?')[0]} not found`
})

/**
 * Fastify's `frameworkErrors`: what the router finds wrong with a path before any route runs, in the
 * one error shape. A path parameter longer than the router's maxParamLength is a 400 like any other
 * overlong id (Fastify would say 414 with `"error": "Bad Request"`); bad percent-encoding stays 400.
 */
export function routerErrors (err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'params: a path parameter is far too long' : err.message
  reply.code(400).send({ statusCode: 400, error: 'Bad Request', message, code: err.code })
}

/** One error shape for every route; a 5xx never leaks its internals. */
export function installErrorHandlers (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { job_id?: string }, request, reply) => {
    // No route: 404, whatever else is wrong with the request (an unreadable body, a bad content type).
    if (request.is404) return reply.code(404).send(notFound(request))
    const statusCode = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500
    // A 503 is Redis being away, logged once per request without a stack: an outage must not flood the log.
    if (statusCode === 503) request.log.warn({ code: err.code, reason: err.message }, 'queue store unavailable')
    else if (statusCode >= 500) request.log.error({ err }, 'request failed')
    const body: Record<string, unknown> = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message: statusCode >= 500 && statusCode !== 503 ? 'Internal Server Error' : err.message
    }
    // Fastify says only "Unsupported Media Type"; name the header the caller has to fix.
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      body.message = `content-type: ${request.headers['content-type'] ?? '(none)'} is not supported; send application/json`
    }
    if (err.code && !(err.validation && statusCode === 400)) body.code = err.code
    if (err.job_id && statusCode < 500) body.job_id = err.job_id
    if (statusCode === 503) reply.header('retry-after', '1')
    return reply.code(statusCode).send(body)
  })

  app.setNotFoundHandler((request, reply) => reply.code(404).send(notFound(request)))
}
