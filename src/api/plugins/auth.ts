import fp from 'fastify-plugin'
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../config/config.js'
import { ConfigError } from '../../config/config.js'
import { readKeysFile, type FileKey } from '../keys-file.js'

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
  interface FastifyInstance {
    /**
     * Reads JOBQ_KEYS_FILE again (on SIGHUP). True when its keys are now in force; false when there
     * is no such file or it is unreadable or invalid, which is logged and keeps the previous keys.
     */
    reloadKeys: () => Promise<boolean>
  }
}

/** A key the API accepts, as its SHA-256, and what it may do. */
interface Grant {
  digest: Buffer
  admin: boolean
  queues: ReadonlySet<string> | '*'
}

const digest = (key: string): Buffer => createHash('sha256').update(key).digest()
const everyQueue = () => true

/** Top-level routes of the default queue (JOBQ_QUEUE); /queues/{queue}/... name their queue. */
const DEFAULT_QUEUE_ROUTE = /^\/(jobs|queue|handlers|events|schedules)(\/|$)/
const NAMED_QUEUE_ROUTE = /^\/queues\/:queue(\/|$)/

/** The queue a route is about, as the caller named it (not yet validated); undefined for /healthz, /queues, ... */
function queueOfRoute (request: FastifyRequest, defaultQueue: string): string | undefined {
  const url = request.routeOptions.url
  if (url === undefined) return undefined
  if (NAMED_QUEUE_ROUTE.test(url)) return String((request.params as { queue?: unknown }).queue ?? '')
  return DEFAULT_QUEUE_ROUTE.test(url) ? defaultQueue : undefined
}

/** True for addresses only this machine can reach. */
export function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * Refuses to serve an open API beyond this machine: with no keys set, HOST must be loopback unless
 * JOBQ_ALLOW_UNAUTHENTICATED says otherwise.
 */
export function assertSafeExposure (config: Config): void {
  if (config.apiKeys || config.adminKeys || config.keysFile || config.allowUnauthenticated || isLoopback(config.host)) return
  throw new ConfigError(`HOST: ${config.host} is reachable from other machines and no JOBQ_API_KEYS, ` +
    'JOBQ_ADMIN_KEYS or JOBQ_KEYS_FILE are set; set keys, bind to 127.0.0.1, or set JOBQ_ALLOW_UNAUTHENTICATED=1 to serve it open on purpose')
}

/**
 * Bearer-key access control. Keys are compared as SHA-256 digests with timingSafeEqual against
 * every key the API knows, so neither the key's content nor its position leaks through timing.
 * JOBQ_API_KEYS and JOBQ_ADMIN_KEYS may use every queue; keys from JOBQ_KEYS_FILE only theirs, and
 * a route of another queue answers them 403 before anything about that queue is looked at.
 * With JOBQ_KEYS_FILE set, keys are required even while the file lists none.
 */
async function authPlugin (app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  const fromList = (list: string, admin: boolean): Grant[] =>
    list.split(',').filter(Boolean).map((key) => ({ digest: digest(key), admin, queues: '*' }))
  // Admin keys first: a key in both lists is an admin key.
  const listed = [...fromList(config.adminKeys, true), ...fromList(config.apiKeys, false)]
  let grants: readonly Grant[] = listed

  const loadFile = async (): Promise<readonly Grant[]> => {
    const keys = await readKeysFile(config.keysFile)
    keys.forEach(checkNotListed)
    app.log.info({ file: config.keysFile, keys: keys.length }, 'keys file loaded')
    return [...listed, ...keys.map((key) => ({ digest: key.digest, admin: key.role === 'admin', queues: key.queues }))]
  }
  const checkNotListed = (key: FileKey, i: number) => {
    if (listed.some((grant) => grant.digest.equals(key.digest))) {
      throw new ConfigError(`JOBQ_KEYS_FILE: keys[${i}].sha256: this key is also in JOBQ_API_KEYS or JOBQ_ADMIN_KEYS, which give every queue`)
    }
  }

  // One reload at a time, so two quick SIGHUPs cannot end with the older file in force.
  let reloading = Promise.resolve(false)
  app.decorate('reloadKeys', () => {
    reloading = reloading.then(async () => {
      if (!config.keysFile) {
        app.log.warn('no JOBQ_KEYS_FILE to reload')
        return false
      }
      try {
        grants = await loadFile()
        return true
      } catch (err) {
        // The message names the entry and field, never a key or a hash.
        app.log.error({ file: config.keysFile, reason: (err as Error).message }, 'keys file not reloaded; the previous keys stay in force')
        return false
      }
    })
    return reloading
  })
  app.decorateRequest('mayUseQueue', everyQueue)
  if (config.keysFile) grants = await loadFile()
  else if (listed.length === 0) return

  const find = (presented: Buffer, all: readonly Grant[]): Grant | null => {
    let found: Grant | null = null
    for (const grant of all) {
      // timingSafeEqual runs for every key, a match or not.
      if (timingSafeEqual(presented, grant.digest) && found === null) found = grant
    }
    return found
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.routeOptions.url
    const access = request.routeOptions.config.access ?? (url?.startsWith('/docs') ? 'public' : 'client')
    if (access === 'public') return
    const header = request.headers.authorization ?? ''
    const token = /^Bearer +(\S+)$/i.exec(header)?.[1]
    const grant = token ? find(digest(token), grants) : null
    if (!grant) {
      reply.header('www-authenticate', 'Bearer realm="jobq"')
      return reply.code(401).send({
        statusCode: 401,
        error: 'Unauthorized',
        message: token ? 'authorization: the bearer key is not valid' : 'authorization: a bearer key is required (Authorization: Bearer <key>)'
      })
    }
    const allowed = grant.queues
    const mayUse = allowed === '*' ? everyQueue : (queue: string) => allowed.has(queue)
    request.mayUseQueue = mayUse
    // Before validation and before Redis: the answer is the same whether the queue exists or not.
    const queue = queueOfRoute(request, config.queue)
    if (queue !== undefined && !mayUse(queue)) {
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `queue: this key may not use queue ${queue}` })
    }
    if (access === 'admin' && !grant.admin) {
      const what = url?.includes('/schedules') ? 'changing schedules' : 'managing handlers'
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `authorization: ${what} needs an admin key` })
    }
  })
}

export default fp(authPlugin, { name: 'auth' })
