import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Priority } from '../../queue/job.js'
import { toNewJob, type JobLimits } from './new-job.js'
import { EnqueuedJobSchema, JobSchema, NewJobSchema, PriorityBodySchema, WaitQuerySchema } from '../schemas/job.js'
import { bodyErrorResponses, ErrorSchema, errorResponses, JobIdentParamsSchema, ref } from '../schemas/shared.js'
import { toEnqueuedJobView, toJobView } from '../views.js'
import type { ScopedRouteOptions } from '../queue-scope.js'
import { readJobWaiting } from '../wait-for-job.js'

const jobRoutes: FastifyPluginAsyncTypebox<ScopedRouteOptions & { limits: JobLimits }> = async (app, { limits, queueOf }) => {
  app.post('', {
    schema: {
      tags: ['jobs'],
      operationId: 'enqueueJob',
      summary: 'Enqueue a job (one active job per entity)',
      description: '201 created; 200 when the entity is already waiting (outcome exists, or priority_raised when the new priority is higher); 409 when the entity is being processed.',
      body: ref(NewJobSchema),
      response: {
        201: ref(EnqueuedJobSchema),
        200: ref(EnqueuedJobSchema),
        409: ref(ErrorSchema),
        422: ref(ErrorSchema),
        ...errorResponses,
        ...bodyErrorResponses
      }
    }
  }, async (request, reply) => {
    const queue = queueOf(request)
    const { outcome, job } = await queue.jobs.enqueue(toNewJob(request.body, limits))
    app.metrics.enqueueOutcomes.inc({ queue: queue.name, outcome })
    request.log.info({ job_id: job.job_id, entity_id: job.entity_id, outcome }, 'enqueue')
    if (outcome === 'processing') {
      return reply.code(409).send({
        statusCode: 409,
        error: 'Conflict',
        message: `entity_id: ${job.entity_id} is being processed by job ${job.job_id}; enqueue it again once that finishes`,
        code: 'JQ_ERR_ENTITY_PROCESSING',
        job_id: job.job_id,
        outcome
      })
    }
    if (outcome !== 'created') return reply.code(200).send(toEnqueuedJobView(job, outcome))
    const { args = [], kwargs = {}, metadata = {} } = request.body
    return reply.code(201).send(toEnqueuedJobView(job, outcome, { args, kwargs, metadata }))
  })

  app.get('/:id', {
    schema: {
      tags: ['jobs'],
      operationId: 'getJob',
      summary: 'Status of a job, by job_id or entity_id; optionally waiting for its end',
      description: 'By entity_id: the entity\'s active job, or its most recent finished job while retained. ' +
        'With wait_ms, the answer comes as soon as the job is completed, failed or cancelled, or after wait_ms with its state then ' +
        '(check status: a job still queued or processing is not an error). Waiting costs no polling: the API hears of the end on the queue\'s event stream.',
      params: JobIdentParamsSchema,
      querystring: WaitQuerySchema,
      response: { 200: ref(JobSchema), 404: ref(ErrorSchema), ...errorResponses }
    }
  }, async (request, reply) => {
    const queue = queueOf(request)
    const waitMs = request.query.wait_ms ?? 0
    return toJobView(waitMs > 0 ? await readJobWaiting(app, queue, request.params.id, waitMs, reply) : await queue.jobs.get(request.params.id))
  })

  app.patch('/:id/priority', {
    schema: {
      tags: ['jobs'],
      operationId: 'updateJobPriority',
      summary: 'Change the priority of a waiting job',
      description: 'The job keeps its first-enqueue time: in its new priority it stands where it would have stood had it been enqueued there.',
      params: JobIdentParamsSchema,
      body: PriorityBodySchema,
      response: { 200: ref(JobSchema), 404: ref(ErrorSchema), 409: ref(ErrorSchema), ...errorResponses, ...bodyErrorResponses }
    }
  }, async (request) => toJobView(await queueOf(request).jobs.updatePriority(request.params.id, request.body.priority as Priority)))

  app.delete('/:id', {
    schema: {
      tags: ['jobs'],
      operationId: 'cancelJob',
      summary: 'Cancel a waiting job, or forget a finished one',
      description: 'A queued or scheduled job is cancelled and its entity is free again; a finished job is deleted. 409 while processing.',
      params: JobIdentParamsSchema,
      response: { 204: Type.Null({ description: 'Cancelled or deleted' }), 404: ref(ErrorSchema), 409: ref(ErrorSchema), ...errorResponses, ...bodyErrorResponses }
    }
  }, async (request, reply) => {
    await queueOf(request).jobs.cancel(request.params.id)
    return reply.code(204).send(null)
  })

  app.post('/:id/retry', {
    schema: {
      tags: ['jobs'],
      operationId: 'retryJob',
      summary: 'Put a failed job back in the queue',
      description: 'Queued again at its priority and first-enqueue place, with a fresh allowance of attempts.',
      params: JobIdentParamsSchema,
      response: { 200: ref(JobSchema), 404: ref(ErrorSchema), 409: ref(ErrorSchema), ...errorResponses, ...bodyErrorResponses }
    }
  }, async (request) => toJobView(await queueOf(request).jobs.retry(request.params.id)))
}

export default jobRoutes
