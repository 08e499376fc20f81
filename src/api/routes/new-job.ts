import type { NewJob, Priority } from '../../queue/job.js'
import { NestedTooDeepError } from '../../queue/errors.js'
import type { NewJobBody } from '../schemas/job.js'

/**
 * How deep the caller's args, kwargs and metadata may nest. JSON.parse takes any depth, but
 * JSON.stringify (here, and in the worker's callback) recurses and overflows the stack a few
 * thousand levels down, which would turn a 10 kB body into a 500.
 */
export const MAX_JSON_DEPTH = 100

/** Whether a parsed JSON value nests arrays and objects more than `max` levels; iterative, so any depth is safe. */
export function nestedDeeperThan (value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]]
  while (pending.length > 0) {
    const [item, depth] = pending.pop() as [unknown, number]
    if (item === null || typeof item !== 'object') continue
    if (depth > max) return true
    for (const child of Object.values(item)) pending.push([child, depth + 1])
  }
  return false
}

/** A validated request body as the queue takes it: defaults filled, the caller's JSON as text. */
export function toNewJob (body: NewJobBody, path = 'body'): NewJob {
  for (const field of ['args', 'kwargs', 'metadata'] as const) {
    if (nestedDeeperThan(body[field], MAX_JSON_DEPTH)) throw new NestedTooDeepError(`${path}.${field}`, MAX_JSON_DEPTH)
  }
  return {
    task: body.task,
    entity_id: body.entity_id,
    priority: (body.priority ?? 1) as Priority,
    args: JSON.stringify(body.args ?? []),
    kwargs: JSON.stringify(body.kwargs ?? {}),
    metadata: JSON.stringify(body.metadata ?? {})
  }
}
