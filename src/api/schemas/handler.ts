import { Type } from 'typebox'
import { TaskNameSchema } from './job.js'
import { handlerExample, handlerSettingsExample, secretExample } from './examples.js'

const settings = {
  url: Type.String({ format: 'uri', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', maxLength: 2048, description: 'http:// or https:// URL the worker POSTs each job to' }),
  timeout_ms: Type.Integer({ minimum: 100, maximum: 3_600_000, description: 'Per attempt; default 30000' }),
  max_attempts: Type.Integer({ minimum: 1, maximum: 100, description: 'Attempts before the job fails for good; default 5' }),
  backoff_ms: Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'First retry delay, doubled each attempt with jitter; default 1000' })
}

export const HandlerBodySchema = Type.Object({
  url: settings.url,
  timeout_ms: Type.Optional(settings.timeout_ms),
  max_attempts: Type.Optional(settings.max_attempts),
  backoff_ms: Type.Optional(settings.backoff_ms)
}, { $id: 'HandlerSettings', additionalProperties: false, examples: [handlerSettingsExample] })

const handlerProperties = {
  name: TaskNameSchema,
  ...settings,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}

export const HandlerSchema = Type.Object(handlerProperties, { $id: 'Handler', additionalProperties: false, examples: [handlerExample] })

export const CreatedHandlerSchema = Type.Object({
  ...handlerProperties,
  secret: Type.String({ description: 'Standard Webhooks signing secret (whsec_...). Shown only in this answer: keep it.' })
}, { $id: 'CreatedHandler', additionalProperties: false, examples: [{ ...handlerExample, secret: secretExample }] })

export const HandlerParamsSchema = Type.Object({ name: TaskNameSchema })
