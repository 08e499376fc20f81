/** Examples for the OpenAPI document: one realistic value per shared schema, checked by the linter. */
const jobId = 'VcE1jTf00001'

export const jobExample = {
  job_id: jobId,
  entity_id: 'user-42',
  task: 'email.send',
  status: 'queued',
  priority: 2,
  position_in_queue: 3,
  position_in_priority: 1,
  args: ['welcome'],
  kwargs: { lang: 'en' },
  metadata: { requested_by: 'signup' },
  attempts: 0,
  queued_at: '2026-11-28T01:00:32.571Z',
  priority_updated_at: null,
  started_at: null,
  finished_at: null,
  next_attempt_at: null,
  last_error: null,
  result: null,
  progress: null,
  lease_expires_at: null,
  schedule: null
}

export const newJobExample = {
  task: 'email.send',
  entity_id: 'user-42',
  args: ['welcome'],
  kwargs: { lang: 'en' },
  priority: 2,
  metadata: { requested_by: 'signup' }
}

export const errorExample = {
  statusCode: 400,
  error: 'Bad Request',
  message: 'body.priority: must be <= 3'
}

export const queueExample = {
  queue: 'default',
  queued: 12,
  by_priority: { 1: 2, 2: 7, 3: 3 },
  processing: 4,
  scheduled: 1,
  failed: 0,
  completed: 230,
  cancelled: 2,
  total_processed: 1874,
  runtime_ms: { min: 3, avg: 41, max: 2950 },
  oldest_queued_age_ms: 5120,
  paused: false,
  uptime_seconds: 86400
}

export const handlerSettingsExample = {
  url: 'https://hooks.example.com/jobq/email',
  timeout_ms: 30000,
  max_attempts: 5,
  backoff_ms: 1000
}

export const handlerExample = {
  name: 'email.send',
  ...handlerSettingsExample,
  created_at: '2026-11-28T01:00:00.000Z',
  updated_at: '2026-11-28T01:00:00.000Z'
}

export const secretExample = 'whsec_5ZibKGfHs2TBnw6xUjuk+JbBw4EGharwRNqayo3eKds='
