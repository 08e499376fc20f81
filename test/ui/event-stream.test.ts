import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { TestContext } from 'node:test'
import { waitFor } from '../helper.js'

/** The dashboard's stream reader is plain browser JavaScript; Node has the same fetch and streams. */
interface Stream { close (): void, readonly lastEventId: string | undefined }
interface Event { type: string, id?: string, data: unknown }
type OpenEventStream = (path: string, options: { onEvent: (e: Event) => void, onState?: (s: string) => void, lastEventId?: string }) => Stream
// The page's key store; this tab has no key. (Node 20 has no Web Storage.)
Object.assign(globalThis, { sessionStorage: { getItem: () => null } })
const { openEventStream } = await import(String(new URL('../../ui/js/event-stream.js', import.meta.url))) as { openEventStream: OpenEventStream }

/** A server answering each request with `answer`, recording each request's Last-Event-ID. */
async function sseServer (t: TestContext, answer: (res: ServerResponse, req: IncomingMessage, n: number) => void) {
  const lastIds: Array<string | undefined> = []
  const server = createServer((req, res) => {
    lastIds.push(req.headers['last-event-id'] as string | undefined)
    answer(res, req, lastIds.length)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/events`, lastIds }
}

describe('the dashboard\'s event stream reader', () => {
  it('should parse events split anywhere, CRLF or LF, with comments and multi-line data', async (t) => {
    const text = ': connected\r\n\r\nid: 1-0\r\ndata: {"a":1}\r\n\r\nid: 2-0\nevent: gap\ndata: line one\ndata: line two\n\n:heartbeat\n\nid: 3-0\ndata: {"b":\n\n'
    const { url } = await sseServer(t, (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      // One byte at a time: every boundary, a CR apart from its LF included, falls between chunks.
      const bytes = Buffer.from(text)
      let i = 0
      const next = () => { if (i < bytes.length) res.write(bytes.subarray(i, ++i), next) }
      next()
    })
    const events: Event[] = []
    const stream = openEventStream(url, { onEvent: (e) => events.push(e) })
    t.after(() => stream.close())
    await waitFor('three events', () => events.length === 3)
    assert.deepEqual(events, [
      { type: 'message', id: '1-0', data: { a: 1 } },
      { type: 'gap', id: '2-0', data: 'line one\nline two' },
      { type: 'message', id: '3-0', data: '{"b":' }
    ])
  })

  it('should reconnect after a drop with the last id it saw as Last-Event-ID', async (t) => {
    const { url, lastIds } = await sseServer(t, (res, _req, n) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      // The first connection ends after two events, as a restart or a proxy would end it.
      if (n === 1) res.end('id: 5-0\ndata: {}\n\nid: 6-1\ndata: {}\n\n')
      else res.write('id: 7-0\ndata: {}\n\n')
    })
    const ids: Array<string | undefined> = []
    const stream = openEventStream(url, { onEvent: (e) => ids.push(e.id), lastEventId: '4-0' })
    t.after(() => stream.close())
    await waitFor('the event after the drop', () => ids.length === 3)
    assert.deepEqual(ids, ['5-0', '6-1', '7-0'])
    assert.deepEqual(lastIds, ['4-0', '6-1'])
    assert.equal(stream.lastEventId, '7-0')
  })
})
