import type { components } from '../client/index.js'
import { parseInteger } from './args.js'
import { route, type Context } from './context.js'
import { EXIT, UsageError } from './exit-codes.js'
import { print } from './jobs.js'
import { QUEUE_OPTION, type CommandSpec } from './spec.js'
import { cell, fields, table } from './table.js'

type HandlerSettings = components['schemas']['HandlerSettings']
type CreatedHandler = components['schemas']['CreatedHandler']
type Handler = components['schemas']['Handler']

const NAME = { name: 'name', description: 'The handler\'s name: the task that jobs name, e.g. email.send.' }
const ADMIN = 'Needs an admin key (one of JOBQ_ADMIN_KEYS) when the API has keys.'

/**
 * --header 'NAME: VALUE': one header, or several on lines of their own (a value never holds a line
 * break); '' gives none, removing the stored ones. The message never quotes a value: it is a secret.
 */
export function parseHeaderOption (raw: string): Record<string, string> {
  const entries: Array<[string, string]> = []
  for (const line of raw.split(/\r?\n/)) {
    if (line.trim() === '') continue
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim()
    if (colon < 0 || name === '') throw new UsageError('--header: each header is NAME: VALUE, like --header \'x-api-key: ...\'')
    if (entries.some(([seen]) => seen.toLowerCase() === name.toLowerCase())) throw new UsageError(`--header: ${name} is given twice`)
    entries.push([name, line.slice(colon + 1).trim()])
  }
  return Object.fromEntries(entries)
}

/** The callback headers as the API shows them, values masked: `authorization: ****alue, x-tenant: ****`; null for none. */
const headerList = (h: Handler) => Object.keys(h.headers).length === 0
  ? null
  : Object.entries(h.headers).map(([name, masked]) => `${name}: ${masked}`).join(', ')

/** The handler's limits in a few words (`5 in flight, 20/s burst 40`), null for none. */
const limitList = (h: Handler) => {
  const parts = []
  if (h.max_concurrency !== null) parts.push(`${h.max_concurrency} in flight`)
  if (h.rate_per_second !== null) parts.push(`${h.rate_per_second}/s burst ${h.burst ?? Math.ceil(h.rate_per_second)}`)
  return parts.length === 0 ? null : parts.join(', ')
}

/** --rate R: callbacks per second, a positive number such as 20 or 0.5. */
function parseRate (raw: string): number {
  const rate = Number(raw)
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(rate > 0) || rate > 1_000_000) {
    throw new UsageError(`--rate: ${JSON.stringify(raw)} is not a number of callbacks per second above 0 (e.g. 20 or 0.5)`)
  }
  return rate
}

/** " in queue emails" with --queue emails, for messages; nothing for the default queue. */
const inQueue = (ctx: Context) => ctx.queue === undefined ? '' : ` in queue ${ctx.queue}`

export const handlersAdd: CommandSpec = {
  name: 'handlers add',
  summary: 'Register a handler, or replace one of that name: the URL the worker POSTs its jobs to.',
  details: [
    'On creation the answer carries the handler\'s signing secret (whsec_...): it is printed this once and never again, so keep it where the handler can verify signatures with it. ' +
    'Replacing a handler keeps its secret; settings left out take their defaults, except the headers, which stay unless --header is given. ' + ADMIN,
    '--header \'NAME: VALUE\' adds a header to every callback of the handler, for a service that wants its own credential ' +
    '(authorization, x-api-key) or a routing header; for several, put one per line in the one option ' +
    '(--header $\'x-tenant: acme\\nx-api-key: ...\'), and --header \'\' removes them all. The values are secrets: the API and ' +
    'this command only ever show them masked (****alue). Typed out, a value stays in the shell\'s history: pass it from a ' +
    'variable instead (--header "x-api-key: $API_KEY").',
    'With --queue, the handler is registered in that queue, which comes into being with its first handler.'
  ],
  args: [NAME, { name: 'url', description: 'http:// or https:// URL the worker POSTs each job to.' }],
  options: [
    { flag: '--timeout-ms', value: 'N', description: 'How long one attempt may take; default 30000.' },
    { flag: '--max-attempts', value: 'N', description: 'Attempts before the job fails for good; default 5.' },
    { flag: '--backoff-ms', value: 'N', description: 'First retry delay, doubled each attempt with jitter; default 1000.' },
    { flag: '--max-concurrency', value: 'N', description: 'At most N callbacks of the handler in flight at once, over every worker; default none.' },
    { flag: '--rate', value: 'R', description: 'At most R callbacks started per second on average (0.5 is one every 2 s), over every worker; default none.' },
    { flag: '--burst', value: 'N', description: 'Callbacks the rate lets start at once after a quiet spell; default the rate rounded up. Needs --rate.' },
    { flag: '--header', value: '\'NAME: VALUE\'', description: 'Header(s) sent with every callback, one per line; \'\' removes them. Left out, the stored ones stay.' },
    QUEUE_OPTION
  ],
  async run (ctx, { args: [name, url], options }) {
    const body: HandlerSettings = { url }
    for (const [flag, key] of [['--timeout-ms', 'timeout_ms'], ['--max-attempts', 'max_attempts'], ['--backoff-ms', 'backoff_ms']] as const) {
      const raw = options.get(flag)
      if (typeof raw === 'string') body[key] = parseInteger(flag, raw, 0, Number.MAX_SAFE_INTEGER)
    }
    const concurrency = options.get('--max-concurrency')
    if (typeof concurrency === 'string') body.max_concurrency = parseInteger('--max-concurrency', concurrency, 1, 1_000_000)
    const burst = options.get('--burst')
    if (typeof burst === 'string') body.burst = parseInteger('--burst', burst, 1, 1_000_000)
    const rate = options.get('--rate')
    if (typeof rate === 'string') body.rate_per_second = parseRate(rate)
    if (body.burst !== undefined && body.rate_per_second === undefined) throw new UsageError('--burst: a burst needs --rate (the rate it is a burst of)')
    const header = options.get('--header')
    if (typeof header === 'string') body.headers = parseHeaderOption(header)
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
      ['backoff_ms', data.backoff_ms], ['limits', limitList(data)], ['headers', headerList(data)], ['created_at', data.created_at],
      ['updated_at', data.updated_at]
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
    // A HEADERS column only when some handler has callback headers, their values masked.
    const withHeaders = data.handlers.some((h) => Object.keys(h.headers).length > 0)
    print(ctx, data, () => data.handlers.length === 0
      ? `no handlers are registered${inQueue(ctx)} (jobq handlers add <name> <url>${queue === undefined ? '' : ` --queue ${queue}`})\n`
      : table(['NAME', 'URL', 'STATE', 'QUEUED', 'SCHEDULED', 'IN_FLIGHT', 'LIMITS', 'TIMEOUT_MS', 'MAX_ATTEMPTS', 'BACKOFF_MS',
        ...(withHeaders ? ['HEADERS'] : [])],
      data.handlers.map((h) => [h.name, h.url, h.paused ? 'paused' : 'running', String(h.queued), String(h.scheduled),
        String(h.in_flight), limitList(h) ?? '-', String(h.timeout_ms), String(h.max_attempts), String(h.backoff_ms),
        ...(withHeaders ? [headerList(h) ?? '-'] : [])]),
      ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'right', 'right', 'right', 'left']))
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

/** `handlers pause` and `handlers resume`: one command each, the same call with the verb in its path. */
function pauseCommand (paused: boolean): CommandSpec {
  const verb = paused ? 'pause' : 'resume'
  return {
    name: `handlers ${verb}`,
    summary: paused
      ? 'Pause a handler: none of its jobs is dispatched until it is resumed; callbacks in flight finish, jobs of other handlers go on.'
      : 'Resume a paused handler: its jobs are dispatched again from where they stopped.',
    details: [ADMIN + ' Enqueueing, priority changes and cancels go on while a handler is paused; its jobs keep their places. Repeating it changes nothing.'],
    args: [NAME],
    options: [QUEUE_OPTION],
    exits: [[EXIT.notFound, 'no handler of that name (in that queue, with --queue)']],
    async run (ctx, { args: [name] }) {
      const { queue } = ctx
      const path = paused ? '/pause' : '/resume'
      const { data } = await ctx.call(`POST ${route(ctx, `/handlers/${name}${path}`)}`, (init) => queue === undefined
        ? ctx.api.POST(paused ? '/handlers/{name}/pause' : '/handlers/{name}/resume', { params: { path: { name } }, ...init })
        : ctx.api.POST(paused ? '/queues/{queue}/handlers/{name}/pause' : '/queues/{queue}/handlers/{name}/resume',
          { params: { path: { queue, name } }, ...init }))
      print(ctx, data, () => `${paused ? 'paused' : 'resumed'} handler ${cell(name)}${inQueue(ctx)}: ` +
        `${data.queued} queued, ${data.scheduled} scheduled, ${data.in_flight} in flight\n`)
    }
  }
}

export const handlersPause = pauseCommand(true)
export const handlersResume = pauseCommand(false)
