import type { QueueList } from '../client/index.js'
import { print } from './jobs.js'
import type { CommandSpec } from './spec.js'
import { table } from './table.js'

export const queues: CommandSpec = {
  name: 'queues',
  summary: 'List every queue with its jobs by state: queued, processing, scheduled, failed, completed, cancelled.',
  details: [
    'A queue comes into being when its first handler is registered (jobq handlers add <name> <url> --queue NAME). ' +
    'Only the queues the key may use are listed: every queue, unless the API limits keys to some. ' +
    'The job, queue and handler commands take --queue NAME to work in one of them.'
  ],
  args: [],
  options: [],
  async run (ctx) {
    const { data } = await ctx.call('GET /queues', (init) => ctx.api.GET('/queues', init))
    print(ctx, data, () => queuesView(data))
  }
}

/** One line per queue, counts right-aligned under their state. */
export function queuesView ({ queues }: QueueList): string {
  if (queues.length === 0) return 'no queues to show: a queue comes into being with its first handler (jobq handlers add <name> <url> --queue NAME)\n'
  const n = (value: number) => String(value)
  return table(['QUEUE', 'QUEUED', 'PROCESSING', 'SCHEDULED', 'FAILED', 'COMPLETED', 'CANCELLED'],
    queues.map((q) => [q.name, n(q.queued), n(q.processing), n(q.scheduled), n(q.failed), n(q.completed), n(q.cancelled)]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'])
}
