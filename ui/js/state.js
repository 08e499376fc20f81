// Which queue the page shows, and the paths of its routes.
import { queueBase, queuePath } from './api.js'

export const state = {
  /** The API's default queue (JOBQ_QUEUE), served by the routes without /queues/{queue}; '' when the key may not use it. */
  defaultQueue: '',
  /** The queue the page shows. */
  queue: '',
  /** Whether this tab's key may manage handlers (an admin key); false after a 403. */
  admin: true
}

/** Prefix of the shown queue's job, handler and event routes. */
export const base = () => queueBase(state.queue, state.defaultQueue)

/** The shown queue's overview route, whose /pause and /resume pause it. */
export const overviewPath = () => queuePath(state.queue, state.defaultQueue)

/** Runs `fn` at most once every `intervalMs`, and once more after calls that came while it ran. */
export function coalesce (fn, intervalMs) {
  let timer = null
  let running = false
  let again = false
  let last = 0
  const run = async () => {
    timer = null
    running = true
    last = Date.now()
    try {
      await fn()
    } finally {
      running = false
      if (again) {
        again = false
        schedule()
      }
    }
  }
  const schedule = () => {
    if (running) again = true
    else if (!timer) timer = setTimeout(run, Math.max(0, last + intervalMs - Date.now()))
  }
  return schedule
}
