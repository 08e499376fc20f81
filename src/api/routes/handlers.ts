import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { HandlerNotFoundError } from '../../queue/errors.js'
import { CreatedHandlerSchema, HandlerBodySchema, HandlerParamsSchema, HandlerSchema } from '../schemas/handler.js'
import { ErrorSchema, errorResponses, ref } from '../schemas/shared.js'
import { toHandlerView } from '../views.js'

const handlerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Handlers decide where jobs are sent and hold signing secrets: admin keys only.
  app.addHook('onRoute', (route) => { route.config = { ...route.config, access: 'admin' } })

  app.put('/:name', {
    schema: {
      tags: ['handlers'],
      summary: 'Register or replace a handler',
      description: 'Settings left out take their defaults. On creation (201) the answer carries the signing secret, shown only then.',
      params: HandlerParamsSchema,
      body: ref(HandlerBodySchema),
      response: { 201: ref(CreatedHandlerSchema), 200: ref(HandlerSchema), ...errorResponses }
    }
  }, async (request, reply) => {
    const { created, handler } = await app.handlerStore.put(request.params.name, request.body)
    if (!created) return toHandlerView(handler)
    return reply.code(201).send({ ...toHandlerView(handler), secret: handler.secrets[0].secret })
  })

  app.get('', {
    schema: {
      tags: ['handlers'],
      summary: 'List handlers',
      response: { 200: Type.Object({ handlers: Type.Array(ref(HandlerSchema)) }), ...errorResponses }
    }
  }, async () => ({ handlers: (await app.handlerStore.list()).map(toHandlerView) }))

  app.get('/:name', {
    schema: {
      tags: ['handlers'],
      summary: 'Read a handler (never its secret)',
      params: HandlerParamsSchema,
      response: { 200: ref(HandlerSchema), 404: ref(ErrorSchema), ...errorResponses }
    }
  }, async (request) => {
    const handler = await app.handlerStore.get(request.params.name)
    if (!handler) throw new HandlerNotFoundError(request.params.name)
    return toHandlerView(handler)
  })

  app.delete('/:name', {
    schema: {
      tags: ['handlers'],
      summary: 'Delete a handler',
      description: 'Jobs that still name it fail when they are dispatched.',
      params: HandlerParamsSchema,
      response: { 204: Type.Null(), 404: ref(ErrorSchema), ...errorResponses }
    }
  }, async (request, reply) => {
    if (!await app.handlerStore.delete(request.params.name)) throw new HandlerNotFoundError(request.params.name)
    return reply.code(204).send(null)
  })
}

export default handlerRoutes
