import { Type } from 'typebox'
import { ref } from './shared.js'
import { JobSchema } from './job.js'
import { queueExample } from './examples.js'
import { QUEUE_NAME } from '../../queue/keys.js'

const count = (description: string) => Type.Integer({ minimum: 0, description })
const ms = Type.Union([Type.Integer(), Type.Null()])

export const QueueSchema = Type.Object({
  queue: Type.String({ description: 'Name of the queue' }),
  queued: count('Jobs waiting to run'),
  by_priority: Type.Object({ 1: count('Queued at priority 1'), 2: count('Queued at priority 2'), 3: count('Queued at priority 3') }),
  processing: count('Jobs whose callback is in flight'),
  scheduled: count('Jobs waiting to retry'),
  failed: count('Jobs in the dead-letter set (retained)'),
  completed: count('Completed jobs still retained'),
  cancelled: count('Cancelled jobs still retained'),
  total_processed: count('Jobs that ran to an end, completed or failed, since the queue began'),
  runtime_ms: Type.Object({ min: ms, avg: ms, max: ms }, { description: 'From first dispatch to the end, over total_processed' }),
  oldest_queued_age_ms: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'How long the longest-waiting queued job has waited since its first enqueue; null when none is queued' }),
  paused: Type.Boolean({ description: 'No job is dispatched while paused (POST .../pause, .../resume)' }),
  uptime_seconds: Type.Integer({ minimum: 0, description: 'Uptime of the API process that answered' }),
  jobs: Type.Optional(Type.Array(ref(JobSchema), { description: 'One page of the listed state, in the order that list keeps' })),
  next_cursor: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null at the end' }))
}, { $id: 'Queue', additionalProperties: false, examples: [queueExample] })

export const QueueQuerySchema = Type.Object({
  list: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('processing'), Type.Literal('failed')], {
    description: 'Add one page of these jobs: queued in dispatch order, processing by lease deadline, failed (the dead-letter set) oldest failure first'
  })),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'next_cursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size, at most 1000' }))
}, { additionalProperties: false })

export const QueueNameSchema = Type.String({
  pattern: QUEUE_NAME.source,
  description: 'Name of a queue: 1-64 of A-Z a-z 0-9 _ . -'
})

export const QueueSummarySchema = Type.Object({
  name: Type.String({ description: 'Name of the queue' }),
  queued: count('Jobs waiting to run'),
  processing: count('Jobs whose callback is in flight'),
  scheduled: count('Jobs waiting for their due time (retries)'),
  failed: count('Jobs in the dead-letter set (retained)'),
  completed: count('Completed jobs still retained'),
  cancelled: count('Cancelled jobs still retained'),
  paused: Type.Boolean({ description: 'No job is dispatched while paused' })
}, { $id: 'QueueSummary', additionalProperties: false })

export const QueuePausedSchema = Type.Object({
  queue: Type.String({ description: 'Name of the queue' }),
  paused: Type.Boolean({ description: 'The queue\'s state after the call' })
}, { additionalProperties: false })

export const QueueListSchema = Type.Object({
  queues: Type.Array(ref(QueueSummarySchema), { description: 'Every queue the caller may use, by name' })
}, { $id: 'QueueList', additionalProperties: false })
