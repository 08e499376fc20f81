import type { components } from '../client/index.js'
import { parseJson, parsePriority } from './args.js'
import { route, type Context } from './context.js'
import { EXIT } from './exit-codes.js'
import { jobView, print } from './jobs.js'
import { QUEUE_OPTION, type CommandSpec } from './spec.js'
import { cell, fields, table } from './table.js'

type ScheduleSettings = components['schemas']['ScheduleSettings']
type Schedule = components['schemas']['Schedule']

const NAME = { name: 'name', description: 'The schedule\'s name, e.g. nightly-report (its jobs\' callbacks carry it as jobq-schedule).' }
const ADMIN = 'Needs an admin key (one of JOBQ_ADMIN_KEYS) when the API has keys.'
const NOT_FOUND: [number, string] = [EXIT.notFound, 'no schedule of that name (in that queue, with --queue)']

const inQueue = (ctx: Context) => ctx.queue === undefined ? '' : ` in queue ${ctx.queue}`

function scheduleView (s: Schedule): string {
  return fields([
    ['name', s.name], ['cron', s.cron], ['timezone', s.timezone], ['task', s.job.task], ['entity_id', s.job.entity_id],
    ['priority', s.job.priority], ['args', s.job.args], ['kwargs', s.job.kwargs], ['metadata', s.job.metadata],
    ['catch_up', s.catch_up], ['paused', s.paused], ['next_run_at', s.next_run_at], ['last_run_at', s.last_run_at],
    ['last_job_id', s.last_job_id], ['last_outcome', s.last_outcome], ['created_at', s.created_at], ['updated_at', s.updated_at]
  ])
}

export const schedulesAdd: CommandSpec = {
  name: 'schedules add',
  summary: 'Create a recurring schedule, or replace one of that name: a cron expression whose every tick enqueues a job.',
  details: [
    'CRON has 5 fields (minute hour day-of-month month day-of-week, e.g. \'*/15 * * * *\') or 6 with seconds first; quote it. ' +
    'Each tick enqueues the job once however many workers run, as jobq enqueue would (a tick whose entity still has an active job adds none). ' +
    'Workers fire the ticks: no other process is needed. ' + ADMIN
  ],
  args: [
    NAME,
    { name: 'cron', description: 'The cron expression, quoted: \'30 2 * * *\'.' },
    { name: 'task', description: 'The handler that runs each tick\'s job (see jobq handlers list).' },
    { name: 'entity_id', description: 'The entity of each tick\'s job: one active job at a time.' }
  ],
  options: [
    { flag: '--timezone', value: 'ZONE', description: 'IANA timezone the expression is read in, e.g. Europe/Berlin; default UTC. Daylight saving time follows it.' },
    { flag: '--catch-up', value: 'last|none', description: 'Ticks missed while no worker ran: one job for them (last, the default) or none.' },
    { flag: '--paused', description: 'Create (or replace) it paused.' },
    { flag: '--priority', value: 'N', description: '1 (highest, the default), 2 or 3.' },
    { flag: '--args', value: 'JSON', description: 'Positional arguments for the handler, a JSON array; default [].' },
    { flag: '--kwargs', value: 'JSON', description: 'Keyword arguments for the handler, a JSON object; default {}.' },
    { flag: '--metadata', value: 'JSON', description: 'Anything you want back with each job, a JSON object; default {}.' },
    QUEUE_OPTION
  ],
  async run (ctx, { args: [name, cron, task, entityId], options }) {
    const body: ScheduleSettings = { cron, job: { task, entity_id: entityId } }
    const get = (flag: string) => { const v = options.get(flag); return typeof v === 'string' ? v : undefined }
    if (get('--timezone') !== undefined) body.timezone = get('--timezone')
    const catchUp = get('--catch-up')
    if (catchUp !== undefined) body.catch_up = catchUp as ScheduleSettings['catch_up']
    if (options.has('--paused')) body.paused = true
    if (get('--priority') !== undefined) body.job.priority = parsePriority('--priority', get('--priority') as string)
    if (get('--args') !== undefined) body.job.args = parseJson('--args', get('--args') as string, 'array')
    if (get('--kwargs') !== undefined) body.job.kwargs = parseJson('--kwargs', get('--kwargs') as string, 'object')
    if (get('--metadata') !== undefined) body.job.metadata = parseJson('--metadata', get('--metadata') as string, 'object')
    const { queue } = ctx
    const { data, status } = await ctx.call(`PUT ${route(ctx, `/schedules/${name}`)}`, (init) => queue === undefined
      ? ctx.api.PUT('/schedules/{name}', { params: { path: { name } }, body, ...init })
      : ctx.api.PUT('/queues/{queue}/schedules/{name}', { params: { path: { queue, name } }, body, ...init }))
    print(ctx, data, () => `${status === 201 ? 'created' : 'replaced'} schedule ${cell(name)}${inQueue(ctx)}\n` + scheduleView(data))
  }
}

export const schedulesList: CommandSpec = {
  name: 'schedules list',
  summary: 'List the schedules with their next and last run.',
  args: [],
  options: [QUEUE_OPTION],
  async run (ctx) {
    const { queue } = ctx
    const { data } = await ctx.call(`GET ${route(ctx, '/schedules')}`, (init) => queue === undefined
      ? ctx.api.GET('/schedules', init)
      : ctx.api.GET('/queues/{queue}/schedules', { params: { path: { queue } }, ...init }))
    print(ctx, data, () => data.schedules.length === 0
      ? `no schedules${inQueue(ctx)} (jobq schedules add <name> <cron> <task> <entity_id>${queue === undefined ? '' : ` --queue ${queue}`})\n`
      : table(['NAME', 'CRON', 'TIMEZONE', 'TASK', 'ENTITY_ID', 'NEXT_RUN_AT', 'LAST_RUN_AT', 'LAST_OUTCOME'],
        data.schedules.map((s) => [s.name, s.cron, s.timezone, s.job.task, s.job.entity_id, s.paused ? 'paused' : s.next_run_at ?? '-',
          s.last_run_at ?? '-', s.last_outcome ?? '-'])))
  }
}

export const schedulesRm: CommandSpec = {
  name: 'schedules rm',
  summary: 'Remove a schedule. The jobs its ticks enqueued stay.',
  details: [ADMIN + ' With --json, prints {"name", "removed": true}.'],
  args: [NAME],
  options: [QUEUE_OPTION],
  exits: [NOT_FOUND],
  async run (ctx, { args: [name] }) {
    const { queue } = ctx
    await ctx.call(`DELETE ${route(ctx, `/schedules/${name}`)}`, (init) => queue === undefined
      ? ctx.api.DELETE('/schedules/{name}', { params: { path: { name } }, ...init })
      : ctx.api.DELETE('/queues/{queue}/schedules/{name}', { params: { path: { queue, name } }, ...init }))
    print(ctx, { name, removed: true }, () => `removed schedule ${cell(name)}${inQueue(ctx)}\n`)
  }
}

function pauseOrResume (paused: boolean): CommandSpec {
  const verb = paused ? 'pause' : 'resume'
  return {
    name: `schedules ${verb}`,
    summary: paused ? 'Pause a schedule: it fires nothing until resumed.' : 'Resume a paused schedule from its next tick (missed ticks are not caught up).',
    details: [ADMIN],
    args: [NAME],
    options: [QUEUE_OPTION],
    exits: [NOT_FOUND],
    async run (ctx, { args: [name] }) {
      const { queue } = ctx
      const { data } = await ctx.call(`POST ${route(ctx, `/schedules/${name}/${verb}`)}`, (init) => {
        if (queue === undefined) {
          return paused
            ? ctx.api.POST('/schedules/{name}/pause', { params: { path: { name } }, ...init })
            : ctx.api.POST('/schedules/{name}/resume', { params: { path: { name } }, ...init })
        }
        return paused
          ? ctx.api.POST('/queues/{queue}/schedules/{name}/pause', { params: { path: { queue, name } }, ...init })
          : ctx.api.POST('/queues/{queue}/schedules/{name}/resume', { params: { path: { queue, name } }, ...init })
      })
      print(ctx, data, () => `${paused ? 'paused' : 'resumed'} schedule ${cell(name)}${inQueue(ctx)}\n` + scheduleView(data))
    }
  }
}

export const schedulesPause = pauseOrResume(true)
export const schedulesResume = pauseOrResume(false)

export const schedulesTrigger: CommandSpec = {
  name: 'schedules trigger',
  summary: 'Enqueue a schedule\'s job now, without moving its next tick (also when paused).',
  details: [ADMIN + ' Prints the job with its outcome, as jobq enqueue does.'],
  args: [NAME],
  options: [QUEUE_OPTION],
  exits: [NOT_FOUND],
  async run (ctx, { args: [name] }) {
    const { queue } = ctx
    const { data } = await ctx.call(`POST ${route(ctx, `/schedules/${name}/trigger`)}`, (init) => queue === undefined
      ? ctx.api.POST('/schedules/{name}/trigger', { params: { path: { name } }, ...init })
      : ctx.api.POST('/queues/{queue}/schedules/{name}/trigger', { params: { path: { queue, name } }, ...init }))
    print(ctx, data, () => jobView(data.job, [['outcome', data.outcome]]))
  }
}
