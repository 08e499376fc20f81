import type { FastifyInstance, FastifyReply } from 'fastify'
import type { JobRecord } from '../queue/job.js'
import type { QueueHandle } from '../queue/queues.js'
import { FINAL_STATUSES } from '../events/event.js'

/**
 * GET /jobs/{id}?wait_ms=N: the job as soon as it is completed, failed or cancelled, or as it is
 * after `waitMs`. The waiter hears of the job's end through the queue's event reader, which every
 * waiter and stream of the process shares, so a thousand waiters poll Redis no more than one does.
 */
export async function readJobWaiting (app: FastifyInstance, queue: QueueHandle, ident: string, waitMs: number, reply: FastifyReply): Promise<JobRecord> {
  const deadline = Date.now() + waitMs
  const first = await queue.jobs.get(ident)
  if (waitMs === 0 || FINAL_STATUSES.has(first.status)) return first
  // Registered before the job is read again: an end written in between wakes it all the same.
  const waiter = await app.events.waitFor(queue.name, first.job_id)
  // A wait may outlast the connection's idle timeout (twice JOBQ_REQUEST_TIMEOUT_MS). Injected
  // requests (tests) have a socket without timeouts.
  const socket = typeof reply.raw.socket?.setTimeout === 'function' ? reply.raw.socket : null
  socket?.setTimeout(0)
  const gone = () => waiter.cancel()
  reply.raw.once('close', gone)
  try {
    const now = await queue.jobs.get(first.job_id)
    if (FINAL_STATUSES.has(now.status)) return now
    await waiter.wait(Math.max(0, deadline - Date.now()))
    return await queue.jobs.get(first.job_id)
  } finally {
    waiter.cancel()
    reply.raw.off('close', gone)
    if (socket && !socket.destroyed) socket.setTimeout(app.initialConfig.connectionTimeout ?? 0)
  }
}
