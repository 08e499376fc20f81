import { Type } from 'typebox'
import { EVENT_TYPES } from '../../events/event.js'
import { JobStatusSchema } from './job.js'

export const EventTypeSchema = Type.Union(EVENT_TYPES.map((type) => Type.Literal(type)))

/** What each `data:` line of GET /events holds. Documented here; the stream is written by hand, not serialized. */
export const JobEventSchema = Type.Object({
  type: EventTypeSchema,
  queue: Type.String({ description: 'The queue of the job' }),
  job_id: Type.String(),
  entity_id: Type.String(),
  task: Type.String(),
  status: JobStatusSchema,
  priority: Type.Integer({ minimum: 1, maximum: 3, description: 'After the change' }),
  attempt: Type.Integer({ minimum: 0, description: 'Attempts so far' }),
  at: Type.String({ format: 'date-time', description: 'When the change was made' }),
  error: Type.Optional(Type.String({ description: 'job.failed, job.retry_scheduled: why the attempt failed' })),
  next_attempt_at: Type.Optional(Type.String({ format: 'date-time', description: 'job.retry_scheduled, and job.enqueued of a delayed job: when it is due' })),
  from: Type.Optional(Type.Integer({ description: 'job.priority_changed: the priority before' })),
  percent: Type.Optional(Type.Number({ description: 'job.progress: how far the handler says it is' })),
  message: Type.Optional(Type.String({ description: 'job.progress: what the handler says it is doing' }))
}, {
  $id: 'JobEvent',
  description: 'One job state change, as the `data:` of an event whose `id:` is its stream id. Fields beyond the first nine ' +
    'are the change\'s details and depend on its type; a client should ignore fields it does not know.',
  examples: [{
    type: 'job.completed',
    queue: 'default',
    job_id: 'VcE1jTf00001',
    entity_id: 'user-42',
    task: 'email.send',
    status: 'completed',
    priority: 1,
    attempt: 1,
    at: '2026-12-02T04:00:00.000Z'
  }]
})

/** The stream itself is text; OpenAPI 3.1 has no way to give each event's schema, so the description points at it. */
export const EventStreamSchema = Type.String({
  description: 'Server-Sent Events. Each event is `id: <stream id>` and `data: <JobEvent as JSON>` (see the JobEvent schema), ' +
    'or `event: gap` with `data: {"queue", "last_event_id", "oldest_event_id"}`; lines starting with `:` are comments.',
  examples: [': connected\n\nid: 1796183295657-0\ndata: {"type":"job.completed","queue":"default","job_id":"VcE1jTf00001",' +
    '"entity_id":"user-42","task":"email.send","status":"completed","priority":1,"attempt":1,"at":"2026-12-02T04:00:00.000Z"}\n\n']
})

const ident = (description: string, maxLength: number) => Type.Optional(Type.String({ minLength: 1, maxLength, description }))

export const EventsQuerySchema = Type.Object({
  last_event_id: Type.Optional(Type.String({
    pattern: '^\\d{1,20}-\\d{1,20}$',
    description: 'Resume after this event id (as the Last-Event-ID header does, for clients that cannot set it)'
  })),
  job_id: ident('Only events of this job', 256),
  entity_id: ident('Only events of this entity\'s jobs', 256),
  task: ident('Only events of jobs of this task', 128),
  types: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 512,
    description: `Only these types, comma-separated: ${EVENT_TYPES.join(', ')}`
  }))
}, { additionalProperties: false })
