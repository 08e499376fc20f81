import type { Config } from '../../config/config.js'
import type { NewJob, Priority } from '../../queue/job.js'
import { LimitExceededError, NestedTooDeepError } from '../../queue/errors.js'
import type { NewJobBody } from '../schemas/job.js'

/**
 * The configurable limits on a new job. The schemas hold the hard bounds (and document them);
 * these tighten them per deployment, each refused with a 400 that names the field and the setting.
 */
export interface JobLimits {
  maxEntityIdLength: number
  entityIdPattern: RegExp | null
  taskPattern: RegExp | null
  maxArgsBytes: number
  /**
   * JSON.parse takes any depth, but JSON.stringify (here, and in the worker's callback) recurses and
   * overflows the stack a few thousand levels down, which would turn a 10 kB body into a 500.
   */
  maxJsonDepth: number
}

export function jobLimits (config: Config): JobLimits {
  return {
    maxEntityIdLength: config.maxEntityIdLength,
    entityIdPattern: config.entityIdPattern ? new RegExp(config.entityIdPattern, 'u') : null,
    taskPattern: config.taskPattern ? new RegExp(config.taskPattern, 'u') : null,
    maxArgsBytes: config.maxArgsBytes,
    maxJsonDepth: config.maxJsonDepth
  }
}

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

/** A validated request body as the queue takes it: limits checked, defaults filled, the caller's JSON as text. */
export function toNewJob (body: NewJobBody, limits: JobLimits, path = 'body'): NewJob {
  if ([...body.entity_id].length > limits.maxEntityIdLength) {
    throw new LimitExceededError(`${path}.entity_id: longer than ${limits.maxEntityIdLength} characters (JOBQ_MAX_ENTITY_ID_LENGTH)`)
  }
  if (limits.entityIdPattern && !limits.entityIdPattern.test(body.entity_id)) {
    throw new LimitExceededError(`${path}.entity_id: must match ${limits.entityIdPattern.source} (JOBQ_ENTITY_ID_PATTERN)`)
  }
  if (limits.taskPattern && !limits.taskPattern.test(body.task)) {
    throw new LimitExceededError(`${path}.task: must match ${limits.taskPattern.source} (JOBQ_TASK_PATTERN)`)
  }
  const json: Record<'args' | 'kwargs' | 'metadata', string> = { args: '[]', kwargs: '{}', metadata: '{}' }
  for (const field of ['args', 'kwargs', 'metadata'] as const) {
    const value = body[field]
    if (value === undefined) continue
    if (nestedDeeperThan(value, limits.maxJsonDepth)) throw new NestedTooDeepError(`${path}.${field}`, limits.maxJsonDepth)
    json[field] = JSON.stringify(value)
    if (Buffer.byteLength(json[field]) > limits.maxArgsBytes) {
      throw new LimitExceededError(`${path}.${field}: larger than ${limits.maxArgsBytes} bytes of JSON (JOBQ_MAX_ARGS_BYTES)`)
    }
  }
  return { task: body.task, entity_id: body.entity_id, priority: (body.priority ?? 1) as Priority, ...json }
}
