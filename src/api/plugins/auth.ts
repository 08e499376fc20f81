import fp from 'fastify-plugin'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../config/config.js'
import { ConfigError } from '../../config/config.js'

/** Who may call a route: anyone, a client key (jobs and queue) or an admin key (handlers too). */
export type Access = 'public' | 'client' | 'admin'

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
  interface FastifyRequest {
    /** Whether the caller's key may use the queue (every key may, unless keys are limited to queues). */
    mayUseQueue: (queue: string) => boolean
  }
}

const digest = (key: string): Buffer => createHash('sha256').update(key).digest()

/** True for addresses only this machine can reach. */
export function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * Refuses to serve an open API beyond this machine: with no keys set, HOST must be loopback unless
 * JOBQ_ALLOW_UNAUTHENTICATED says otherwise.
 */
export function assertSafeExposure (config: Config): void {
  if (config.apiKeys || config.adminKeys || config.allowUnauthenticated || isLoopback(config.host)) return
  throw new ConfigError(`HOST: ${config.host} is reachable from other machines and no JOBQ_API_KEYS or ` +
    'JOBQ_ADMIN_KEYS are set; set keys, bind to 127.0.0.1, or set JOBQ_ALLOW_UNAUTHENTICATED=1 to serve it open on purpose')
}

/**
 * Bearer-key access control. Keys are compared as SHA-256 digests with timingSafeEqual against
 * every configured key, so neither the key's content nor its position leaks through timing.
 */
async function authPlugin (app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  const split = (list: string) => list.split(',').filter(Boolean).map(digest)
  app.decorateRequest('mayUseQueue', () => true)
  const clientKeys = split(config.apiKeys)
  const adminKeys = split(config.adminKeys)
  if (clientKeys.length === 0 && adminKeys.length === 0) return

  const matches = (presented: Buffer, keys: Buffer[]) => {
    let found = false
    for (const key of keys) found = timingSafeEqual(presented, key) || found
    return found
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = request.routeOptions.config.access ??
      (request.routeOptions.url?.startsWith('/docs') ? 'public' : 'client')
    if (access === 'public') return
    const header = request.headers.authorization ?? ''
    const token = /^Bearer +(\S+)$/i.exec(header)?.[1]
    const presented = token ? digest(token) : null
    const isAdmin = presented !== null && matches(presented, adminKeys)
    const isClient = presented !== null && !isAdmin && matches(presented, clientKeys)
    if (!isAdmin && !isClient) {
      reply.header('www-authenticate', 'Bearer realm="jobq"')
      return reply.code(401).send({
        statusCode: 401,
        error: 'Unauthorized',
        message: token ? 'authorization: the bearer key is not valid' : 'authorization: a bearer key is required (Authorization: Bearer <key>)'
      })
    }
    if (access === 'admin' && !isAdmin) {
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'authorization: managing handlers needs an admin key' })
    }
  })
}

export default fp(authPlugin, { name: 'auth' })
