import type { NewJob } from '../client/index.js'
import { parseDuration, parseJson, parsePriority } from './args.js'
import { route } from './context.js'
import { EXIT, UsageError } from './exit-codes.js'
import { jobView, print } from './jobs.js'
import { QUEUE_OPTION, type CommandSpec } from './spec.js'
import { report, TIMEOUT_OPTION, timeoutOf, waitForEnd } from './wait.js'

export const enqueue: CommandSpec = {
  name: 'enqueue',
  summary: 'Enqueue a job for an entity: one active job per entity.',
  details: [
    'The outcome is "created" for a new job; "exists" when the entity already has a waiting job, ' +
    'or "priority_raised" when that job took the new, higher priority (both exit 0); an entity being processed cannot be enqueued again (exit 4). ' +
    'Prints the job with its outcome; with --json, the API\'s answer.'
  ],
  args: [
    { name: 'task', description: 'Name of the handler registered in the queue that runs the job (see jobq handlers list).' },
    { name: 'entity_id', description: 'The resource the job is about, e.g. user-42.' }
  ],
  options: [
    { flag: '--priority', value: 'N', description: '1 (highest, the default), 2 or 3.' },
    { flag: '--args', value: 'JSON', description: 'Positional arguments for the handler, a JSON array; default [].' },
    { flag: '--kwargs', value: 'JSON', description: 'Keyword arguments for the handler, a JSON object; default {}.' },
    { flag: '--metadata', value: 'JSON', description: 'Anything you want back with the job, a JSON object; default {}.' },
    { flag: '--delay', value: 'DURATION', description: 'Run no sooner than this from now: 30s, 5m, 2h, 1d (the job is scheduled until then).' },
    { flag: '--at', value: 'TIME', description: 'Run no sooner than this RFC 3339 time, e.g. 2026-12-24T18:00:00Z (not with --delay).' },
    { flag: '--wait', description: 'Then wait for the job to end, and print it as it ended (see jobq wait): exit 7 when it failed or was cancelled.' },
    TIMEOUT_OPTION,
    QUEUE_OPTION
  ],
  exits: [
    [EXIT.conflict, 'the entity is being processed (the message names its job); enqueue again once it finishes'],
    [EXIT.jobFailed, 'with --wait: the job failed or was cancelled'],
    [EXIT.stillRunning, 'with --wait: the job had not ended when --timeout ran out']
  ],
  async run (ctx, { args: [task, entityId], options }) {
    const body: NewJob = { task, entity_id: entityId }
    const priority = options.get('--priority')
    const args = options.get('--args')
    const kwargs = options.get('--kwargs')
    const metadata = options.get('--metadata')
    if (typeof priority === 'string') body.priority = parsePriority('--priority', priority)
    if (typeof args === 'string') body.args = parseJson('--args', args, 'array')
    if (typeof kwargs === 'string') body.kwargs = parseJson('--kwargs', kwargs, 'object')
    if (typeof metadata === 'string') body.metadata = parseJson('--metadata', metadata, 'object')
    const delay = options.get('--delay')
    const at = options.get('--at')
    if (typeof delay === 'string') body.delay_ms = parseDuration('--delay', delay)
    if (typeof at === 'string') body.run_at = at
    const timeout = timeoutOf(options.get('--timeout'))
    const waits = options.has('--wait')
    if (timeout !== undefined && !waits) throw new UsageError('--timeout: only with --wait')
    const { queue } = ctx
    const { data } = await ctx.call(`POST ${route(ctx, '/jobs')}`, (init) => queue === undefined
      ? ctx.api.POST('/jobs', { body, ...init })
      : ctx.api.POST('/queues/{queue}/jobs', { params: { path: { queue } }, body, ...init }))
    if (!waits) return print(ctx, data, () => jobView(data, [['outcome', data.outcome]]))
    const ended = await waitForEnd(ctx, data.job_id, timeout)
    report(ctx, ended, [['outcome', data.outcome]], { ...ended.job, outcome: data.outcome })
  }
}
