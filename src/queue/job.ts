/** A job's lifecycle states, as stored in its record and reported by the API. */
export type JobStatus = 'queued' | 'scheduled' | 'processing' | 'completed' | 'failed' | 'cancelled'

export type Priority = 1 | 2 | 3

/** What a caller gives to enqueue a job. args, kwargs and metadata travel as JSON text. */
export interface NewJob {
  task: string
  entity_id: string
  priority: Priority
  args: string
  kwargs: string
  metadata: string
  /** When the job is due (ms); 0 or a time not after the enqueue: now. Later: scheduled until then. */
  due_at?: number
}

/** A job record as lua/includes/job.lua keeps it, with the caller's JSON still as text. */
export interface JobRecord {
  job_id: string
  task: string
  entity_id: string
  args: string
  kwargs: string
  metadata: string
  priority: Priority
  status: JobStatus
  attempts: number
  queued_at: number
  priority_updated_at: number | null
  started_at: number | null
  finished_at: number | null
  /** The token of the attempt under way; a completed job keeps the one that completed it. */
  lease: string | null
  last_error: string | null
  result: string | null
  next_attempt_at: number | null
  /** The last progress an async handler reported for the attempt under way (or the last one's). */
  progress: { percent: number | null, message: string | null, at: number } | null
  /** When the lease of a job its async handler holds (after a 202) lapses; null otherwise. */
  held_until: number | null
  /** The schedule whose tick enqueued the job, and that tick's time (ms); null for other jobs. */
  schedule: { name: string, tick: number } | null
  position_in_queue: number | null
  position_in_priority: number | null
}

/** Elements in one job reply: code, id, the record as a JSON array, two positions (lua/includes/job.lua pushJob). */
export const JOB_REPLY_LENGTH = 5

type ReplyValue = string | number | null
/** A record field as the JSON array carries it: false where empty. */
type Field = string | number | false

const orNull = <T>(value: Field | ReplyValue): T | null => (value === false || value === null ? null : value as T)

/** Decodes the job reply that starts at `at` in a script's flat reply array. */
export function decodeJob (reply: ReplyValue[], at = 0): { code: number, job: JobRecord } {
  const f = JSON.parse(reply[at + 2] as string) as Field[]
  return {
    code: reply[at] as number,
    job: {
      job_id: reply[at + 1] as string,
      task: f[0] as string,
      entity_id: f[1] as string,
      args: f[2] as string,
      kwargs: f[3] as string,
      metadata: f[4] as string,
      priority: f[5] as Priority,
      // f[6] is the first-enqueue sequence: an ordering detail, not part of a job's public face
      queued_at: f[7] as number,
      attempts: f[8] as number,
      status: f[9] as JobStatus,
      priority_updated_at: orNull(f[10]),
      started_at: orNull(f[11]),
      finished_at: orNull(f[12]),
      lease: orNull(f[13]),
      last_error: orNull(f[14]),
      result: orNull(f[15]),
      next_attempt_at: orNull(f[16]),
      progress: f[17] ? JSON.parse(f[17] as string) : null,
      held_until: orNull(f[18]),
      // Trailing fields: a record from before schedules has none (f[19] undefined).
      schedule: f[19] ? { name: f[19] as string, tick: f[20] as number } : null,
      position_in_queue: orNull(reply[at + 3]),
      position_in_priority: orNull(reply[at + 4])
    }
  }
}

/**
 * Decodes an entry of a worker's pickup list (lua/includes/pickup.lua): `<key> <job_id> <record JSON>`;
 * null for a wake-up marker (empty) or anything else.
 */
export function decodePickup (entry: string): JobRecord | null {
  const first = entry.indexOf(' ')
  const second = first < 0 ? -1 : entry.indexOf(' ', first + 1)
  if (second < 0) return null
  return decodeJob([1, entry.slice(first + 1, second), entry.slice(second + 1), null, null]).job
}

/** Decodes every job reply from `at` to the end of a script's reply. */
export function decodeJobs (reply: ReplyValue[], at = 0): Array<{ code: number, job: JobRecord }> {
  const out = []
  for (let i = at; i < reply.length; i += JOB_REPLY_LENGTH) out.push(decodeJob(reply, i))
  return out
}
