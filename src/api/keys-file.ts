import { readFile } from 'node:fs/promises'
import { ConfigError } from '../config/config.js'
import { QUEUE_NAME } from '../queue/keys.js'

/**
 * The keys file (JOBQ_KEYS_FILE): bearer keys limited to some queues, each stored only as the
 * SHA-256 of the key, so the file can be read by more people than may use the keys.
 *
 *   {"keys": [
 *     {"name": "team-a", "role": "client", "queues": ["a", "b"], "sha256": "<64 hex digits>"},
 *     {"name": "ops", "role": "admin", "queues": "*", "sha256": "<64 hex digits>"}
 *   ]}
 *
 * `role` is "client" (job and queue routes) or "admin" (handler routes too); `queues` lists the
 * queues the key may use, or is "*" for every queue. The file is checked strictly: an unknown field,
 * a missing one or a malformed value is a ConfigError naming the entry and the field. The messages
 * quote no value from the file but names, so they are safe to log.
 */

export type KeyRole = 'client' | 'admin'

export interface FileKey {
  /** Who holds the key; for people reading the file and the logs. */
  name: string
  role: KeyRole
  /** The queues the key may use, or '*' for every queue, including queues made later. */
  queues: ReadonlySet<string> | '*'
  /** SHA-256 of the key (32 bytes). */
  digest: Buffer
}

const SOURCE = 'JOBQ_KEYS_FILE'
const ENTRY_FIELDS = ['name', 'role', 'queues', 'sha256']
const NAME = /^[A-Za-z0-9_.:@-]{1,64}$/
const SHA256 = /^[0-9a-fA-F]{64}$/

/** Reads and checks the keys file at `path`. */
export async function readKeysFile (path: string): Promise<FileKey[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new ConfigError(`${SOURCE}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  return parseKeysFile(text)
}

/** Checks the text of a keys file and returns its keys. */
export function parseKeysFile (text: string): FileKey[] {
  let doc: unknown
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    // V8's message may quote the text around the error, which may be a hash: keep only where it is.
    throw new ConfigError(`${SOURCE}: not valid JSON${whereInJson(text, (err as Error).message)}`)
  }
  if (!isObject(doc)) throw new ConfigError(`${SOURCE}: must be a JSON object {"keys": [...]}`)
  for (const field of Object.keys(doc)) {
    if (field !== 'keys') throw new ConfigError(`${SOURCE}: ${shownField(field)}: unknown field`)
  }
  if (!('keys' in doc)) throw new ConfigError(`${SOURCE}: keys: is required`)
  if (!Array.isArray(doc.keys)) throw new ConfigError(`${SOURCE}: keys: must be an array`)

  const keys = doc.keys.map((entry: unknown, i: number) => parseEntry(entry, `keys[${i}]`))
  for (let i = 0; i < keys.length; i++) {
    for (let j = 0; j < i; j++) {
      if (keys[i].name === keys[j].name) throw new ConfigError(`${SOURCE}: keys[${i}].name: "${keys[i].name}" is also the name of keys[${j}]`)
      if (keys[i].digest.equals(keys[j].digest)) throw new ConfigError(`${SOURCE}: keys[${i}].sha256: the same key as keys[${j}]`)
    }
  }
  return keys
}

function parseEntry (entry: unknown, at: string): FileKey {
  if (!isObject(entry)) throw new ConfigError(`${SOURCE}: ${at}: must be an object {name, role, queues, sha256}`)
  for (const field of Object.keys(entry)) {
    if (!ENTRY_FIELDS.includes(field)) throw new ConfigError(`${SOURCE}: ${at}.${shownField(field)}: unknown field`)
  }
  for (const field of ENTRY_FIELDS) {
    if (!(field in entry)) throw new ConfigError(`${SOURCE}: ${at}.${field}: is required`)
  }
  const { name, role, queues, sha256 } = entry
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigError(`${SOURCE}: ${at}.name: must be 1-64 of A-Z a-z 0-9 _ . : @ -`)
  }
  if (role !== 'client' && role !== 'admin') throw new ConfigError(`${SOURCE}: ${at}.role: must be "client" or "admin"`)
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
    throw new ConfigError(`${SOURCE}: ${at}.sha256: must be 64 hexadecimal digits, the SHA-256 of the key (printf %s "$KEY" | sha256sum)`)
  }
  return { name, role, queues: parseQueues(queues, `${at}.queues`), digest: Buffer.from(sha256, 'hex') }
}

function parseQueues (queues: unknown, at: string): FileKey['queues'] {
  if (queues === '*') return '*'
  if (!Array.isArray(queues) || queues.length === 0) {
    throw new ConfigError(`${SOURCE}: ${at}: must be "*" or a non-empty array of queue names`)
  }
  queues.forEach((queue: unknown, k) => {
    if (typeof queue !== 'string' || !QUEUE_NAME.test(queue)) {
      throw new ConfigError(`${SOURCE}: ${at}[${k}]: is not a queue name (1-64 of A-Z a-z 0-9 _ . -)`)
    }
  })
  return new Set(queues as string[])
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * An unknown field's name, when it reads like one. Anything else (a key or a hash pasted in the
 * wrong place, say) is not repeated: these messages are logged.
 */
function shownField (field: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(field) ? field : '(a field whose name is not shown)'
}

/** " (line L column C)" from a JSON.parse error message, when it gives a position. */
function whereInJson (text: string, message: string): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(message)
  if (lineColumn) return ` (line ${lineColumn[1]} column ${lineColumn[2]})`
  const position = /at position (\d+)/.exec(message)
  if (!position) return ''
  const before = text.slice(0, Number(position[1])).split('\n')
  return ` (line ${before.length} column ${before[before.length - 1].length + 1})`
}
