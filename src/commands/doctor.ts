import { Agent, request } from 'undici'
import type { Config } from '../config/config.js'
import { SETTINGS, type Setting } from '../config/settings.js'
import { settingLines } from '../config/usage.js'
import { HandlerHosts } from '../queue/handler-hosts.js'
import { queuesFromConfig, type Queues } from '../queue/queues.js'
import { createRedisFor, type RedisClient } from '../queue/redis.js'
import { advice, maskUrl, reasonOf, redisAddress } from '../queue/redis-health.js'

export type Verdict = 'ok' | 'warn' | 'fail'

export interface Finding {
  verdict: Verdict
  text: string
}

/** Redis versions below this are not what JobQ is tested on. */
const MIN_VERSION = [6, 2]
const PROBE_TIMEOUT_MS = 2000
/** Above this many queues or handlers, the sound ones are counted rather than listed. */
const LIST_AT_MOST = 10

const DOCTOR_SETTINGS = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'REDIS_SENTINEL_MASTER', 'JOBQ_QUEUE', 'JOBQ_HANDLER_HOSTS', 'JOBQ_WAIT_REPLICAS']

export function doctorHelp (): string {
  return [
    'Usage: jobq doctor [--setting value ...]',
    '',
    'Checks what JobQ needs, talking to Redis directly with the server settings (not through the API),',
    'and prints one line per finding: ok, warn (works, but risky or slow) or fail (JobQ cannot work).',
    '',
    'It checks: that Redis answers at the address; its version (6.2 or later); its persistence (the',
    'append-only file, which a job queue needs to survive a restart) and maxmemory-policy (noeviction,',
    'or Redis may drop jobs when full); that this version can read the data of every queue; and that',
    'every handler\'s URL answers (a HEAD request, 2 s; any HTTP status counts). It changes nothing.',
    '',
    'Exit status: 0 when nothing failed (warnings included), 1 when something did, 2 on a bad setting.',
    '',
    'Settings it reads (flag, environment variable, default):',
    ...settingLines((SETTINGS as readonly Setting[]).filter((s) => DOCTOR_SETTINGS.includes(s.env)))
  ].join('\n') + '\n'
}

/**
 * `jobq doctor`: what is wrong with this deployment, as lines a person can act on. Writes each
 * finding as it comes and answers the exit status: 1 when one failed, else 0.
 */
export async function runDoctor (config: Config, write: (line: string) => void): Promise<0 | 1> {
  const findings: Finding[] = []
  const say = (verdict: Verdict, text: string) => {
    findings.push({ verdict, text })
    write(`${verdict.padEnd(5)} ${text}\n`)
  }
  const address = redisAddress(config)
  write(`jobq doctor: Redis at ${address}, default queue ${config.queue}\n`)
  const redis = createRedisFor(config)
  let lastError: Error | null = null
  redis.on('error', (err: Error) => { lastError = err })
  try {
    const started = performance.now()
    try {
      await redis.connect()
      await redis.ping()
    } catch (err) {
      const reason = reasonOf(lastError ?? err as Error)
      say('fail', `cannot reach Redis at ${address} (${reason}). To fix: ${advice(config, reason)}`)
      return summary(findings, write)
    }
    say('ok', `Redis answers at ${address} (${Math.max(1, Math.round(performance.now() - started))} ms)`)
    await checkServer(redis, config, say)
    const queues = queuesFromConfig(config, redis)
    const names = await queueNames(queues, config.queue)
    await checkFormats(queues, names, say)
    await checkHandlers(queues, names, new HandlerHosts(config.handlerHosts), say)
  } catch (err) {
    say('fail', `could not finish the checks: ${(err as Error).message}`)
  } finally {
    redis.disconnect()
  }
  return summary(findings, write)
}

type Say = (verdict: Verdict, text: string) => void

function summary (findings: Finding[], write: (line: string) => void): 0 | 1 {
  const count = (verdict: Verdict) => findings.filter((f) => f.verdict === verdict).length
  const [warnings, failures] = [count('warn'), count('fail')]
  write(`${failures} failed, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}${failures === 0 && warnings === 0 ? ': all good' : ''}\n`)
  return failures > 0 ? 1 : 0
}

/** INFO's `field:value` lines of some sections. */
async function info (redis: RedisClient, section: string): Promise<Map<string, string>> {
  const text = await redis.info(section)
  const fields = new Map<string, string>()
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1))
  }
  return fields
}

/** Version, persistence, eviction and replicas, from INFO (which managed Redis services allow, unlike CONFIG). */
async function checkServer (redis: RedisClient, config: Config, say: Say): Promise<void> {
  const server = await info(redis, 'server')
  const version = server.get('redis_version') ?? 'unknown'
  const [major, minor] = version.split('.').map(Number)
  const mode = server.get('redis_mode') ?? 'standalone'
  if (major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1])) {
    say('ok', `Redis ${version} (${mode})`)
  } else {
    say('warn', `Redis ${version} (${mode}): JobQ is made for Redis ${MIN_VERSION.join('.')} or later; upgrade it`)
  }

  const persistence = await info(redis, 'persistence')
  if (persistence.get('aof_enabled') === '1') {
    const fsync = await configGet(redis, 'appendfsync')
    if (fsync === 'no') {
      say('warn', 'append-only file on, but appendfsync no: the OS decides when it reaches the disk, and a crash of the machine can lose the last seconds of jobs; set appendfsync everysec')
    } else {
      say('ok', `append-only file on${fsync ? ` (appendfsync ${fsync})` : ''}`)
    }
  } else {
    // CONFIG may be forbidden (null): then say the likelier.
    const since = await configGet(redis, 'save') === '' ? 'it started (it takes no snapshots either)' : 'its last snapshot'
    say('warn', `append-only file off (appendonly no): when Redis restarts, the jobs written since ${since} are lost; ` +
      'for a job queue set appendonly yes and appendfsync everysec')
  }

  const memory = await info(redis, 'memory')
  const policy = memory.get('maxmemory_policy') ?? 'unknown'
  const limit = Number(memory.get('maxmemory') ?? 0)
  if (policy === 'noeviction') {
    say('ok', `maxmemory-policy noeviction${limit > 0 ? ` (maxmemory ${Math.round(limit / 1048576)} MB: when full, JobQ answers 503)` : ''}`)
  } else {
    say('warn', `maxmemory-policy ${policy}: ${limit > 0 ? 'when Redis is full it evicts keys, jobs and handlers included' : 'once a maxmemory is set, Redis would evict keys, jobs included'}; set maxmemory-policy noeviction (JobQ then answers 503 when Redis is full)`)
  }

  if (config.waitReplicas > 0) {
    const replicas = Number((await info(redis, 'replication')).get('connected_slaves') ?? 0)
    if (replicas < config.waitReplicas) {
      say('warn', `JOBQ_WAIT_REPLICAS is ${config.waitReplicas} but Redis has ${replicas} connected ${replicas === 1 ? 'replica' : 'replicas'}: writes will answer 503`)
    } else {
      say('ok', `${replicas} connected ${replicas === 1 ? 'replica' : 'replicas'} (JOBQ_WAIT_REPLICAS ${config.waitReplicas})`)
    }
  }
}

/** A CONFIG GET value, or null where CONFIG is not allowed (managed services rename or forbid it). */
async function configGet (redis: RedisClient, name: string): Promise<string | null> {
  try {
    const reply = await redis.config('GET', name) as string[]
    return reply[1] ?? null
  } catch {
    return null
  }
}

/** Every registered queue, and the default queue (registered when an API or worker first starts on it). */
async function queueNames (queues: Queues, defaultQueue: string): Promise<string[]> {
  return [...new Set([defaultQueue, ...await queues.names()])].sort()
}

/**
 * Whether this version can read each queue's data. A queue with no data is only reported: the
 * checkFormat script would mark it, and the doctor writes nothing; with data (marked or not), the
 * script only reads.
 */
async function checkFormats (queues: Queues, names: string[], say: Say): Promise<void> {
  const empty: string[] = []
  const readable: string[] = []
  for (const name of names) {
    const { jobs } = queues.get(name)
    const keys = jobs.keys
    if (await queues.redis.exists(keys.format, keys.jobs, keys.seq) === 0) {
      empty.push(name)
      continue
    }
    try {
      await jobs.checkFormat()
      readable.push(`${name} (format ${await queues.redis.get(keys.format)})`)
    } catch (err) {
      if ((err as { code?: string }).code !== 'JQ_ERR_QUEUE_FORMAT') throw err
      say('fail', `queue ${name}: ${(err as Error).message}`)
    }
  }
  if (readable.length > 0) say('ok', `data readable: ${listed(readable, 'queues')}`)
  if (empty.length > 0) say('ok', `no data yet: ${listed(empty, 'queues')}`)
}

/** Every handler's URL: allowed by JOBQ_HANDLER_HOSTS, and answering (any HTTP status). */
async function checkHandlers (queues: Queues, names: string[], hosts: HandlerHosts, say: Say): Promise<void> {
  const handlers: Array<{ label: string, url: string }> = []
  for (const name of names) {
    for (const handler of await queues.get(name).handlers.list()) {
      handlers.push({ label: `handler ${handler.name} (queue ${name}) at ${maskUrl(handler.url)}`, url: handler.url })
    }
  }
  if (handlers.length === 0) {
    say('ok', 'no handlers registered yet: jobs need one for their task (jobq handlers add <name> <url>)')
    return
  }
  const agent = new Agent({ connect: { timeout: PROBE_TIMEOUT_MS }, headersTimeout: PROBE_TIMEOUT_MS, connections: 4 })
  const probes = new Map<string, Promise<string | null>>()
  const answering: string[] = []
  try {
    for (const { label, url } of handlers) {
      if (!hosts.allows(url)) {
        say('warn', `${label}: host not allowed by JOBQ_HANDLER_HOSTS, so its jobs fail`)
        continue
      }
      if (!probes.has(url)) probes.set(url, probe(url, agent))
    }
    for (const { label, url } of handlers) {
      const problem = await probes.get(url)
      if (problem === undefined) continue
      if (problem === null) answering.push(label)
      else say('warn', `${label} does not answer (${problem}): its jobs are retried, then fail`)
    }
  } finally {
    await agent.close()
  }
  if (answering.length > 0) say('ok', `${answering.length > LIST_AT_MOST ? `${answering.length} handlers answer` : answering.join(', ') + (answering.length === 1 ? ' answers' : ' answer')}`)
}

/** A HEAD request: null when any HTTP answer came, else why none did. */
async function probe (url: string, dispatcher: Agent): Promise<string | null> {
  try {
    const res = await request(url, { method: 'HEAD', dispatcher, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    await res.body.dump()
    return null
  } catch (err) {
    const e = err as Error & { code?: string, cause?: { code?: string, message?: string } }
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
    return e.cause?.message ?? e.code ?? e.message
  }
}

function listed (items: string[], noun: string): string {
  return items.length > LIST_AT_MOST ? `${items.length} ${noun}` : items.join(', ')
}
