import createError from '@fastify/error'
import type { FastifyInstance } from 'fastify'
import { isUtf8 } from 'node:buffer'

export const InvalidUtf8BodyError = createError('JQ_ERR_BODY_NOT_UTF8', 'body: is not valid UTF-8; send JSON encoded as UTF-8', 400)

/**
 * Fastify's JSON body parser (with its empty-body and prototype-poisoning checks), except that a body
 * that is not valid UTF-8 is refused instead of decoded with U+FFFD in place of the bad bytes: that
 * would store an entity_id other than the caller's, and make distinct ones (`caf\xe9`, `caf\xe8` in
 * Latin-1) the same entity.
 */
export function installJsonParser (app: FastifyInstance): void {
  const { onProtoPoisoning, onConstructorPoisoning } = app.initialConfig
  const parse = app.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) {
      done(new InvalidUtf8BodyError(), undefined)
      return
    }
    parse(request, body.toString('utf8'), done)
  })
}
