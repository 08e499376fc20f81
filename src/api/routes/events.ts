import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import createError from '@fastify/error'
import { EVENT_TYPES, STREAM_ID } from '../../events/event.js'
import { SseClient, type EventFilter } from '../../events/sse-client.js'
import { QueueNotFoundError } from '../../queue/errors.js'
import { EventStreamSchema, EventsQuerySchema } from '../schemas/events.js'
import { ErrorSchema, errorResponses, ref } from '../schemas/shared.js'
import type { ScopedRouteOptions } from '../queue-scope.js'

const InvalidEventsQueryError = createError<[string]>('JQ_ERR_INVALID_EVENTS_QUERY', '%s', 400)

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES)

interface EventRouteOptions extends ScopedRouteOptions {
  /** Answer 404 for a queue not in the registry (/queues/{queue}/events); the default queue always answers. */
  mustExist: boolean
  maxBufferBytes: number
  heartbeatMs: number
}

/** ?types=a,b as a set; an unknown type is a 400 that names it. */
function parseTypes (types: string | undefined): ReadonlySet<string> | undefined {
  if (types === undefined) return undefined
  const list = types.split(',').map((type) => type.trim())
  const unknown = list.find((type) => !KNOWN_TYPES.has(type))
  if (unknown !== undefined) {
    throw new InvalidEventsQueryError(`querystring.types: "${unknown}" is not an event type (one of ${EVENT_TYPES.join(', ')})`)
  }
  return new Set(list)
}

/** GET /events: the queue's job state changes as Server-Sent Events, live, resumable from an event id. */
const eventRoutes: FastifyPluginAsyncTypebox<EventRouteOptions> = async (app, { queueOf, mustExist, maxBufferBytes, heartbeatMs }) => {
  app.get('', {
    schema: {
      tags: ['events'],
      operationId: 'streamEvents',
      summary: 'Every job state change of the queue, as Server-Sent Events',
      description: 'A `text/event-stream` that stays open: each event\'s `id:` is its stream id and its `data:` one JobEvent ' +
        '(JSON on one line). Send the last id seen as `Last-Event-ID` (or `?last_event_id=`) to resume with no gap and no ' +
        'duplicate while the events are retained (JOBQ_EVENTS_RETENTION); when some may be gone, the stream starts with ' +
        '`event: gap` whose data names the oldest id retained. A comment line comes at least every 15 s. Send the key ' +
        'in the Authorization header, never in the URL (a browser reads the stream with fetch(), not EventSource).',
      querystring: EventsQuerySchema,
      response: {
        200: {
          description: 'The event stream (never ends by itself)',
          content: { 'text/event-stream': { schema: EventStreamSchema } }
        },
        ...(mustExist ? { 404: ref(ErrorSchema) } : {}),
        ...errorResponses
      }
    }
  }, async (request, reply) => {
    const queue = queueOf(request)
    const query = request.query
    const header = request.headers['last-event-id']
    if (typeof header === 'string' && header !== '' && !STREAM_ID.test(header)) {
      throw new InvalidEventsQueryError('last-event-id: not an event id (<ms>-<seq>, as the id: of an event)')
    }
    const lastEventId = query.last_event_id ?? (typeof header === 'string' && header !== '' ? header : undefined)
    const filter: EventFilter = { job_id: query.job_id, entity_id: query.entity_id, task: query.task, types: parseTypes(query.types) }
    if (mustExist && !await app.queues.exists(queue.name)) throw new QueueNotFoundError(queue.name)

    const raw = reply.raw
    const client = new SseClient({ queue: queue.name, raw, filter, maxBufferBytes, heartbeatMs, log: request.log })
    // Redis away: a 503 like any route's, before anything of the stream is sent.
    const subscription = await app.events.listen(queue.name, client.deliver, client.index).catch((err: Error) => {
      client.close()
      throw err
    })
    // From here to goLive or resume, no await: the reader cannot read an entry in between.
    reply.hijack()
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses unless told not to
      'x-accel-buffering': 'no'
    })
    // The stream is never idle for longer than the heartbeat, so the connection's idle timeout does not apply.
    if (typeof raw.socket?.setTimeout === 'function') raw.socket.setTimeout(0)
    raw.write(': connected\n\n')
    app.eventStreams.add(client)
    raw.on('close', () => {
      subscription.close()
      app.eventStreams.delete(client)
      client.close()
    })
    if (lastEventId === undefined) {
      client.goLive(subscription.reader.lastId)
      return
    }
    try {
      await client.resume(queue.jobs.redis, queue.jobs.keys.events, lastEventId, subscription.reader)
    } catch (err) {
      // Headers are gone: the client learns by the end of the stream and reconnects with its Last-Event-ID.
      request.log.warn({ err, queue: queue.name }, 'could not resume an event stream; closing it')
      client.close()
    }
  })
}

export default eventRoutes
