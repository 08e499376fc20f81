import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../../config/config.js'

/** The caller a limit applies to: its bearer key (hashed, never kept in clear), else its address. */
function callerOf (request: FastifyRequest): string {
  const header = request.headers.authorization
  return header ? 'key:' + createHash('sha256').update(header).digest('base64url') : 'ip:' + request.ip
}

/**
 * JOBQ_RATE_LIMIT requests per minute per caller, counted in Redis so that every API process shares
 * one budget. Health probes and the docs are not counted. Over the limit: 429 with Retry-After.
 */
async function rateLimitPlugin (app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  if (config.rateLimit === 0) return
  await app.register(rateLimit, {
    max: config.rateLimit,
    timeWindow: 60_000,
    redis: app.jobQueue.redis,
    nameSpace: app.jobQueue.keys.rateLimitPrefix,
    keyGenerator: callerOf,
    // A Redis that is away answers 503 from the route itself; the limiter must not turn it into a 500.
    skipOnError: true,
    allowList: (request) => {
      const url = request.routeOptions.url ?? ''
      return url === '/healthz' || url === '/readyz' || url.startsWith('/docs')
    },
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `rate limit: at most ${context.max} requests a minute; retry in ${context.after}`
    })
  })
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['queue'] })
