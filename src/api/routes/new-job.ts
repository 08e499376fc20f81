import type { Config } from '../../config/config.js'
import type { NewJob, Priority } from '../../queue/job.js'
import { LimitExceededError, NestedTooDeepError } from '../../queue/errors.js'
import { YEAR_MS, type NewJobBody } from '../schemas/job.js'

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

/**
 * Whether a parsed JSON value nests arrays and objects more than `max` levels. Recursion stops at
 * max + 1 levels (max is at most 1000), so any input depth is safe; no allocation on the hot path.
 */
export function nestedDeeperThan (value: unknown, max: number, depth = 1): boolean {
  if (value === null || typeof value !== 'object') return false
  if (depth > max) return true
  if (Array.isArray(value)) {
    for (const item of value) if (nestedDeeperThan(item, max, depth + 1)) return true
    return false
  }
  const record = value as Record<string, unknown>
  for (const key in record) if (nestedDeeperThan(record[key], max, depth + 1)) return true
  return false
}

/** Characters (code points) in `text`, without building an array when its UTF-16 length settles it. */
function longerThan (text: string, max: number): boolean {
  if (text.length <= max) return false
  let count = 0
  for (const _ of text) if (++count > max) return true // eslint-disable-line @typescript-eslint/no-unused-vars
  return false
}

/** A validated request body as the queue takes it: limits checked, defaults filled, the caller's JSON as text. */
export function toNewJob (body: NewJobBody, limits: JobLimits, path = 'body', now = Date.now()): NewJob {
  if (longerThan(body.entity_id, limits.maxEntityIdLength)) {
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
    // UTF-8 takes at most 3 bytes per UTF-16 unit: short texts need no count.
    if (json[field].length * 3 > limits.maxArgsBytes && Buffer.byteLength(json[field]) > limits.maxArgsBytes) {
      throw new LimitExceededError(`${path}.${field}: larger than ${limits.maxArgsBytes} bytes of JSON (JOBQ_MAX_ARGS_BYTES)`)
    }
  }
  return { task: body.task, entity_id: body.entity_id, priority: (body.priority ?? 1) as Priority, ...json, due_at: dueAt(body, path, now) }
}

/** When a job asks to run: delay_ms from now, or run_at (a time in the past means now); 0 for now. */
function dueAt (body: NewJobBody, path: string, now: number): number {
  if (body.delay_ms !== undefined && body.run_at !== undefined) {
    throw new LimitExceededError(`${path}.run_at: give either delay_ms or run_at, not both`)
  }
  if (body.delay_ms !== undefined) return body.delay_ms > 0 ? now + body.delay_ms : 0
  if (body.run_at === undefined) return 0
  const at = Date.parse(body.run_at)
  if (Number.isNaN(at)) throw new LimitExceededError(`${path}.run_at: not an RFC 3339 date-time`)
  if (at - now > YEAR_MS) throw new LimitExceededError(`${path}.run_at: at most one year from now`)
  return at > now ? at : 0
}
