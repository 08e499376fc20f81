import { Type, type Static } from 'typebox'
import { EntityIdSchema, JobSchema, TaskNameSchema } from './job.js'
import { ref } from './shared.js'

const example = {
  cron: '30 2 * * *',
  timezone: 'Europe/Berlin',
  job: { task: 'reports.nightly', entity_id: 'nightly-report', kwargs: { format: 'pdf' } },
  catch_up: 'last'
}

export const ScheduleNameSchema = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$',
  description: 'The schedule\'s name (sent as the jobq-schedule header): 1-128 of A-Z a-z 0-9 _ . : -, starting with a letter or digit'
})

export const ScheduleParamsSchema = Type.Object({ name: ScheduleNameSchema })

const CatchUpSchema = Type.Union([Type.Literal('last'), Type.Literal('none')], {
  description: 'Ticks missed while no worker ran (or fired more than a second late): "last" (the default) enqueues one job, ' +
    'for the latest of them; "none" enqueues none. Never one job per missed tick'
})

const cronDescription = 'A cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. "*/15 * * * *") ' +
  'or 6 with seconds first ("*/10 * * * * *"); names (MON, JAN), L, W and # as croner reads them'
const timezoneDescription = 'An IANA timezone name the expression is read in (default UTC); daylight saving time follows it: ' +
  'a daily 02:30 runs once on the day the clocks skip it (just after the gap) and once on the day 02:30 comes twice'

const jobProperties = {
  task: TaskNameSchema,
  entity_id: Type.Unsafe<string>({ ...EntityIdSchema, description: 'The entity of every tick\'s job: a tick whose entity still has an active job adds none (outcome exists)' }),
  args: Type.Optional(Type.Array(Type.Unknown(), { description: 'Positional arguments; default []' })),
  kwargs: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Keyword arguments; default {}' })),
  priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 3, description: '1 (highest, default) to 3' })),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Anything the caller wants back; default {}' }))
}

export const ScheduleBodySchema = Type.Object({
  cron: Type.String({ minLength: 1, maxLength: 256, description: cronDescription }),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: timezoneDescription })),
  job: Type.Object(jobProperties, { additionalProperties: false, description: 'The job each tick enqueues, as POST /jobs takes it (without a delay)' }),
  catch_up: Type.Optional(CatchUpSchema),
  paused: Type.Optional(Type.Boolean({ description: 'Created (or replaced) paused; default false' }))
}, { $id: 'ScheduleSettings', additionalProperties: false, examples: [example] })

export type ScheduleBody = Static<typeof ScheduleBodySchema>

export const ScheduleSchema = Type.Object({
  name: ScheduleNameSchema,
  cron: Type.String({ description: cronDescription }),
  timezone: Type.String(),
  job: Type.Object({
    task: TaskNameSchema,
    entity_id: Type.String(),
    args: Type.Array(Type.Unknown()),
    kwargs: Type.Record(Type.String(), Type.Unknown()),
    priority: Type.Integer({ minimum: 1, maximum: 3 }),
    metadata: Type.Record(Type.String(), Type.Unknown())
  }, { additionalProperties: false }),
  catch_up: CatchUpSchema,
  paused: Type.Boolean({ description: 'A paused schedule fires nothing; resumed, it fires from its next tick' }),
  next_run_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The next tick; null while paused' }),
  last_run_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The tick (or trigger) that last enqueued' }),
  last_job_id: Type.Union([Type.String(), Type.Null()], { description: 'The job that tick enqueued (or found active for the entity)' }),
  last_outcome: Type.Union([
    Type.Literal('created'), Type.Literal('priority_raised'), Type.Literal('exists'), Type.Literal('processing'), Type.Literal('no_handler'), Type.Null()
  ], { description: 'What that enqueue answered, as POST /jobs would; no_handler when the task\'s handler was deleted' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' })
}, {
  $id: 'Schedule',
  additionalProperties: false,
  examples: [{
    name: 'nightly-report',
    ...example,
    job: { ...example.job, args: [], metadata: {}, priority: 1 },
    paused: false,
    next_run_at: '2026-12-03T01:30:00.000Z',
    last_run_at: '2026-12-02T01:30:00.000Z',
    last_job_id: 'VcE1jTf00001',
    last_outcome: 'created',
    created_at: '2026-11-30T09:12:00.000Z',
    updated_at: '2026-11-30T09:12:00.000Z'
  }]
})

export const TriggeredSchema = Type.Object({
  outcome: Type.Union([Type.Literal('created'), Type.Literal('priority_raised'), Type.Literal('exists'), Type.Literal('processing')]),
  job: ref(JobSchema),
  schedule: ref(ScheduleSchema)
}, { $id: 'Triggered', additionalProperties: false })
