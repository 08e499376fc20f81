import type { NewJob, Priority } from '../../src/queue/job.js'

/** The task every throughput figure enqueues; its handler is the separate node:http process. */
export const TASK = 'bench.job'
/** The task of the idle-latency figure; its handler lives in the harness, to share the client's clock. */
export const LATENCY_TASK = 'bench.latency'

/** The ~200-byte args payload of every job (the same bytes for JobQ and the peers). */
export const ARGS = [{
  template: 'welcome-email',
  to: 'ada.lovelace@example.com',
  lang: 'en-GB',
  vars: { name: 'Ada Lovelace', plan: 'pro', coupon: 'WELCOME-2026', referrer: 'newsletter' },
  send_at: '2026-11-27T10:00'
}]
export const ARGS_JSON = JSON.stringify(ARGS)
export const KWARGS = { lang: 'en' }
const KWARGS_JSON = JSON.stringify(KWARGS)

/** A POST /jobs body, which is also the `data` the peers get. */
export interface JobBody {
  task: string
  entity_id: string
  args: unknown[]
  kwargs: Record<string, unknown>
  priority: Priority
}

/** Priorities 1, 2, 3 in turn, so every figure spreads its jobs over the three bands. */
export const priorityOf = (i: number): Priority => ((i % 3) + 1) as Priority

export function jobBody (entity: string, priority: Priority, task = TASK): JobBody {
  return { task, entity_id: entity, args: ARGS, kwargs: KWARGS, priority }
}

/** The same job as JobQueue.enqueueMany takes it (the caller's JSON as text). */
export function newJob (entity: string, priority: Priority, task = TASK): NewJob {
  return { task, entity_id: entity, priority, args: ARGS_JSON, kwargs: KWARGS_JSON, metadata: '{}' }
}

/** The JSON text of a POST /jobs body with autocannon's `[<id>]` placeholder as the entity id. */
export function templateBody (priority: Priority): string {
  return JSON.stringify(jobBody('e-[<id>]', priority))
}
