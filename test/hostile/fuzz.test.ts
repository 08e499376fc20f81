import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import type { FastifyInstance, InjectOptions } from 'fastify'
import Ajv2020Module from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { buildTestApp, sharedRedis, snapshotQueue, suiteContext, type TestRedis } from '../helper.js'

/**
 * 10,000 random and malformed requests across every route and method of the committed OpenAPI
 * document: wrong types, huge and deeply nested JSON, bad UTF-8 in bodies and paths, unknown fields,
 * bad ids, wrong methods, missing and wrong content types, empty bodies, long strings, junk keys.
 *
 * - no 5xx;
 * - every answer has a status the document lists for its route, and a body (and content type) that
 *   the documented schema for that status accepts; an unknown route or a wrong method is a 404 in
 *   the error shape; an error body repeats the status and its reason phrase;
 * - nothing stored changes: requests to state-changing routes are all invalid by construction (a
 *   2xx from one is a failure too), reads may be anything; the queue's keys are compared with DUMP
 *   (and, where a DUMP differs, by content, since a hash's DUMP follows its rehash order).
 *
 * A fifth of the requests go to a second API with bearer keys set, with no, wrong, client or admin
 * keys; the rest to one without keys, as the other tests run it.
 *
 * Replay with JOBQ_FUZZ_SEED=<seed>; JOBQ_FUZZ_REQUESTS changes the count.
 */
const SEED = Number(process.env.JOBQ_FUZZ_SEED ?? 4_2026)
const REQUESTS = Number(process.env.JOBQ_FUZZ_REQUESTS ?? 10_000)
/** The share of requests sent to an API that has bearer keys set (the rest go to one without). */
const KEYED_SHARE = 0.2
const CONCURRENCY = 16
const BODY_LIMIT = 64 * 1024
const CLIENT_KEY = 'fuzz-client-key-0123456789'
const ADMIN_KEY = 'fuzz-admin-key-0123456789'

// ajv ships CommonJS: the class is the module itself under Node's ESM loader.
type AjvClass = typeof Ajv2020Module.default
type AddFormats = typeof addFormatsModule.default
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats

// ---------------------------------------------------------------------------------------------
// The document: operations, and validators for request bodies and responses

interface Schema { [key: string]: unknown }
interface MediaType { schema?: Schema }
interface Operation {
  method: string
  template: string
  segments: string[]
  params: Array<{ name: string, in: string, schema: Schema }>
  bodySchema: Schema | null
  responses: Record<string, { content?: Record<string, MediaType> }>
  /** A pointer to the operation in the document, for $refs into it. */
  pointer: string
}

const doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'))
const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true })
addFormats(ajv)
ajv.addSchema({ ...doc, $id: 'openapi' })

const escapePointer = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1')
const validators = new Map<string, ReturnType<typeof ajv.compile>>()
function validatorFor (pointer: string) {
  let validate = validators.get(pointer)
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi#${pointer}` })
    validators.set(pointer, validate)
  }
  return validate
}

const OPERATIONS: Operation[] = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)
  .flatMap(([template, item]) => Object.entries(item).map(([method, op]) => {
    const pointer = `/paths/${escapePointer(template)}/${method}`
    const body = (op.requestBody as { content?: Record<string, MediaType> } | undefined)?.content?.['application/json']?.schema
    return {
      method: method.toUpperCase(),
      template,
      segments: template.split('/'),
      params: (op.parameters as Operation['params'] | undefined) ?? [],
      bodySchema: body ?? null,
      responses: op.responses as Operation['responses'],
      pointer
    }
  }))

const isReadOnly = (op: Operation) => op.method === 'GET'
const bodyIsValid = (op: Operation, body: unknown) => op.bodySchema !== null &&
  validatorFor(`${op.pointer}/requestBody/content/application~1json/schema`)(body)

function safeDecode (segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

/** The path and query the server sees: inject parses the URL as WHATWG does (dot segments resolved). */
function effectiveUrl (url: string): string {
  const parsed = new URL(url.startsWith('//') ? `http://localhost${url}` : url, 'http://localhost')
  return parsed.pathname + parsed.search
}

type Resolution =
  | { kind: 'route', op: Operation, head: boolean }
  | { kind: 'wrong-method' }
  | { kind: 'unknown' }

/**
 * The documented operation a request reaches, as Fastify's router picks it: static segments before
 * parameters, a parameter takes any segment (even an empty one), HEAD answers for GET routes.
 */
function resolve (method: string, url: string): Resolution {
  const path = effectiveUrl(url).split('?')[0]
  const segments = path.split('/')
  const matches = OPERATIONS.filter((op) => op.segments.length === segments.length && op.segments.every((t, i) =>
    t.startsWith('{') || t === segments[i] || t === safeDecode(segments[i])))
  if (matches.length === 0) return { kind: 'unknown' }
  // more static segments first, then the earlier a static segment stands the better
  const rank = (op: Operation) => op.segments.map((t) => (t.startsWith('{') ? '1' : '0')).join('')
  matches.sort((a, b) => rank(a).localeCompare(rank(b)))
  const wanted = method === 'HEAD' ? 'GET' : method
  const op = matches.find((o) => o.method === wanted)
  return op ? { kind: 'route', op, head: method === 'HEAD' } : { kind: 'wrong-method' }
}

// ---------------------------------------------------------------------------------------------
// Random values

/** mulberry32: small, fast and seedable, so a failing run can be replayed. */
function prng (seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let r = Math.imul(a ^ (a >>> 15), 1 | a)
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296
  }
}

class Random {
  constructor (readonly next: () => number) {}
  int (max: number): number { return Math.floor(this.next() * max) }
  chance (p: number): boolean { return this.next() < p }
  pick<T> (items: readonly T[]): T { return items[this.int(items.length)] }

  string (maxLength = 24): string {
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz0123456789-_.:',
      ' !"#$%&\'()*+,/;<=>?@[\\]^`{|}~',
      'üßéñ中文字カナ한글Ωж',
      '\u0000\u0001\u001f\u007f\n\r\t\b',
      '\u200b\u200e\u202e\ufeff\u0301\u2028\u2029',
      '😀🎉🚀'
    ]
    const length = this.chance(0.05) ? 200 + this.int(4000) : this.int(maxLength + 1)
    let s = ''
    const alphabet = [...this.pick(alphabets)]
    for (let i = 0; i < length; i++) s += this.chance(0.8) ? this.pick(alphabet) : [...this.pick(alphabets)][0]
    return s
  }

  json (depth = 0): unknown {
    const roll = this.int(depth > 3 ? 6 : 9)
    switch (roll) {
      case 0: return null
      case 1: return this.chance(0.5)
      case 2: return this.pick([0, -1, 1, 2, 3, 4, 1.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, 5e-324, 0.1 + 0.2])
      case 3: return this.int(1000) - 500
      case 4: case 5: return this.string()
      case 6: case 7: return Array.from({ length: this.int(4) }, () => this.json(depth + 1))
      default: return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.string(8), this.json(depth + 1)]))
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

interface FuzzRequest {
  options: InjectOptions
  /** Why the request must change nothing (state-changing routes only), for reports. */
  why: string
  keyed: boolean
}

interface Known {
  /** Job ids, entity ids and handler names that exist: state-changing requests must not name them validly. */
  idents: Set<string>
  jobIds: string[]
  entities: string[]
  handlers: string[]
  /** A next_cursor the API gave, so that reads of later pages run too. */
  cursors: string[]
}

const JSON_TYPE = 'application/json'
const UNPARSED_TYPES = ['application/xml', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/octet-stream', 'image/png', 'application/jsonx', 'application/json-patch+json', 'json', '*/*', 'text']
const JSON_VARIANTS = [JSON_TYPE, 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=UTF-8', 'application/json; foo=bar']

/** Path segments that are hostile as they stand: bad percent-encoding, traversal, encoded separators. */
const RAW_SEGMENTS = ['%', '%zz', '%ff', '%C0%80', '%ED%A0%80', '%F4%90%80%80', '%00', '%0A', '..', '.', '%2e%2e', '%2F',
  'a%2Fb', '%3F', '%23', '~', '*', '%20', '+', '%E2%80%AE', '%EF%BB%BF']

function fuzzIdent (r: Random, known: Known, mayBeKnown: boolean, param: { name?: string, schema?: Schema }): string {
  const roll = r.int(10)
  if (mayBeKnown && roll < 3) {
    return encodeURIComponent(r.pick(param.name === 'name' ? known.handlers : [...known.jobIds, ...known.entities]))
  }
  const paramSchema = param.schema ?? {}
  if (roll < 5) return r.pick(RAW_SEGMENTS) + (r.chance(0.5) ? encodeURIComponent(r.string(6)) : '')
  if (roll < 6) return 'x'.repeat(r.pick([127, 128, 129, 255, 256, 257, 1000, 3072, 3073, 5000]))
  if (roll < 7) return encodeURIComponent('ü'.repeat(r.pick([128, 256, 257, 600, 1100])))
  if (roll < 8 && typeof paramSchema.pattern === 'string') return encodeURIComponent(r.pick(['a b', '.x', '-x', 'a/b', '_', 'é', 'a'.repeat(129)]))
  return encodeURIComponent(r.string())
}

/** A valid body for a route, from which invalid ones are made. */
function validBody (op: Operation, r: Random, i: number): Record<string, unknown> {
  const job = () => ({
    task: 'email.send',
    entity_id: `fuzz-${i}-${r.int(1e6)}`,
    ...(r.chance(0.5) ? { args: [r.json(), r.json()] } : {}),
    ...(r.chance(0.5) ? { kwargs: { k: r.json() } } : {}),
    ...(r.chance(0.5) ? { priority: 1 + r.int(3) } : {}),
    ...(r.chance(0.3) ? { metadata: { m: r.string() } } : {})
  })
  if (op.template === '/jobs') return job()
  if (op.template === '/jobs/batch') return { jobs: Array.from({ length: 1 + r.int(3) }, job) }
  if (op.template.endsWith('/priority')) return { priority: 1 + r.int(3) }
  if (op.template.endsWith('/rotate-secret')) return r.chance(0.5) ? { grace_ms: r.int(1e6) } : {}
  if (op.template === '/handlers/{name}') return { url: 'http://127.0.0.1:9/hook', ...(r.chance(0.5) ? { max_attempts: 3 } : {}) }
  return { any: r.json() }
}

const otherType = (r: Random, value: unknown): unknown => {
  const candidates: unknown[] = [null, true, 0, 2, -1, 1.5, '2', 'x', [], [1], {}, { a: 1 }]
  const differs = candidates.filter((c) => typeof c !== typeof value || Array.isArray(c) !== Array.isArray(value) ||
    (c === null) !== (value === null) || (typeof c === 'number' && typeof value === 'number' && c !== value))
  return r.pick(differs)
}

/**
 * Turns a valid body into one that the route must refuse: schema violations (checked with the
 * document's own request schema), or the route's semantic checks (an unknown task, args nested too
 * deep, an entity_id that UTF-8 cannot carry). Returns null when the mutation happened to stay valid.
 */
function invalidBody (op: Operation, r: Random, body: Record<string, unknown>): { body: unknown, why: string, semantic: boolean } | null {
  const target: Record<string, unknown> = op.template === '/jobs/batch' && r.chance(0.7)
    ? (body.jobs as Array<Record<string, unknown>>)[0]
    : body
  const keys = Object.keys(target)
  const isJob = 'task' in target
  const roll = r.int(isJob ? 12 : 8)
  // in a batch, an item without a handler is that item's outcome (no_handler), not a refused request
  if ((roll === 8 || roll === 9) && op.template === '/jobs/batch') return null
  let why: string
  let semantic = false
  switch (roll) {
    case 0: case 1: {
      const key = r.pick(['priorty', 'extra', '__proto__x', 'constructor', 'toString', '', ' ', 'Task', r.string(6)])
      if (key in target) return null
      target[key] = r.json()
      why = `unknown field ${JSON.stringify(key)}`
      break
    }
    case 2: case 3: {
      if (keys.length === 0) return null
      const key = r.pick(keys)
      target[key] = otherType(r, target[key])
      why = `${key} of a wrong type`
      break
    }
    case 4: {
      if (keys.length === 0) return null
      const key = r.pick(keys)
      delete target[key]
      why = `no ${key}`
      break
    }
    case 5: {
      const key = r.pick(['priority', 'grace_ms', 'max_attempts', 'timeout_ms', 'backoff_ms'])
      target[key] = r.pick([0, -1, 4, 99, 1e20, -1e20, 0.5, 2.5, 7 * 86_400_000 + 1, 3_600_001, 86_400_001])
      why = `${key} out of range`
      break
    }
    case 6: {
      if (op.template === '/jobs/batch') {
        body.jobs = r.pick([[], Array.from({ length: 1001 }, () => ({ task: 'email.send', entity_id: 'x' })), 'jobs', null, {}])
        why = 'jobs not a 1-1000 array'
      } else {
        const key = r.pick(['url', 'task', 'entity_id'])
        target[key] = r.pick(['', 'x'.repeat(r.pick([129, 257, 2049, 5000])), 'ftp://example.com/', 'javascript:alert(1)', 'a b', '.dot',
          'http://', 'http://[::1', 'http://a:99999/', 'mailto:x@y', 'e\u0000', 'e\n', '\u007f'])
        why = `${key} malformed`
      }
      break
    }
    case 7:
      return { body: r.pick([[], [body], 'body', 42, true]), why: 'body not an object', semantic: false }
    case 8: case 9:
      target.task = r.pick(['no.such.task', 'Email.Send', 'email.send2', 'x'])
      why = 'no handler for the task'
      semantic = true
      break
    case 10: {
      const levels = r.pick([101, 150, 5000, 100_000])
      const nested = `${DEEP}${levels}`
      target[r.pick(['args', 'kwargs', 'metadata'])] = r.pick([[nested], { a: nested }])
      why = `nested ${levels} levels deep`
      semantic = true
      break
    }
    default:
      target.entity_id = r.pick(['\ud800', 'a\udc00b', 'x\udbff', '\udfff\ud800'])
      why = 'entity_id with a lone surrogate, which UTF-8 cannot carry'
      semantic = true
  }
  if (!semantic && bodyIsValid(op, body)) return null
  return { body, why, semantic }
}

/** Stands for arrays nested this many levels deep, which only the JSON text can hold (serialize). */
const DEEP = '\u0000deep:'

/** JSON text of a body; DEEP markers become the nesting they stand for (JSON.stringify would overflow). */
function serialize (body: unknown): string {
  return JSON.stringify(body).replace(/"\\u0000deep:(\d+)"/g, (_, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)))
}

/** JSON text that no JSON parser takes, or that Fastify refuses on purpose. */
function malformedJson (r: Random, text: string): { payload: string, why: string } {
  switch (r.int(9)) {
    case 0: return { payload: text.slice(0, Math.max(1, r.int(text.length))), why: 'truncated JSON' }
    case 1: return { payload: text.replace(/}$/, ',}'), why: 'trailing comma' }
    case 2: return { payload: text.includes('"') ? text.replaceAll('"', "'") : "{'a': 1}", why: 'single quotes' }
    case 3: return { payload: `{"a": NaN, ${text.slice(1)}`, why: 'NaN literal' }
    case 4: return { payload: `${text} // comment`, why: 'a comment' }
    case 5: return { payload: '{'.repeat(r.pick([10, 10_000])), why: 'unbalanced braces' }
    case 6: return { payload: `{"__proto__": {"polluted": 1}, ${text.slice(1)}`, why: 'prototype poisoning' }
    case 7: return { payload: `{"x": {"constructor": {"prototype": {"polluted": 1}}}, ${text.slice(1)}`, why: 'constructor poisoning' }
    default: return { payload: `${text}${text}`, why: 'two JSON values' }
  }
}

/** Raw bytes that are not UTF-8, put inside a string of otherwise valid JSON. */
function badUtf8 (r: Random, text: string): Buffer | null {
  const at = text.indexOf('"fuzz-')
  if (at < 0) return null
  const bad = Buffer.from(r.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe9], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]]))
  return Buffer.concat([Buffer.from(text.slice(0, at + 1)), bad, Buffer.from(text.slice(at + 1))])
}

function queryString (r: Random, known: Known): string {
  const parts: string[] = []
  const n = r.int(4)
  for (let i = 0; i < n; i++) {
    const name = r.pick(['list', 'cursor', 'limit', 'list', 'limit', 'x', '__proto__', 'constructor', 'list[]', 'limit[a]', ''])
    const value = r.pick([
      'queued', 'processing', 'all', '', '1', '0', '-1', '1000', '1001', '1e3', '0x10', '1.5', 'NaN', 'null', '%ff', '%00',
      Buffer.from(`${r.pick(['1', '1e400', 'nan', '-inf', '1.5', ''])}\n${r.string(5)}`).toString('base64url'),
      encodeURIComponent(r.string()), 'x'.repeat(r.pick([1024, 1025, 5000])), ...known.cursors
    ])
    parts.push(`${name}=${value}`)
  }
  if (r.chance(0.1)) parts.push('&&=&')
  return parts.length > 0 ? `?${parts.join('&')}` : r.pick(['', '?', '?&'])
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** Whether a path names something that exists, in any of its segments, however encoded. */
function namesKnown (url: string, known: Known): boolean {
  return [url, effectiveUrl(url)].join('/').split('?')[0].split('/').some((s) => known.idents.has(s) || known.idents.has(safeDecode(s) ?? ''))
}

function makeRequest (r: Random, i: number, known: Known, keyed: boolean): FuzzRequest {
  const headers: Record<string, string> = {}
  if (keyed) {
    const auth = r.pick([null, `Bearer ${CLIENT_KEY}`, `Bearer ${ADMIN_KEY}`, `Bearer ${ADMIN_KEY}`, 'Bearer wrong-key-0123456789abcdef',
      'Bearer', `Basic ${Buffer.from('a:b').toString('base64')}`, `bearer  ${CLIENT_KEY}`, `Bearer ${CLIENT_KEY} extra`, `Bearer ${'x'.repeat(5000)}`])
    if (auth !== null) headers.authorization = auth
  } else if (r.chance(0.05)) {
    headers.authorization = r.pick(['Bearer x', 'Basic Zm9vOmJhcg==', r.string()]).replace(/[^\x20-\x7e]/g, '')
  }
  if (r.chance(0.1)) headers.accept = r.pick(['text/html', 'application/xml', '*/*', 'application/json;q=0', 'garbage'])
  if (r.chance(0.05)) headers['x-forwarded-for'] = r.pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1'])
  if (r.chance(0.03)) headers['content-encoding'] = r.pick(['gzip', 'br', 'identity', 'x-unknown'])
  if (r.chance(0.03)) headers['accept-encoding'] = r.pick(['gzip', 'br;q=1, *;q=0', 'x'])
  if (r.chance(0.02)) headers[r.pick(['x-long', 'x-request-id', 'cookie', 'user-agent'])] = 'h'.repeat(r.pick([100, 8000]))

  // One in ten requests goes to a route that does not exist or with a method the path does not have.
  if (r.chance(0.1)) {
    const op = r.pick(OPERATIONS)
    const method = r.pick(METHODS.filter((m) => m !== op.method))
    let url = op.segments.map((s) => (s.startsWith('{') ? fuzzIdent(r, known, false, {}) : s)).join('/')
    if (r.chance(0.4)) {
      url = r.pick(['/', '/nope', '/jobs/', '/jobs', '/Jobs/x', '/queue/', '/handlers/', '//queue', '/jobs/x/y/z',
        '/healthz/', '/%2e%2e/queue', '/jobs/x/priority/', '/openapi.json', `/${r.string(8).replace(/[^a-z]/g, '')}`])
    }
    if (method !== 'GET' && method !== 'HEAD' && namesKnown(url, known)) url = '/nope'
    const options: InjectOptions = { method: method as InjectOptions['method'], url, headers }
    if (method !== 'GET' && method !== 'HEAD' && r.chance(0.5)) {
      options.payload = JSON.stringify(r.json())
      headers['content-type'] = r.pick([JSON_TYPE, ...UNPARSED_TYPES])
    }
    return { options, why: 'no such route or method', keyed }
  }

  const op = r.pick(OPERATIONS)
  const readOnly = isReadOnly(op)
  let why = ''
  // Path parameters: a state-changing request may name something that exists only if its body is
  // certain to be refused, which it then is. Naming nothing is a refusal only where the route answers
  // 404 for it: not for PUT (which creates) nor for routes without parameters.
  const refusesUnknown = op.method !== 'PUT' && op.params.some((p) => p.in === 'path')
  const bodyRefusal = !readOnly && (!refusesUnknown || r.chance(0.5))
  const namesExisting = readOnly || bodyRefusal
  let url = op.segments.map((s) => {
    if (!s.startsWith('{')) return s
    const param = op.params.find((p) => `{${p.name}}` === s)
    return fuzzIdent(r, known, namesExisting, param ?? {})
  }).join('/')
  if (!namesExisting && namesKnown(url, known)) url = op.segments.map((s) => (s.startsWith('{') ? `zz-unknown-${i}` : s)).join('/')
  if (!readOnly && !bodyRefusal) why = 'names nothing that exists'
  if (op.template === '/queue' && r.chance(0.3)) {
    url += `?list=${r.pick(['queued', 'processing'])}${r.chance(0.5) ? `&limit=${1 + r.int(4)}` : ''}${r.chance(0.3) ? `&cursor=${r.pick(known.cursors)}` : ''}`
  } else if (op.template === '/queue' || r.chance(0.1)) {
    url += queryString(r, known)
  }

  const options: InjectOptions = { method: op.method as InjectOptions['method'], url, headers }
  const takesBody = op.method !== 'GET' || r.chance(0.1)
  if (!takesBody) return { options, why, keyed }

  const valid = validBody(op, r, i)
  // How the body is spoiled. Reads and requests already refused by their path take anything.
  // A request refused by its path sometimes has a valid body, so that the route itself answers (404).
  const kinds = ['schema', 'schema', 'schema', 'malformed', 'content-type', 'empty', 'huge', 'utf8', ...(bodyRefusal ? [] : ['valid', 'valid', 'valid'])]
  const kind = r.pick(bodyRefusal && op.bodySchema === null ? ['malformed', 'content-type', 'empty', 'huge'] : kinds)
  const contentType = r.pick(JSON_VARIANTS)
  switch (kind) {
    case 'valid':
      options.payload = JSON.stringify(valid)
      headers['content-type'] = contentType
      break
    case 'schema': {
      const spoiled = op.bodySchema ? invalidBody(op, r, valid) : null
      if (spoiled) {
        options.payload = serialize(spoiled.body)
        if (bodyRefusal) why = `body: ${spoiled.why}`
      } else {
        options.payload = JSON.stringify(valid)
        if (bodyRefusal) return makeRequest(r, i, known, keyed)
      }
      headers['content-type'] = contentType
      break
    }
    case 'malformed': {
      const bad = malformedJson(r, JSON.stringify(valid))
      options.payload = bad.payload
      headers['content-type'] = contentType
      if (bodyRefusal) why = `body: ${bad.why}`
      break
    }
    case 'content-type': {
      options.payload = r.pick([JSON.stringify(valid), 'task=email.send&entity_id=x', '<job/>', r.string(40) || 'x'])
      headers['content-type'] = r.pick(UNPARSED_TYPES)
      if (r.chance(0.2)) headers['content-type'] = ''
      if (bodyRefusal) why = `content-type ${JSON.stringify(headers['content-type'])}`
      break
    }
    case 'empty':
      options.payload = ''
      headers['content-type'] = contentType
      if (bodyRefusal) why = 'an empty JSON body'
      break
    case 'huge': {
      const size = BODY_LIMIT + 1 + r.int(BODY_LIMIT)
      options.payload = JSON.stringify({ ...valid, pad: 'x'.repeat(size) })
      headers['content-type'] = contentType
      if (bodyRefusal) why = `a body over the ${BODY_LIMIT}-byte limit`
      break
    }
    default: {
      const text = JSON.stringify(valid)
      const bytes = badUtf8(r, text)
      if (!bytes) {
        options.payload = malformedJson(r, text).payload
        if (bodyRefusal) why = 'body: malformed JSON'
      } else {
        options.payload = bytes
        if (bodyRefusal) why = 'body: bytes that are not UTF-8'
      }
      headers['content-type'] = contentType
    }
  }
  return { options, why, keyed }
}

// ---------------------------------------------------------------------------------------------
// Checking answers

interface Answer { statusCode: number, headers: Record<string, unknown>, body: string }

/** Whether a request to the keyed API carries one of its keys as the auth plugin reads them. */
function presentsKey (req: FuzzRequest): boolean {
  const token = /^Bearer +(\S+)$/i.exec((req.options.headers as Record<string, string>).authorization ?? '')?.[1]
  return token === CLIENT_KEY || token === ADMIN_KEY
}

/** Every way an answer breaks the contract; empty when it keeps it. */
function problemsWith (req: FuzzRequest, res: Answer): string[] {
  const problems: string[] = []
  const method = req.options.method as string
  const url = req.options.url as string
  const status = res.statusCode
  const type = String(res.headers['content-type'] ?? '')
  if (status >= 500) problems.push(`${status} server error: ${res.body.slice(0, 300)}`)
  const target = resolve(method, url)
  const errorShape = () => {
    if (method === 'HEAD') return
    let body: { statusCode?: unknown, error?: unknown }
    try {
      body = JSON.parse(res.body)
    } catch {
      problems.push(`${status}: body is not JSON: ${res.body.slice(0, 200)}`)
      return
    }
    if (!validatorFor('/components/schemas/Error')(body)) problems.push(`${status}: not the error shape: ${res.body.slice(0, 300)}`)
    if (body.statusCode !== status) problems.push(`${status}: body says statusCode ${String(body.statusCode)}`)
    if (body.error !== STATUS_CODES[status]) problems.push(`${status}: body says error ${JSON.stringify(body.error)}, not ${JSON.stringify(STATUS_CODES[status])}`)
  }

  if (target.kind !== 'route') {
    // Keys are checked before routing, and a path the router cannot read (bad percent-encoding, a
    // segment longer than its maxParamLength) is refused before it knows whether a route matches.
    const path = effectiveUrl(url).split('?')[0]
    const unreadable = method === 'HEAD'
      ? safeDecode(path) === null || path.split('/').some((segment) => segment.length > 256 * 12)
      : /"code":"FST_ERR_(BAD_URL|MAX_PARAM_LENGTH)"/.test(res.body)
    const refusedFirst = (status === 401 && req.keyed && !presentsKey(req)) || (status === 400 && unreadable)
    if (status !== 404 && status !== 405 && !refusedFirst) {
      problems.push(`${status} for ${target.kind === 'unknown' ? 'an unknown route' : 'a wrong method'} (404 or 405 expected)`)
    }
    errorShape()
    return problems
  }
  const { op } = target
  const documented = op.responses[String(status)]
  if (!documented) {
    problems.push(`${status} is not documented for ${op.method} ${op.template}: ${res.body.slice(0, 300)}`)
    if (status >= 400) errorShape()
    return problems
  }
  if (!isReadOnly(op) && status < 300) problems.push(`${status} for a request that must be refused (${req.why})`)
  const content = documented.content ?? {}
  const mediaTypes = Object.keys(content)
  if (target.head || mediaTypes.length === 0) {
    if (res.body !== '') problems.push(`${status}: a body where none is documented: ${res.body.slice(0, 200)}`)
    return problems
  }
  const media = mediaTypes.find((m) => type.split(';')[0].trim().toLowerCase() === m)
  if (!media) {
    problems.push(`${status}: content-type ${JSON.stringify(type)}, documented ${mediaTypes.join(', ')}`)
    return problems
  }
  const pointer = `${op.pointer}/responses/${status}/content/${escapePointer(media)}/schema`
  let body: unknown = res.body
  if (media === JSON_TYPE) {
    try {
      body = JSON.parse(res.body)
    } catch {
      problems.push(`${status}: body is not JSON: ${res.body.slice(0, 200)}`)
      return problems
    }
  }
  const validate = validatorFor(pointer)
  if (!validate(body)) {
    problems.push(`${status}: body does not match the documented schema (${ajv.errorsText(validate.errors)}): ${res.body.slice(0, 300)}`)
  }
  if (status >= 400) errorShape()
  return problems
}

function describeRequest (req: FuzzRequest): string {
  const { method, url, headers, payload } = req.options
  const text = payload === undefined ? '' : Buffer.isBuffer(payload) ? `<${payload.length} bytes: ${payload.toString('latin1').slice(0, 120)}>` : String(payload).slice(0, 160)
  const h = headers as Record<string, string>
  const auth = req.keyed ? ` [auth ${(h.authorization ?? 'none').slice(0, 60)}]` : ''
  return `${method} ${String(url).slice(0, 120)}${h['content-type'] !== undefined ? ` [${h['content-type']}]` : ''}${auth} ${text.slice(0, 100)}${req.why ? ` (${req.why})` : ''}`
}

// ---------------------------------------------------------------------------------------------
// The suite

/** An API with handlers and jobs in every state a request could disturb; returns what exists. */
async function seed (app: FastifyInstance, known: Known): Promise<void> {
  for (const name of ['email.send', 'sms.send']) {
    const res = await app.inject({ method: 'PUT', url: `/handlers/${name}`, payload: { url: 'http://127.0.0.1:9/hook', max_attempts: 2 }, headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body)
    known.handlers.push(name)
  }
  const enqueue = async (entity: string, priority: number) => {
    const res = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: entity, priority, args: [entity], kwargs: { p: priority } }, headers: { authorization: `Bearer ${CLIENT_KEY}` } })
    assert.equal(res.statusCode, 201, res.body)
    known.jobIds.push(res.json().job_id)
    known.entities.push(entity)
  }
  const day = 86_400_000
  // each claimed in turn: busy stays processing, sched waits to retry, done completes, dead fails
  for (const [entity, settle] of [['busy', null], ['sched', 'retry'], ['done', 'complete'], ['dead', 'fail']] as const) {
    await enqueue(entity, 1)
    const [job] = (await app.jobQueue.claim(1, 'fuzz', day)).jobs
    assert.equal(job.entity_id, entity)
    if (settle === 'retry') await app.jobQueue.fail(job.job_id, job.lease as string, 'boom', Date.now() + day)
    if (settle === 'complete') await app.jobQueue.complete(job.job_id, job.lease as string, '{"ok":true}')
    if (settle === 'fail') await app.jobQueue.fail(job.job_id, job.lease as string, 'for good', null)
  }
  await enqueue('gone', 2)
  assert.equal((await app.inject({ method: 'DELETE', url: '/jobs/gone', headers: { authorization: `Bearer ${CLIENT_KEY}` } })).statusCode, 204)
  for (const [entity, priority] of [['q1', 1], ['q2', 2], ['q3', 3], ['ü ß/?#', 2], ['batch', 3]] as const) await enqueue(entity, priority)
  for (const id of [...known.jobIds, ...known.entities, ...known.handlers]) known.idents.add(id)
  const page = await app.inject({ url: '/queue?list=queued&limit=2', headers: { authorization: `Bearer ${CLIENT_KEY}` } })
  assert.equal(page.statusCode, 200, page.body)
  known.cursors.push(page.json().next_cursor)
}

/**
 * The content of every key of a queue, whatever its encoding: per key, its type and expiry, and each
 * hash field, sorted-set member (with its score), set member or list item, or the string's value.
 */
async function contentOf (redis: TestRedis, queue: string): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {}
  const hex = (b: Buffer) => b.toString('hex')
  for (const key of await redis.client.keys(`jobq:{${queue}}:*`)) {
    const type = await redis.client.type(key)
    const parts: Record<string, string> = { type, expires: String(await redis.client.pttl(key) >= 0) }
    if (type === 'hash') {
      for (const [field, value] of Object.entries(await redis.client.hgetallBuffer(key))) parts[`field ${field}`] = hex(value)
    } else if (type === 'zset') {
      const all = await redis.client.zrangeBuffer(key, '0', '-1', 'WITHSCORES')
      for (let j = 0; j < all.length; j += 2) parts[`member ${hex(all[j])}`] = all[j + 1].toString()
    } else if (type === 'set') {
      for (const member of await redis.client.smembersBuffer(key)) parts[`member ${hex(member)}`] = ''
    } else if (type === 'list') {
      parts.items = (await redis.client.lrangeBuffer(key, 0, -1)).map(hex).join(',')
    } else if (type === 'stream') {
      // The event stream: each entry by its id, with its fields.
      for (const [id, fields] of await redis.client.xrange(key, '-', '+')) parts[`entry ${id}`] = fields.join(' ')
    } else {
      parts.value = hex(await redis.client.getBuffer(key) ?? Buffer.alloc(0))
    }
    out[key] = parts
  }
  return out
}

async function runPool<T> (items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await run(items[next++])
  }))
}

describe('hostile requests (fuzz)', () => {
  const suite = suiteContext()
  const shared = sharedRedis()

  // What the fuzzer found, as fixed cases: each refused in the documented shape, nothing stored.
  it('should refuse what the fuzzer found: bytes that are not UTF-8, unpaired surrogates, overlong paths, bodies sent nowhere', async (t) => {
    const redis = shared()
    const app = await buildTestApp(t, redis.url, { JOBQ_BODY_LIMIT: String(BODY_LIMIT) })
    const known: Known = { idents: new Set(), jobIds: [], entities: [], handlers: [], cursors: [] }
    await seed(app, known)
    const before = await contentOf(redis, app.jobQueue.queueName)
    const json = { 'content-type': JSON_TYPE }
    const cases: Array<[InjectOptions, number, RegExp]> = [
      [{ method: 'POST', url: '/jobs', headers: json, payload: Buffer.from('{"task":"email.send","entity_id":"caf\xe9"}', 'latin1') }, 400, /^body: is not valid UTF-8/],
      [{ method: 'POST', url: '/jobs/batch', headers: json, payload: Buffer.concat([Buffer.from('{"jobs":[{"task":"email.send","entity_id":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}]}')]) }, 400, /^body: is not valid UTF-8/],
      [{ method: 'DELETE', url: '/jobs/q1', headers: json, payload: Buffer.from([0x7b, 0xff, 0x7d]) }, 400, /^body: is not valid UTF-8/],
      [{ method: 'POST', url: '/jobs', headers: json, payload: '{"task":"email.send","entity_id":"\\ud800"}' }, 400, /^body\.entity_id: /],
      [{ method: 'POST', url: '/jobs/batch', headers: json, payload: '{"jobs":[{"task":"email.send","entity_id":"a\\udc00b"}]}' }, 400, /^body\.jobs\.0\.entity_id: /],
      [{ method: 'GET', url: `/jobs/${'x'.repeat(4000)}` }, 400, /^params: /],
      [{ method: 'DELETE', url: `/handlers/${'x'.repeat(4000)}` }, 400, /^params: /],
      [{ method: 'PUT', url: '/nope', headers: { 'content-type': 'text' }, payload: 'x' }, 404, /^Route PUT \/nope not found/],
      [{ method: 'DELETE', url: '/healthz', headers: json, payload: '{bad' }, 404, /^Route DELETE \/healthz not found/],
      [{ method: 'POST', url: '/nope', headers: json, payload: 'x'.repeat(BODY_LIMIT + 1) }, 404, /^Route POST \/nope not found/]
    ]
    for (const [request, status, message] of cases) {
      const res = await app.inject(request)
      const what = `${request.method} ${String(request.url).slice(0, 40)}: ${res.body.slice(0, 200)}`
      assert.equal(res.statusCode, status, what)
      assert.deepEqual(problemsWith({ options: request, why: 'a regression case', keyed: false }, res), [], what)
      assert.match(res.json().message, message, what)
    }
    assert.deepEqual(await contentOf(redis, app.jobQueue.queueName), before)
    // an entity_id of astral characters is still fine: only unpaired surrogates are refused
    const astral = await app.inject({ method: 'POST', url: '/jobs', payload: { task: 'email.send', entity_id: 'emoji-😀🎉' } })
    assert.equal(astral.statusCode, 201, astral.body)
    assert.equal(astral.json().entity_id, 'emoji-😀🎉')
  })

  it(`should answer ${REQUESTS} random and malformed requests within the documented contract, changing nothing (seed ${SEED})`, async (t) => {
    t.diagnostic(`fuzz seed ${SEED}, ${REQUESTS} requests (JOBQ_FUZZ_SEED / JOBQ_FUZZ_REQUESTS to change)`)
    const redis = shared()
    const apps: Array<{ app: FastifyInstance, known: Known, keyed: boolean }> = []
    for (const keyed of [false, true]) {
      const app = await buildTestApp(suite, redis.url, {
        JOBQ_BODY_LIMIT: String(BODY_LIMIT),
        ...(keyed ? { JOBQ_API_KEYS: CLIENT_KEY, JOBQ_ADMIN_KEYS: ADMIN_KEY } : {})
      })
      const known: Known = { idents: new Set(), jobIds: [], entities: [], handlers: [], cursors: [] }
      await seed(app, known)
      apps.push({ app, known, keyed })
    }
    const before = await Promise.all(apps.map(({ app }) => snapshotQueue(redis.client, app.jobQueue.queueName)))
    const contentBefore = await Promise.all(apps.map(({ app }) => contentOf(redis, app.jobQueue.queueName)))

    const r = new Random(prng(SEED))
    const requests = Array.from({ length: REQUESTS }, (_, i) => {
      const target = apps[r.chance(KEYED_SHARE) ? 1 : 0]
      return { target, request: makeRequest(r, i, target.known, target.keyed) }
    })

    const failures = new Map<string, string[]>()
    const statuses = new Map<string, number>()
    const started = Date.now()
    await runPool(requests, CONCURRENCY, async ({ target, request }) => {
      let res: Answer
      try {
        res = await target.app.inject(request.options)
      } catch (err) {
        const key = `inject threw ${(err as Error).message.slice(0, 100)}`
        failures.set(key, [...(failures.get(key) ?? []), describeRequest(request)])
        return
      }
      const resolved = resolve(request.options.method as string, request.options.url as string)
      const label = `${resolved.kind === 'route' ? `${resolved.head ? 'HEAD' : resolved.op.method} ${resolved.op.template}` : resolved.kind} ${res.statusCode}`
      statuses.set(label, (statuses.get(label) ?? 0) + 1)
      for (const problem of problemsWith(request, res)) {
        // group by the problem without the echoed body, so one bug is one entry
        const key = `${label}: ${problem.split(': ')[0]}`
        const seen = failures.get(key) ?? []
        if (seen.length < 2) seen.push(`${describeRequest(request)}\n      -> ${problem.slice(0, 300)}`)
        failures.set(key, seen)
      }
    })
    t.diagnostic(`${REQUESTS} requests in ${Date.now() - started} ms; answers: ${[...statuses].sort().map(([k, v]) => `${k} ×${v}`).join(', ')}`)

    assert.deepEqual([...failures].map(([key, examples]) => `${key}\n    ${examples.join('\n    ')}`), [], 'answers outside the documented contract')
    for (const [i, { app }] of apps.entries()) {
      const after = await snapshotQueue(redis.client, app.jobQueue.queueName)
      // A DUMP of a hash in hashtable encoding follows the dict's bucket order, which an incremental
      // rehash moves on every lookup, reads included; so where a DUMP differs, the content decides.
      const content = await contentOf(redis, app.jobQueue.queueName)
      const changed = [...new Set([...Object.keys(before[i]), ...Object.keys(after)])]
        .filter((key) => before[i][key] !== after[key])
        .flatMap((key) => {
          const [was, now] = [contentBefore[i][key] ?? {}, content[key] ?? {}]
          return [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((part) => was[part] !== now[part])
            .map((part) => `${key} ${part}: ${(was[part] ?? '(none)').slice(0, 200)} -> ${(now[part] ?? '(none)').slice(0, 200)}`)
        })
      assert.deepEqual(changed, [], `keys of the ${i ? 'keyed' : 'open'} API's queue that changed`)
      assert.deepEqual(await app.jobQueue.checkInvariants(), [])
    }
  })
})
