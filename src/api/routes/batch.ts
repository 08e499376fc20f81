import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Priority } from '../../queue/job.js'
import { BatchResponseSchema, NewJobBatchSchema } from '../schemas/batch.js'
import { bodyErrorResponses, errorResponses, ref } from '../schemas/shared.js'
import { toNewJob, type JobLimits } from './new-job.js'
import type { ScopedRouteOptions } from '../queue-scope.js'

const batchRoutes: FastifyPluginAsyncTypebox<ScopedRouteOptions & { limits: JobLimits }> = async (app, { limits, queueOf }) => {
  app.post('/batch', {
    schema: {
      tags: ['jobs'],
      operationId: 'enqueueJobs',
      summary: 'Enqueue up to 1000 jobs in one request',
      description: 'One atomic script call for the whole batch. Each job gets its own outcome, with the same deduplication rules as POST /jobs; a later item for an entity sees the earlier ones.',
      body: ref(NewJobBatchSchema),
      response: { 200: ref(BatchResponseSchema), ...errorResponses, ...bodyErrorResponses }
    }
  }, async (request) => {
    const jobs = request.body.jobs.map((job, i) => toNewJob(job, limits, `body.jobs.${i}`))
    const queue = queueOf(request)
    const results = await queue.jobs.enqueueMany(jobs)
    // A queue without the handler may be any name a caller makes up: not a label of its own.
    for (const { outcome } of results) app.metrics.enqueueOutcomes.inc({ queue: outcome === 'no_handler' ? '' : queue.name, outcome })
    return {
      results: results.map(({ outcome, job }, i) => job === null
        ? { outcome, job_id: null, status: null, priority: null, position_in_queue: null, message: `task: no handler named ${jobs[i].task} is registered` }
        : { outcome, job_id: job.job_id, status: job.status, priority: job.priority as Priority, position_in_queue: job.position_in_queue })
    }
  })
}

export default batchRoutes
