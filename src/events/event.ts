/** Every kind of job state change the scripts write to a queue's event stream. */
export const EVENT_TYPES = [
  'job.enqueued', 'job.priority_changed', 'job.due', 'job.started', 'job.completed', 'job.failed',
  'job.retry_scheduled', 'job.released', 'job.cancelled', 'job.progress', 'job.retried'
] as const

export type EventType = typeof EVENT_TYPES[number]

/** Statuses after which a job changes no more (until a retry). */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled'])

/**
 * One event as clients receive it: the stream entry's fields typed, its time in RFC 3339 as the job
 * views print times, and the entry's `detail` object flattened in.
 */
export interface JobEvent {
  type: string
  queue: string
  job_id: string
  entity_id: string
  task: string
  status: string
  priority: number
  attempt: number
  at: string
  [detail: string]: unknown
}

/** The fields an event always has: a detail field of the same name never replaces one. */
const CORE = new Set(['type', 'queue', 'job_id', 'entity_id', 'task', 'status', 'priority', 'attempt', 'at', 'detail'])

let lastMs = NaN
let lastIso = ''

/**
 * A time in ms as RFC 3339. The last one is kept: a busy queue writes many events in the same
 * millisecond, and toISOString was a tenth of an event's fan-out cost (bench figure 8).
 */
function iso (ms: unknown): unknown {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return ms
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString()
    lastMs = ms
  }
  return lastIso
}

/** The fields the `e` field of an entry packs (lua/includes/job.lua emitEvent); the entity id comes last and may hold spaces. */
const PACKED = ['type', 'job_id', 'task', 'status', 'priority', 'attempt', 'at'] as const

function unpackInto (entry: Record<string, string>, packed: string): void {
  let from = 0
  for (const name of PACKED) {
    const space = packed.indexOf(' ', from)
    if (space < 0) return
    entry[name] = packed.slice(from, space)
    from = space + 1
  }
  entry.entity_id = packed.slice(from)
}

/**
 * An entry of `jobq:{<queue>}:events` ([field, value, ...] as XREAD returns it) as an event of
 * `queue`. Entries of data format 3, a field per value, still read the same: a queue brought to
 * format 4 keeps them in its stream until they are trimmed.
 */
export function decodeEntry (queue: string, fields: string[]): JobEvent {
  const entry: Record<string, string> = {}
  for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i]] = fields[i + 1]
  if (entry.e !== undefined) unpackInto(entry, entry.e)
  const event: JobEvent = {
    type: entry.type ?? '',
    queue,
    job_id: entry.job_id ?? '',
    entity_id: entry.entity_id ?? '',
    task: entry.task ?? '',
    status: entry.status ?? '',
    priority: Number(entry.priority),
    attempt: Number(entry.attempt),
    at: String(iso(Number(entry.at)))
  }
  if (entry.detail) {
    let detail: unknown
    try {
      detail = JSON.parse(entry.detail)
    } catch {
      // Written by our own scripts, so never expected; the event still goes out, without its extras.
      detail = {}
    }
    // cjson writes an empty Lua table as [] rather than {}: both mean no extras.
    if (typeof detail === 'object' && detail !== null && !Array.isArray(detail)) {
      for (const [name, value] of Object.entries(detail)) {
        // Times in the detail (next_attempt_at) read like every other time of the API.
        if (!CORE.has(name)) event[name] = name.endsWith('_at') ? iso(value) : value
      }
    }
  }
  return event
}

/** A stream entry id, `<ms>-<seq>`; `0-0` is before every entry. */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/

/** Orders two stream ids: negative when a is older than b, 0 when equal, positive when newer. */
export function compareIds (a: string, b: string): number {
  const aDash = a.indexOf('-')
  const bDash = b.indexOf('-')
  return compareDigits(a.slice(0, aDash), b.slice(0, bDash)) || compareDigits(a.slice(aDash + 1), b.slice(bDash + 1))
}

/** Orders two decimal numbers without leading zeros, as text: a longer one is larger. */
function compareDigits (a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length
  return a < b ? -1 : a > b ? 1 : 0
}

/** One event as Server-Sent Events text: its stream id, then its JSON on one data line. */
export function sseFrame (id: string, event: JobEvent): string {
  return `id: ${id}\ndata: ${JSON.stringify(event)}\n\n`
}
