import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { NoHandlerError } from '../../queue/errors.js'
import { CronSchedule } from '../../queue/cron.js'
import { ScheduleNotFoundError, type ScheduleDefinition } from '../../queue/schedule-store.js'
import { ScheduleBodySchema, ScheduleParamsSchema, ScheduleSchema, TriggeredSchema, type ScheduleBody } from '../schemas/schedule.js'
import { adminErrorResponses, bodyErrorResponses, ErrorSchema, errorResponses, ref } from '../schemas/shared.js'
import { toJobView, toScheduleView } from '../views.js'
import { toNewJob, type JobLimits } from './new-job.js'
import type { ScopedRouteOptions } from '../queue-scope.js'

/** Changing a schedule decides what runs and when: admin keys only. Reading takes a client key. */
const admin = { access: 'admin' as const }

const scheduleRoutes: FastifyPluginAsyncTypebox<ScopedRouteOptions & { limits: JobLimits }> = async (app, { limits, queueOf }) => {
  app.put('/:name', {
    schema: {
      tags: ['schedules'],
      operationId: 'putSchedule',
      summary: 'Create or replace a recurring schedule',
      description: 'Each tick enqueues the job once, however many workers run (workers fire the ticks; no other process is needed). ' +
        'The schedule next fires at its first tick after now. A replaced schedule keeps its created_at and last run. ' +
        '400 names the field for an expression or timezone that is not valid; 422 when no handler has the job\'s task.',
      params: ScheduleParamsSchema,
      body: ref(ScheduleBodySchema),
      response: { 201: ref(ScheduleSchema), 200: ref(ScheduleSchema), 422: ref(ErrorSchema), ...adminErrorResponses, ...bodyErrorResponses }
    },
    config: admin
  }, async (request, reply) => {
    const queue = queueOf(request)
    const { created, schedule } = await queue.schedules.put(request.params.name, toDefinition(request.body, limits))
    return reply.code(created ? 201 : 200).send(toScheduleView(schedule))
  })

  app.get('', {
    schema: {
      tags: ['schedules'],
      operationId: 'listSchedules',
      summary: 'List schedules, with their next and last run',
      response: { 200: Type.Object({ schedules: Type.Array(ref(ScheduleSchema)) }), ...errorResponses }
    }
  }, async (request) => ({ schedules: (await queueOf(request).schedules.list()).map(toScheduleView) }))

  app.get('/:name', {
    schema: {
      tags: ['schedules'],
      operationId: 'getSchedule',
      summary: 'Read a schedule',
      params: ScheduleParamsSchema,
      response: { 200: ref(ScheduleSchema), 404: ref(ErrorSchema), ...errorResponses }
    }
  }, async (request) => {
    const schedule = await queueOf(request).schedules.get(request.params.name)
    if (!schedule) throw new ScheduleNotFoundError(request.params.name)
    return toScheduleView(schedule)
  })

  for (const paused of [true, false]) {
    app.post(`/:name/${paused ? 'pause' : 'resume'}`, {
      schema: {
        tags: ['schedules'],
        operationId: paused ? 'pauseSchedule' : 'resumeSchedule',
        summary: paused ? 'Pause a schedule: it fires nothing' : 'Resume a paused schedule',
        description: paused
          ? 'Jobs it enqueued already are not touched. Pausing a paused schedule changes nothing.'
          : 'It fires from its next tick after now; the ticks passed while paused are not caught up. Resuming a running schedule changes nothing.',
        params: ScheduleParamsSchema,
        response: { 200: ref(ScheduleSchema), 404: ref(ErrorSchema), ...adminErrorResponses, ...bodyErrorResponses }
      },
      config: admin
    }, async (request) => {
      const schedule = await queueOf(request).schedules.setPaused(request.params.name, paused)
      if (!schedule) throw new ScheduleNotFoundError(request.params.name)
      return toScheduleView(schedule)
    })
  }

  app.post('/:name/trigger', {
    schema: {
      tags: ['schedules'],
      operationId: 'triggerSchedule',
      summary: 'Enqueue the schedule\'s job now',
      description: 'As a tick at this moment would (its jobq-tick is now), also when paused; the schedule\'s next tick stays where it is. ' +
        '201 created; 200 when the entity already has an active job (outcome exists, priority_raised or processing, naming that job).',
      params: ScheduleParamsSchema,
      response: { 201: ref(TriggeredSchema), 200: ref(TriggeredSchema), 404: ref(ErrorSchema), 422: ref(ErrorSchema), ...adminErrorResponses, ...bodyErrorResponses }
    },
    config: admin
  }, async (request, reply) => {
    const firing = await queueOf(request).schedules.trigger(request.params.name)
    if (!firing) throw new ScheduleNotFoundError(request.params.name)
    if (!firing.job || firing.outcome === 'no_handler' || firing.outcome === null) throw new NoHandlerError(firing.schedule.job.task)
    const body = { outcome: firing.outcome, job: toJobView(firing.job), schedule: toScheduleView(firing.schedule) }
    return reply.code(firing.outcome === 'created' ? 201 : 200).send(body)
  })

  app.delete('/:name', {
    schema: {
      tags: ['schedules'],
      operationId: 'deleteSchedule',
      summary: 'Delete a schedule',
      description: 'The jobs its ticks enqueued stay.',
      params: ScheduleParamsSchema,
      response: { 204: Type.Null(), 404: ref(ErrorSchema), ...adminErrorResponses, ...bodyErrorResponses }
    },
    config: admin
  }, async (request, reply) => {
    if (!await queueOf(request).schedules.delete(request.params.name)) throw new ScheduleNotFoundError(request.params.name)
    return reply.code(204).send(null)
  })
}

/** A validated body as the store takes it: expression and timezone checked, the job as POST /jobs checks it. */
function toDefinition (body: ScheduleBody, limits: JobLimits): ScheduleDefinition {
  const timezone = body.timezone ?? 'UTC'
  // Throws the 400 naming body.cron or body.timezone.
  new CronSchedule(body.cron, timezone) // eslint-disable-line no-new
  const { task, entity_id: entityId, priority, args, kwargs, metadata } = toNewJob(body.job, limits, 'body.job')
  return {
    cron: body.cron.trim(),
    timezone,
    catch_up: body.catch_up ?? 'last',
    paused: body.paused ?? false,
    job: { task, entity_id: entityId, priority, args, kwargs, metadata }
  }
}

export default scheduleRoutes
