// Every data call of the dashboard, with the caller's key in a header. The key lives in
// sessionStorage only: it is gone when the tab closes, never written to localStorage, a cookie or a
// URL (where it would end up in history, logs and Referer headers).

const KEY_ITEM = 'jobq.key'

export class ApiError extends Error {
  constructor (status, message) {
    super(message)
    this.name = 'ApiError'
    this.status = status
  }
}

/** The key of this tab, or null when none was given (an API run without keys needs none). */
export const currentKey = () => sessionStorage.getItem(KEY_ITEM)
export const setKey = (key) => sessionStorage.setItem(KEY_ITEM, key)
export const forgetKey = () => sessionStorage.removeItem(KEY_ITEM)

/** Told when the API answers 401: the page then asks for a key. */
let onUnauthorized = () => {}
export function whenUnauthorized (fn) { onUnauthorized = fn }

export function authHeaders () {
  const key = currentKey()
  return key ? { authorization: `Bearer ${key}` } : {}
}

/** Throws ApiError with the API's own message (which names the field at fault) unless the answer is 2xx. */
export async function check (res) {
  if (res.ok) return res
  let message = `${res.status} ${res.statusText}`
  try {
    const body = await res.json()
    if (body?.message) message = body.message
  } catch {
    // Not JSON (a proxy's error page): the status line says enough.
  }
  if (res.status === 401) onUnauthorized(message)
  throw new ApiError(res.status, message)
}

/** A JSON call: GET by default, a JSON body when one is given; undefined for 204. */
export async function api (path, { method = 'GET', body, signal } = {}) {
  const headers = { accept: 'application/json', ...authHeaders() }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await check(await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal }))
  return res.status === 204 ? undefined : res.json()
}

/**
 * The path prefix of a queue's routes: the top-level routes for the API's default queue, which
 * answer whether or not it has a handler yet, /queues/{queue} for the others.
 */
export function queueBase (queue, defaultQueue) {
  return queue === defaultQueue ? '' : `/queues/${encodeURIComponent(queue)}`
}

/** The path of a queue's overview route: GET /queue for the default queue, GET /queues/{queue} for others. */
export function queuePath (queue, defaultQueue) {
  return queue === defaultQueue ? '/queue' : `/queues/${encodeURIComponent(queue)}`
}
