import type { components } from '../client/index.js'
import { parseInteger } from './args.js'
import { route, type Context } from './context.js'
import { EXIT } from './exit-codes.js'
import { print } from './jobs.js'
import { QUEUE_OPTION, type CommandSpec } from './spec.js'
import { cell, fields, table } from './table.js'

type HandlerSettings = components['schemas']['HandlerSettings']
type CreatedHandler = components['schemas']['CreatedHandler']

const NAME = { name: 'name', description: 'The handler\'s name: the task that jobs name, e.g. email.send.' }
const ADMIN = 'Needs an admin key (one of JOBQ_ADMIN_KEYS) when the API has keys.'

/** " in queue emails" with --queue emails, for messages; nothing for the default queue. */
const inQueue = (ctx: Context) => ctx.queue === undefined ? '' : ` in queue ${ctx.queue}`

export const handlersAdd: CommandSpec = {
  name: 'handlers add',
  summary: 'Register a handler, or replace one of that name: the URL the worker POSTs its jobs to.',
  details: [
    'On creation the answer carries the handler\'s signing secret (whsec_...): it is printed this once and never again, so keep it where the handler can verify signatures with it. ' +
    'Replacing a handler keeps its secret; settings left out take their defaults. ' + ADMIN,
    'With --queue, the handler is registered in that queue, which comes into being with its first handler.'
  ],
  args: [NAME, { name: 'url', description: 'http:// or https:// URL the worker POSTs each job to.' }],
  options: [
    { flag: '--timeout-ms', value: 'N', description: 'How long one attempt may take; default 30000.' },
    { flag: '--max-attempts', value: 'N', description: 'Attempts before the job fails for good; default 5.' },
    { flag: '--backoff-ms', value: 'N', description: 'First retry delay, doubled each attempt with jitter; default 1000.' },
    QUEUE_OPTION
  ],
  async run (ctx, { args: [name, url], options }) {
    const body: HandlerSettings = { url }
    for (const [flag, key] of [['--timeout-ms', 'timeout_ms'], ['--max-attempts', 'max_attempts'], ['--backoff-ms', 'backoff_ms']] as const) {
      const raw = options.get(flag)
      if (typeof raw === 'string') body[key] = parseInteger(flag, raw, 0, Number.MAX_SAFE_INTEGER)
    }
    const { queue } = ctx
    const { data, status } = await ctx.call(`PUT ${route(ctx, `/handlers/${name}`)}`, (init) => queue === undefined
      ? ctx.api.PUT('/handlers/{name}', { params: { path: { name } }, body, ...init })
      : ctx.api.PUT('/queues/{queue}/handlers/{name}', { params: { path: { queue, name } }, body, ...init }))
    const secret = status === 201 ? (data as CreatedHandler).secret : undefined
    if (ctx.json) {
      print(ctx, data, () => '')
      if (secret) ctx.stderr.write('jobq: the answer holds the handler\'s signing secret; it is shown only this once, keep it\n')
      return
    }
    ctx.stdout.write(`${status === 201 ? 'registered' : 'replaced'} handler ${cell(name)}${inQueue(ctx)}\n` + fields([
      ['name', data.name], ['url', data.url], ['timeout_ms', data.timeout_ms], ['max_attempts', data.max_attempts],
      ['backoff_ms', data.backoff_ms], ['created_at', data.created_at], ['updated_at', data.updated_at]
    ]))
    ctx.stdout.write(secret
      ? `\nsigning secret: ${secret}\nThis secret is shown only this once: keep it now; the API never shows it again.\n`
      : '\nIts signing secret is unchanged (it is shown only when a handler is created).\n')
  }
}

export const handlersList: CommandSpec = {
  name: 'handlers list',
  summary: 'List the registered handlers (never their secrets).',
  details: [ADMIN],
  args: [],
  options: [QUEUE_OPTION],
  async run (ctx) {
    const { queue } = ctx
    const { data } = await ctx.call(`GET ${route(ctx, '/handlers')}`, (init) => queue === undefined
      ? ctx.api.GET('/handlers', init)
      : ctx.api.GET('/queues/{queue}/handlers', { params: { path: { queue } }, ...init }))
    print(ctx, data, () => data.handlers.length === 0
      ? `no handlers are registered${inQueue(ctx)} (jobq handlers add <name> <url>${queue === undefined ? '' : ` --queue ${queue}`})\n`
      : table(['NAME', 'URL', 'TIMEOUT_MS', 'MAX_ATTEMPTS', 'BACKOFF_MS', 'UPDATED_AT'],
        data.handlers.map((h) => [h.name, h.url, String(h.timeout_ms), String(h.max_attempts), String(h.backoff_ms), h.updated_at]),
        ['left', 'left', 'right', 'right', 'right', 'left']))
  }
}

export const handlersRm: CommandSpec = {
  name: 'handlers rm',
  summary: 'Remove a handler. Jobs that still name it fail when they are dispatched.',
  details: [ADMIN + ' With --json, prints {"name", "removed": true}.'],
  args: [NAME],
  options: [QUEUE_OPTION],
  exits: [[EXIT.notFound, 'no handler of that name (in that queue, with --queue)']],
  async run (ctx, { args: [name] }) {
    const { queue } = ctx
    await ctx.call(`DELETE ${route(ctx, `/handlers/${name}`)}`, (init) => queue === undefined
      ? ctx.api.DELETE('/handlers/{name}', { params: { path: { name } }, ...init })
      : ctx.api.DELETE('/queues/{queue}/handlers/{name}', { params: { path: { queue, name } }, ...init }))
    print(ctx, { name, removed: true }, () => `removed handler ${cell(name)}${inQueue(ctx)}\n`)
  }
}
