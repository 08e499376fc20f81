import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join, relative, resolve as resolvePath } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'
import { isLoopback, maskUrl } from '../queue/redis-health.js'

/** A redis-server this process started; stop() ends it (SIGTERM: it writes its append-only file and exits). */
export interface PrivateRedis {
  pid: number
  dir: string
  stop (): Promise<void>
}

/** How redis-server ended: its exit, or the error that kept it from starting (ENOENT: not on the PATH). */
interface Exit { code: number | null, signal: NodeJS.Signals | null, err?: NodeJS.ErrnoException }

type Settings = Pick<Config, 'redisUrl' | 'redisClusterNodes' | 'redisSentinels' | 'redisServerDir'>

const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000

/**
 * `jobq start --redis-server`: when nothing answers at REDIS_URL, a loopback address, runs a
 * redis-server there for this run, listening on loopback only, keeping its data as an append-only
 * file (fsync every second) in JOBQ_REDIS_SERVER_DIR, so jobs survive a restart of `jobq start`.
 * Answers null when it started none: a Redis answers already, or one cannot be started here (said
 * in one line on `logger`; the API and worker then report Redis unreachable themselves).
 */
export async function startPrivateRedis (settings: Settings, logger: Logger, cwd = process.cwd()): Promise<PrivateRedis | null> {
  const address = maskUrl(settings.redisUrl)
  if (settings.redisClusterNodes || settings.redisSentinels) {
    logger.warn(`--redis-server: ignored with ${settings.redisClusterNodes ? 'REDIS_CLUSTER_NODES' : 'REDIS_SENTINELS'} (it starts a single local Redis only)`)
    return null
  }
  const url = new URL(settings.redisUrl)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = Number(url.port || 6379)
  if (await answersPing(host, port, true)) {
    logger.info(`--redis-server: a Redis answers at ${address} already; using it`)
    return null
  }
  const refuse = url.protocol === 'rediss:'
    ? 'REDIS_URL asks for TLS (rediss://), which a private redis-server does not offer'
    : !isLoopback(host)
        ? `${host} is not this machine, and a private redis-server listens on loopback only`
        : url.username || url.password
          ? 'REDIS_URL holds a user or password, and a private redis-server has none'
          : null
  if (refuse) {
    logger.warn(`--redis-server: nothing answers at ${address}, but none was started: ${refuse}; point REDIS_URL at redis://127.0.0.1:${port} for a local try`)
    return null
  }

  const dir = resolvePath(cwd, settings.redisServerDir)
  mkdirSync(dir, { recursive: true })
  // Its own process group: a Ctrl-C in the terminal reaches the API and the worker, which drain
  // their jobs into this Redis; it is stopped after them.
  const child = spawn('redis-server', ['--port', String(port), '--bind', host === '::1' ? '::1' : '127.0.0.1',
    '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--logfile', 'redis.log'],
  { cwd: dir, stdio: 'ignore', detached: true })
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => resolve({ code: null, signal: null, err }))
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  const state: { gone: Exit | null } = { gone: null }
  exited.then((how) => { state.gone = how }, () => {})
  const ended = () => state.gone !== null
  // A last resort should this process end abruptly (process.exit after an unexpected error).
  const killAtExit = () => { if (!ended()) child.kill('SIGTERM') }
  process.on('exit', killAtExit)
  // A stop signal while it boots: stop it, and end here.
  const abort = (signal: NodeJS.Signals) => {
    stop(child, exited).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', abort)
  process.once('SIGTERM', abort)
  try {
    const started = Date.now()
    while (!ended() && !(await answersPing(host, port))) {
      if (Date.now() - started > START_TIMEOUT_MS) {
        logger.warn(`--redis-server: the redis-server started on port ${port} did not answer within ${START_TIMEOUT_MS / 1000} s; stopping it (its log: ${join(dir, 'redis.log')})`)
        await stop(child, exited)
        return null
      }
      await sleep(50)
    }
  } finally {
    process.off('SIGINT', abort)
    process.off('SIGTERM', abort)
  }
  if (ended()) {
    process.off('exit', killAtExit)
    const { err, code, signal } = state.gone as Exit
    if (err?.code === 'ENOENT') {
      logger.warn('--redis-server: no redis-server on the PATH, so none was started; install Redis ' +
        '(Debian, Ubuntu: `sudo apt-get install redis-server`; Fedora: `sudo dnf install redis`; macOS: `brew install redis`) or set REDIS_URL to a Redis that runs')
    } else {
      logger.warn(`--redis-server: redis-server exited at start (${err?.message ?? signal ?? `code ${code}`}): ${lastLogLine(dir)}`)
    }
    return null
  }
  const shown = relative(cwd, dir) || '.'
  logger.info({ pid: child.pid, dir }, `started a private redis-server on ${address} (pid ${child.pid}), data in ${shown.startsWith('..') ? dir : shown}; it stops when jobq start does`)
  return {
    pid: child.pid as number,
    dir,
    async stop () {
      await stop(child, exited)
      process.off('exit', killAtExit)
      logger.info(`stopped the private redis-server (pid ${child.pid})`)
    }
  }
}

async function stop (child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
}

/**
 * Whether a Redis there answers PING with PONG (not while it loads its data), or with any reply
 * at all when `anyReply` (an error such as NOAUTH is a Redis answering too).
 */
function answersPing (host: string, port: number, anyReply = false): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 })
    let reply = ''
    const done = (answer: boolean) => {
      socket.destroy()
      resolve(answer)
    }
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1')
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || (anyReply && /^[+-]/.test(reply)))
    })
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
    socket.once('close', () => done(false))
  })
}

function lastLogLine (dir: string): string {
  try {
    const lines = readFileSync(join(dir, 'redis.log'), 'utf8').trim().split('\n')
    return `${lines[lines.length - 1]} (its log: ${join(dir, 'redis.log')})`
  } catch {
    return `see its log, ${join(dir, 'redis.log')}`
  }
}
