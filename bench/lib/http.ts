import { request, type Dispatcher } from 'undici'

/** One JSON request; throws unless the status is the expected one. */
export async function httpJson<T = unknown> (method: Dispatcher.HttpMethod, url: string, body?: unknown, expect: number[] = [200, 201], dispatcher?: Dispatcher): Promise<T> {
  const res = await request(url, {
    method,
    dispatcher,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000
  })
  const text = await res.body.text()
  if (!expect.includes(res.statusCode)) throw new Error(`${method} ${url}: ${res.statusCode} ${text.slice(0, 300)}`)
  return (text === '' ? null : JSON.parse(text)) as T
}
