import type { FastifyRequest } from 'fastify'
import type { QueueHandle } from '../queue/queues.js'

/**
 * Which queue a request is about. The job, handler and queue routes are registered twice: at the
 * top level, where this is always the default queue (JOBQ_QUEUE), and under /queues/{queue}, where
 * it is the named one. A function rather than a request hook keeps the default queue's hot path
 * free of one more hook per request.
 */
export type QueueOf = (request: FastifyRequest) => QueueHandle

export interface ScopedRouteOptions {
  queueOf: QueueOf
}
