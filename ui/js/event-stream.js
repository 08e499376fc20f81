// Server-Sent Events read with fetch() and a streaming reader, because EventSource cannot send an
// Authorization header and the key must never be put in a URL. After a drop it reconnects with
// Last-Event-ID, so the stream resumes where it stopped (the API says `event: gap` when the events
// in between are no longer retained).
import { authHeaders, check } from './api.js'

const MIN_RETRY_MS = 500
const MAX_RETRY_MS = 10_000

/**
 * Reads `path` until close() is called: `onEvent({ type, id, data })` for each event (data parsed
 * as JSON when it is JSON), `onState('live' | 'connecting' | 'error', message?)` as the connection
 * goes. `lastEventId` is where to start: events after it (undefined: only new events).
 */
export function openEventStream (path, { onEvent, onState = () => {}, lastEventId } = {}) {
  const controller = new AbortController()
  let lastId = lastEventId
  let retryMs = MIN_RETRY_MS
  let closed = false

  const run = async () => {
    for (;;) {
      if (closed) return
      onState('connecting')
      try {
        const headers = { accept: 'text/event-stream', ...authHeaders() }
        if (lastId !== undefined) headers['last-event-id'] = lastId
        const res = await check(await fetch(path, { headers, signal: controller.signal, cache: 'no-store' }))
        onState('live')
        retryMs = MIN_RETRY_MS
        await readEvents(res.body, (event) => {
          if (event.id !== undefined) lastId = event.id
          onEvent(event)
        }, (ms) => { retryMs = ms })
        if (!closed) onState('error', 'the stream ended; reconnecting')
      } catch (err) {
        if (closed) return
        onState('error', err.message)
        // A refused key or a bad filter will not mend itself by retrying every half second.
        if (err.status >= 400 && err.status < 500) retryMs = MAX_RETRY_MS
      }
      if (closed) return
      await new Promise((resolve) => setTimeout(resolve, retryMs))
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
    }
  }
  run()
  return {
    close () {
      closed = true
      controller.abort()
    },
    get lastEventId () { return lastId }
  }
}

/** Parses an event stream (the WHATWG format: field lines, a blank line ends an event). */
async function readEvents (body, emit, setRetry) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  let event = { type: 'message', data: [] }
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    let end
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
      if (buffer[end] === '\r' && end === buffer.length - 1) break
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1))
      if (line === '') {
        if (event.data.length > 0) emit(finish(event))
        event = { type: 'message', data: [] }
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const text = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1))
      if (field === 'data') event.data.push(text)
      else if (field === 'event') event.type = text
      else if (field === 'id' && !text.includes('\0')) event.id = text
      else if (field === 'retry' && /^\d+$/.test(text)) setRetry(Number(text))
    }
  }
}

function finish ({ type, id, data }) {
  const text = data.join('\n')
  try {
    return { type, id, data: JSON.parse(text) }
  } catch {
    return { type, id, data: text }
  }
}
