import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { BurstWithoutRateError, HandlerHostNotAllowedError, HandlerNotFoundError, InvalidHandlerUrlError } from '../../queue/errors.js'
import type { HandlerHosts } from '../../queue/handler-hosts.js'
import { normalizeCallbackHeaders } from '../../queue/handler-store.js'
import { CreatedHandlerSchema, HandlerBodySchema, HandlerParamsSchema, HandlerSchema } from '../schemas/handler.js'
import { adminErrorResponses, bodyErrorResponses, ErrorSchema, ref } from '../schemas/shared.js'
import { toHandlerView } from '../views.js'
import type { ScopedRouteOptions } from '../queue-scope.js'

const DAY = 86_400_000

const handlerRoutes: FastifyPluginAsyncTypebox<ScopedRouteOptions & { hosts: HandlerHosts }> = async (app, { hosts, queueOf }) => {
  // Handlers decide where jobs are sent and hold signing secrets: admin keys only.
  app.addHook('onRoute', (route) => { route.config = { ...route.config, access: 'admin' } })

  app.put('/:name', {
    schema: {
      tags: ['handlers'],
      operationId: 'putHandler',
      summary: 'Register or replace a handler',
      description: 'Settings left out take their defaults, except headers: left out, the stored ones stay ({} removes them). ' +
        'On creation (201) the answer carries the signing secret, shown only then. Header values are never shown again, only masked.',
      params: HandlerParamsSchema,
      body: ref(HandlerBodySchema),
      response: { 201: ref(CreatedHandlerSchema), 200: ref(HandlerSchema), ...adminErrorResponses, ...bodyErrorResponses }
    },
    // Before the schema, whose messages for a bad header would be a bare regular expression.
    preValidation: async (request) => {
      const headers = (request.body as { headers?: unknown } | undefined)?.headers
      if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) normalizeCallbackHeaders(headers as Record<string, unknown>)
    }
  }, async (request, reply) => {
    // The schema's `uri` format takes URLs the worker's WHATWG parser refuses (`http://`, port 99999)
    if (!URL.canParse(request.body.url) || !new URL(request.body.url).hostname) throw new InvalidHandlerUrlError(request.body.url)
    if (!hosts.allows(request.body.url)) throw new HandlerHostNotAllowedError(new URL(request.body.url).hostname)
    if (request.body.burst != null && request.body.rate_per_second == null) throw new BurstWithoutRateError()
    const queue = queueOf(request)
    // Listed before its first handler is written: a queue with a handler is always in GET /queues.
    await app.queues.register(queue.name)
    const { created, handler } = await queue.handlers.put(request.params.name, request.body)
    if (!created) return toHandlerView(handler)
    return reply.code(201).send({ ...toHandlerView(handler), secret: handler.secrets[0].secret })
  })

  app.post('/:name/rotate-secret', {
    schema: {
      tags: ['handlers'],
      operationId: 'rotateHandlerSecret',
      summary: 'Give a handler a new signing secret',
      description: 'The answer carries the new secret, shown only then. Until grace_ms has passed, callbacks carry signatures with both the old and the new secret, so the handler can switch without dropping one.',
      params: HandlerParamsSchema,
      body: Type.Object({
        grace_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * DAY, description: 'How long the old secrets are still sent; default 86400000 (a day)' }))
      }, { additionalProperties: false }),
      response: { 200: ref(CreatedHandlerSchema), 404: ref(ErrorSchema), ...adminErrorResponses, ...bodyErrorResponses }
    },
    // The body is optional: `curl -X POST .../rotate-secret` takes the default grace. bodyOptional
    // says so in the OpenAPI document (requestBody.required: false).
    config: { bodyOptional: true },
    preValidation: async (request) => { request.body ??= {} }
  }, async (request) => {
    const handler = await queueOf(request).handlers.rotateSecret(request.params.name, request.body.grace_ms ?? DAY)
    if (!handler) throw new HandlerNotFoundError(request.params.name)
    return { ...toHandlerView(handler), secret: handler.secrets[0].secret }
  })

  app.get('', {
    schema: {
      tags: ['handlers'],
      operationId: 'listHandlers',
      summary: 'List handlers',
      response: { 200: Type.Object({ handlers: Type.Array(ref(HandlerSchema)) }), ...adminErrorResponses }
    }
  }, async (request) => ({ handlers: (await queueOf(request).handlers.list()).map(toHandlerView) }))

  app.get('/:name', {
    schema: {
      tags: ['handlers'],
      operationId: 'getHandler',
      summary: 'Read a handler (never its secret)',
      params: HandlerParamsSchema,
      response: { 200: ref(HandlerSchema), 404: ref(ErrorSchema), ...adminErrorResponses }
    }
  }, async (request) => {
    const handler = await queueOf(request).handlers.get(request.params.name)
    if (!handler) throw new HandlerNotFoundError(request.params.name)
    return toHandlerView(handler)
  })

  for (const paused of [true, false]) {
    const verb = paused ? 'pause' : 'resume'
    app.post(`/:name/${verb}`, {
      schema: {
        tags: ['handlers'],
        operationId: paused ? 'pauseHandler' : 'resumeHandler',
        summary: paused ? 'Pause a handler: none of its jobs is dispatched' : 'Resume a paused handler',
        description: paused
          ? 'Callbacks in flight finish; enqueueing, priority changes and cancels go on and its jobs keep their places. ' +
            'Jobs of other handlers are dispatched as if its backlog were not there. Pausing a paused handler changes nothing.'
          : 'Its jobs are dispatched again from where they stopped, in priority and first-enqueue order. Resuming a running handler changes nothing.',
        params: HandlerParamsSchema,
        // No body is read, but one sent is still parsed (or refused: too large, another type).
        response: { 200: ref(HandlerSchema), 404: ref(ErrorSchema), ...adminErrorResponses, ...bodyErrorResponses }
      }
    }, async (request) => {
      const handler = await queueOf(request).handlers.setPaused(request.params.name, paused)
      if (!handler) throw new HandlerNotFoundError(request.params.name)
      return toHandlerView(handler)
    })
  }

  app.delete('/:name', {
    schema: {
      tags: ['handlers'],
      operationId: 'deleteHandler',
      summary: 'Delete a handler',
      description: 'Jobs that still name it fail when they are dispatched.',
      params: HandlerParamsSchema,
      response: { 204: Type.Null(), 404: ref(ErrorSchema), ...adminErrorResponses, ...bodyErrorResponses }
    }
  }, async (request, reply) => {
    if (!await queueOf(request).handlers.delete(request.params.name)) throw new HandlerNotFoundError(request.params.name)
    return reply.code(204).send(null)
  })
}

export default handlerRoutes
