import { waitFor } from '../helper.js'

/** One event as a client parses it from the stream. */
export interface ParsedEvent {
  id?: string
  event?: string
  data: any
}

export interface SseStream {
  status: number
  headers: Headers
  events: ParsedEvent[]
  /** Comment lines (without the leading colon), in order. */
  comments: string[]
  /** Resolves once `count` events have come, or fails at the deadline. */
  waitForEvents (count: number, timeoutMs?: number): Promise<ParsedEvent[]>
  /** Why the stream ended, when the server cut it. */
  error?: Error
  /** Resolves once the server has ended the stream. */
  ended: Promise<void>
  close (): void
}

/**
 * Reads an event stream the way the dashboard does: fetch() with the key in a header, and a
 * streaming reader over the body (EventSource cannot send headers). Closed after the test.
 */
export async function openStream (t: { after: (fn: () => unknown) => void }, url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController()
  const response = await fetch(url, { headers, signal: controller.signal })
  const stream: SseStream = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: [],
    waitForEvents: async (count, timeoutMs = 15_000) => {
      try {
        return await waitFor(`${count} events`, () => stream.events.length >= count && stream.events, timeoutMs)
      } catch (err) {
        // What did come, at the deadline: the last few events name the job and step that stalled.
        const last = stream.events.slice(-3).map((e) => `${e.data?.job_id} ${e.data?.type ?? e.event}`)
        throw new Error(`${(err as Error).message}: have ${stream.events.length}, the last ${JSON.stringify(last)}`)
      }
    },
    ended: Promise.resolve(),
    close: () => controller.abort()
  }
  t.after(() => controller.abort())
  if (!response.ok || !response.body) return stream
  const decoder = new TextDecoder()
  let buffer = ''
  stream.ended = (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          parseBlock(block, stream)
        }
      }
    } catch (err) {
      // Aborted by the test, or cut by the server ('terminated'): the stream has ended either way.
      if ((err as Error).name !== 'AbortError') stream.error = err as Error
    }
  })()
  return stream
}

function parseBlock (block: string, stream: SseStream): void {
  const event: ParsedEvent = { data: undefined }
  let data: string | undefined
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      stream.comments.push(line.slice(1).trim())
      continue
    }
    const colon = line.indexOf(':')
    const field = line.slice(0, colon)
    const value = line.slice(colon + 1).replace(/^ /, '')
    if (field === 'id') event.id = value
    else if (field === 'event') event.event = value
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`
  }
  if (data === undefined) return
  event.data = JSON.parse(data)
  stream.events.push(event)
}
