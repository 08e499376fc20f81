import { Type, type Static } from 'typebox'
import { jobExample, newJobExample } from './examples.js'

export const PrioritySchema = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)], {
  description: '1 is the highest'
})

/** The longest delay a job may be given. */
export const YEAR_MS = 365 * 86_400_000

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const JobStatusSchema = Type.Union([
  Type.Literal('queued'), Type.Literal('scheduled'), Type.Literal('processing'),
  Type.Literal('completed'), Type.Literal('failed'), Type.Literal('cancelled')
], { description: 'scheduled: waiting for its due time (delayed, or a retry after a failed attempt); failed: in the dead-letter set' })

const jobProperties = {
  job_id: Type.String({ description: 'Unique, time-ordered; the idempotency key a handler should use' }),
  entity_id: Type.String(),
  task: Type.String({ description: 'The handler that runs the job' }),
  status: JobStatusSchema,
  priority: PrioritySchema,
  position_in_queue: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: '1 = next to run; null unless queued' }),
  position_in_priority: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: '1 = next within its priority; null unless queued' }),
  args: Type.Array(Type.Unknown()),
  kwargs: Type.Record(Type.String(), Type.Unknown()),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  attempts: Type.Integer({ minimum: 0, description: 'Dispatch attempts started' }),
  queued_at: Type.String({ format: 'date-time', description: 'First enqueue; orders the job within its priority' }),
  priority_updated_at: Timestamp,
  started_at: Timestamp,
  finished_at: Timestamp,
  next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When a scheduled job is due (a delayed job, or a retry)' }),
  last_error: Type.Union([Type.String(), Type.Null()]),
  result: Type.Unknown({ description: 'The JSON body the handler answered with, when it completed the job' }),
  progress: Type.Union([Type.Object({
    percent: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]),
    message: Type.Union([Type.String(), Type.Null()]),
    at: Type.String({ format: 'date-time' })
  }, { additionalProperties: false }), Type.Null()], { description: 'The last progress its handler reported (POST .../progress) for this attempt' }),
  lease_expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'For a job its async handler holds (after a 202): when its lease lapses unless the handler reports again'
  }),
  schedule: Type.Union([Type.Object({
    name: Type.String({ description: 'The schedule (callback header jobq-schedule)' }),
    tick: Type.String({ format: 'date-time', description: 'The tick the job is for (callback header jobq-tick)' })
  }, { additionalProperties: false }), Type.Null()], { description: 'The recurring schedule whose tick enqueued the job; null for other jobs' })
}

export const JobSchema = Type.Object(jobProperties, { $id: 'Job', additionalProperties: false, examples: [jobExample] })

export type JobView = Static<typeof JobSchema>

export const EnqueueOutcomeSchema = Type.Union([
  Type.Literal('created'), Type.Literal('priority_raised'), Type.Literal('exists'), Type.Literal('processing')
])

export const EnqueuedJobSchema = Type.Object({ ...jobProperties, outcome: EnqueueOutcomeSchema },
  { $id: 'EnqueuedJob', additionalProperties: false, examples: [{ ...jobExample, outcome: 'created' }] })

export type EnqueuedJobView = Static<typeof EnqueuedJobSchema>

export const TaskNameSchema = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$',
  description: 'Name of a registered handler: 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit'
})

export const EntityIdSchema = Type.String({
  minLength: 1,
  maxLength: 256,
  // Unpaired surrogates (JSON can write them as \udxxx escapes) are refused: UTF-8 cannot carry them, so Redis
  // would store U+FFFD and distinct entity ids would become the same entity.
  pattern: '^[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]+$',
  description: 'The resource the job is about: one active job per entity. 1-256 characters, no control characters or unpaired surrogates'
})

export const NewJobSchema = Type.Object({
  task: TaskNameSchema,
  entity_id: EntityIdSchema,
  args: Type.Optional(Type.Array(Type.Unknown(), { description: 'Positional arguments; default []' })),
  kwargs: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Keyword arguments; default {}' })),
  priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 3, description: '1 (highest, default) to 3' })),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Anything the caller wants back; default {}' })),
  delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: YEAR_MS, description: 'Run no sooner than this many ms from now (0 to one year); the job is scheduled until then. Not with run_at' })),
  run_at: Type.Optional(Type.String({ format: 'date-time', description: 'Run no sooner than this time (RFC 3339); a time in the past means now. Not with delay_ms' }))
}, { $id: 'NewJob', additionalProperties: false, examples: [newJobExample] })

export type NewJobBody = Static<typeof NewJobSchema>

export const PriorityBodySchema = Type.Object({
  priority: Type.Integer({ minimum: 1, maximum: 3, description: '1 (highest) to 3' })
}, { additionalProperties: false })

/** The longest GET /jobs/{id}?wait_ms= may wait. */
export const MAX_WAIT_MS = 60_000

export const WaitQuerySchema = Type.Object({
  wait_ms: Type.Optional(Type.Integer({
    minimum: 0,
    maximum: MAX_WAIT_MS,
    description: 'Wait up to this many ms (0 to 60000) for the job to be completed, failed or cancelled; 0 or absent: answer at once'
  }))
})
