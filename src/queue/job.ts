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
  lease: string | null
  last_error: string | null
  result: string | null
  next_attempt_at: number | null
  position_in_queue: number | null
  position_in_priority: number | null
}

/** Elements in one job reply: code, id, the 17 record fields, two positions (lua/includes/job.lua). */
export const JOB_REPLY_LENGTH = 21

type ReplyValue = string | number | null

const orNull = <T>(value: ReplyValue): T | null => (value === null ? null : value as T)

/** Decodes the job reply that starts at `at` in a script's flat reply array. */
export function decodeJob (reply: ReplyValue[], at = 0): { code: number, job: JobRecord } {
  const r = reply
  return {
    code: r[at] as number,
    job: {
      job_id: r[at + 1] as string,
      task: r[at + 2] as string,
      entity_id: r[at + 3] as string,
      args: r[at + 4] as string,
      kwargs: r[at + 5] as string,
      metadata: r[at + 6] as string,
      priority: r[at + 7] as Priority,
      // r[at + 8] is the first-enqueue sequence: an ordering detail, not part of a job's public face
      status: r[at + 11] as JobStatus,
      attempts: r[at + 10] as number,
      queued_at: r[at + 9] as number,
      priority_updated_at: orNull(r[at + 12]),
      started_at: orNull(r[at + 13]),
      finished_at: orNull(r[at + 14]),
      lease: orNull(r[at + 15]),
      last_error: orNull(r[at + 16]),
      result: orNull(r[at + 17]),
      next_attempt_at: orNull(r[at + 18]),
      position_in_queue: orNull(r[at + 19]),
      position_in_priority: orNull(r[at + 20])
    }
  }
}

/** Decodes every job reply from `at` to the end of a script's reply. */
export function decodeJobs (reply: ReplyValue[], at = 0): Array<{ code: number, job: JobRecord }> {
  const out = []
  for (let i = at; i < reply.length; i += JOB_REPLY_LENGTH) out.push(decodeJob(reply, i))
  return out
}
