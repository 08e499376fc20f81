import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config/config.js'
import { createRedisFor } from '../../queue/redis.js'
import { EventHub } from '../../events/event-hub.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's readers of the queues' event streams, shared by every SSE client and waiter. */
    events: EventHub
    /** Open SSE responses, ended when the API closes (they would otherwise hold its close for ever). */
    eventStreams: Set<{ close (): void }>
  }
}

/** How long one XREAD blocks; its connection's command timeout is a little longer. */
const BLOCK_MS = 5000

/**
 * The event hub. Each queue's reader gets a connection of its own, made here from the same
 * settings as the API's client (a single server, Sentinel or Cluster): a blocking XREAD on the
 * shared client would hold up every other command queued behind it.
 */
async function eventsPlugin (app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  const hub = new EventHub({
    connect: () => createRedisFor(config, { commandTimeoutMs: BLOCK_MS + 3000 }),
    log: app.log,
    blockMs: BLOCK_MS
  })
  const streams = new Set<{ close (): void }>()
  app.decorate('events', hub)
  app.decorate('eventStreams', streams)
  // Before the server closes: waiters answer with the state they see now, and streams end.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.close()
    streams.clear()
    hub.close()
  })
}

export default fp(eventsPlugin, { name: 'events', dependencies: ['queue'] })
