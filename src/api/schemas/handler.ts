import { Type } from 'typebox'
import { TaskNameSchema } from './job.js'
import { handlerExample, handlerSettingsExample, secretExample } from './examples.js'
import {
  HEADER_NAME_PATTERN, HEADER_VALUE_PATTERN, MAX_CALLBACK_HEADER_NAME, MAX_CALLBACK_HEADER_VALUE, MAX_CALLBACK_HEADERS
} from '../../queue/handler-store.js'

const settings = {
  url: Type.String({ format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2048, description: 'http:// or https:// URL the worker POSTs each job to' }),
  timeout_ms: Type.Integer({ minimum: 100, maximum: 3_600_000, description: 'Per attempt; default 30000' }),
  max_attempts: Type.Integer({ minimum: 1, maximum: 100, description: 'Attempts before the job fails for good; default 5' }),
  backoff_ms: Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'First retry delay, doubled each attempt with jitter; default 1000' }),
  max_concurrency: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
    description: 'At most this many callbacks of the handler in flight at once, counted over every worker; null (the default): no limit'
  }),
  rate_per_second: Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 }), Type.Null()], {
    description: 'At most this many callbacks started per second on average, over every worker; null (the default): no limit'
  }),
  async: Type.Boolean({
    description: 'The handler may answer 202 Accepted and finish the job later through POST /jobs/{id}/complete or /fail with the callback token; default false (a 202 is a 2xx that completes the job)'
  }),
  async_lease_ms: Type.Integer({
    minimum: 1000,
    maximum: 86_400_000,
    description: 'How long a job taken with 202 stays the handler\'s without a heartbeat or progress report (unless the 202 says {"lease_ms": N}); default 300000'
  }),
  burst: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], {
    description: 'How many callbacks the rate lets start at once after a quiet spell; null (the default): rate_per_second rounded up. Needs rate_per_second'
  })
}

const headersExample = { authorization: 'Bearer 7Fq2xLr9wK3mT8', 'x-tenant': 'acme' }
const maskedExample = { authorization: '****3mT8', 'x-tenant': '****' }

const headerNames = { pattern: HEADER_NAME_PATTERN, maxLength: MAX_CALLBACK_HEADER_NAME }

const HeadersSchema = Type.Record(Type.String(), Type.String({ maxLength: MAX_CALLBACK_HEADER_VALUE, pattern: HEADER_VALUE_PATTERN }), {
  maxProperties: MAX_CALLBACK_HEADERS,
  propertyNames: headerNames,
  description: `Headers sent with every callback, e.g. {"authorization": "Bearer ..."}: at most ${MAX_CALLBACK_HEADERS}, ` +
    `values up to ${MAX_CALLBACK_HEADER_VALUE} characters of visible ASCII or Latin-1, spaces and tabs. Names are case-insensitive ` +
    '(stored lower-cased); content-type, content-length, content-encoding, host, user-agent, webhook-*, jobq-* ' +
    '(set by JobQ) and hop-by-hop headers (connection, keep-alive, transfer-encoding, upgrade, te, trailer, expect, proxy-*) ' +
    'are refused. Values are secrets: they are never shown again, only masked. Left out, the stored headers stay; {} removes them.'
})

export const HandlerBodySchema = Type.Object({
  url: settings.url,
  timeout_ms: Type.Optional(settings.timeout_ms),
  max_attempts: Type.Optional(settings.max_attempts),
  backoff_ms: Type.Optional(settings.backoff_ms),
  max_concurrency: Type.Optional(settings.max_concurrency),
  rate_per_second: Type.Optional(settings.rate_per_second),
  burst: Type.Optional(settings.burst),
  async: Type.Optional(settings.async),
  async_lease_ms: Type.Optional(settings.async_lease_ms),
  headers: Type.Optional(HeadersSchema)
}, { $id: 'HandlerSettings', additionalProperties: false, examples: [{ ...handlerSettingsExample, headers: headersExample }] })

const handlerProperties = {
  name: TaskNameSchema,
  ...settings,
  headers: Type.Record(Type.String(), Type.String(), {
    propertyNames: headerNames,
    description: 'The callback headers, each value masked: **** and its last 4 characters, or only **** when it is shorter than 12'
  }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  paused: Type.Boolean({ description: 'No job of the handler is dispatched while paused (POST .../pause, .../resume)' }),
  queued: Type.Integer({ minimum: 0, description: 'Its jobs waiting to be dispatched now' }),
  scheduled: Type.Integer({ minimum: 0, description: 'Its jobs waiting for a due time (delayed jobs and retries)' }),
  in_flight: Type.Integer({ minimum: 0, description: 'Its jobs being processed now (each holds one of max_concurrency)' })
}

const maskedHandlerExample = { ...handlerExample, headers: maskedExample }

export const HandlerSchema = Type.Object(handlerProperties, { $id: 'Handler', additionalProperties: false, examples: [maskedHandlerExample] })

export const CreatedHandlerSchema = Type.Object({
  ...handlerProperties,
  secret: Type.String({ description: 'Standard Webhooks signing secret (whsec_...). Shown only in this answer: keep it.' })
}, { $id: 'CreatedHandler', additionalProperties: false, examples: [{ ...maskedHandlerExample, secret: secretExample }] })

export const HandlerParamsSchema = Type.Object({ name: TaskNameSchema })
