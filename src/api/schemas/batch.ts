import { Type } from 'typebox'
import { JobStatusSchema, NewJobSchema, PrioritySchema } from './job.js'
import { ref } from './shared.js'
import { newJobExample } from './examples.js'

export const MAX_BATCH = 1000

export const NewJobBatchSchema = Type.Object({
  jobs: Type.Array(ref(NewJobSchema), { minItems: 1, maxItems: MAX_BATCH, description: `1 to ${MAX_BATCH} jobs, enqueued atomically, in order` })
}, { $id: 'NewJobBatch', additionalProperties: false, examples: [{ jobs: [newJobExample, { task: 'email.send', entity_id: 'user-43' }] }] })

export const BatchResultSchema = Type.Object({
  outcome: Type.Union([
    Type.Literal('created'), Type.Literal('priority_raised'), Type.Literal('exists'),
    Type.Literal('processing'), Type.Literal('no_handler')
  ], { description: 'As for POST /jobs; no_handler: nothing was enqueued for this item (its task names no handler)' }),
  job_id: Type.Union([Type.String(), Type.Null()], { description: 'The job created, already waiting, or running for this entity; null for no_handler' }),
  status: Type.Union([JobStatusSchema, Type.Null()]),
  priority: Type.Union([PrioritySchema, Type.Null()]),
  position_in_queue: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  message: Type.Optional(Type.String())
}, { $id: 'BatchResult', additionalProperties: false, examples: [{ outcome: 'created', job_id: 'VcE1jTf00001', status: 'queued', priority: 2, position_in_queue: 3 }] })

export const BatchResponseSchema = Type.Object({
  results: Type.Array(ref(BatchResultSchema), { description: 'One per submitted job, in the same order' })
}, { $id: 'BatchResponse', additionalProperties: false, examples: [{ results: [{ outcome: 'created', job_id: 'VcE1jTf00001', status: 'queued', priority: 2, position_in_queue: 3 }, { outcome: 'no_handler', job_id: null, status: null, priority: null, position_in_queue: null, message: 'task: no handler named email.sned is registered' }] }] })
