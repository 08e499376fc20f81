import type { FastifyRequest, FastifyServerOptions } from 'fastify'

/**
 * Query parameters the API takes, whose values are safe to log. Any other parameter's value is
 * logged as [redacted]: a key someone put in a URL (`?access_token=`, as some SSE clients do)
 * must not reach a log line, although the API never takes a key from a URL.
 */
const LOGGED_PARAMS = new Set(['list', 'cursor', 'limit', 'wait_ms', 'last_event_id', 'job_id', 'entity_id', 'task', 'types'])

/** The request URL as logged: path as is, values of unknown query parameters redacted. */
export function loggedUrl (url: string): string {
  const at = url.indexOf('?')
  if (at < 0) return url
  const params = url.slice(at + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? pair : pair.slice(0, eq)
    let decoded = name
    try { decoded = decodeURIComponent(name) } catch {}
    return eq < 0 || LOGGED_PARAMS.has(decoded) ? pair : `${name}=[redacted]`
  })
  return `${url.slice(0, at)}?${params.join('&')}`
}

/** Fastify's request serializer, with the URL through loggedUrl. */
function serializeRequest (request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  }
}

/** The app's logger option with the request serializer added (a logger that is off stays off). */
export function withRequestSerializer (logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false
  const options = logger === true ? {} : logger
  return { ...options, serializers: { ...options.serializers, req: serializeRequest as never } }
}
