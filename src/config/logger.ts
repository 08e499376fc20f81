import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import pretty from 'pino-pretty'
import type { Config } from './config.js'

export type LogRole = 'api' | 'worker' | 'start'

/** pino options, with the stream to write to when it is not stdout as JSON (Fastify takes both as `logger`). */
export type LoggerSetup = LoggerOptions & { stream?: DestinationStream }

/**
 * pino options shared by every process, so their logs read alike: one JSON object a line (LOG_FORMAT
 * json, and auto when stdout is not a terminal), or one readable line an event (pretty, and auto on
 * a terminal). `tty` says whether stdout is a terminal.
 */
export function loggerOptions (config: Pick<Config, 'logLevel' | 'logFormat' | 'queue'>, role: LogRole, tty = process.stdout.isTTY === true): LoggerSetup {
  const options: LoggerSetup = {
    level: config.logLevel,
    // The default queue, except for `jobq start`, which serves none itself.
    base: role === 'start' ? { process: role } : { process: role, queue: config.queue },
    redact: { paths: ['req.headers.authorization', 'secret', 'secrets'], censor: '[redacted]' }
  }
  const format = config.logFormat === 'auto' ? (tty ? 'pretty' : 'json') : config.logFormat
  return format === 'pretty' ? { ...options, stream: prettyStream() } : options
}

/** A condition reported on its own (Redis unreachable), which warnings caused by it need not repeat. */
export interface KnownOutage {
  /** Whether the error is that condition, while it lasts. */
  expected (err: unknown): boolean
  /** Whether this warning was written already while it lasts; notes it when not. */
  seen (msg: string): boolean
}

/**
 * A pino logger for a process that has no Fastify (the worker, `jobq start`). With `outage`, a
 * warning whose `err` is that outage is written once while it lasts, with the error's message as
 * `reason` instead of the error and its stack, and its repeats at debug.
 */
export function createLogger (config: Pick<Config, 'logLevel' | 'logFormat' | 'queue'>, role: LogRole, outage?: KnownOutage): Logger {
  const { stream, ...options } = loggerOptions(config, role)
  if (outage) {
    options.hooks = {
      logMethod (args, method, level) {
        const [first, msg, ...rest] = args as unknown[]
        if (level === 40 && typeof first === 'object' && first !== null && outage.expected((first as { err?: unknown }).err)) {
          const { err, ...fields } = first as { err: Error }
          if (outage.seen(String(msg))) return this.debug(first, String(msg), ...rest)
          return method.apply(this, [{ ...fields, reason: err.message }, msg, ...rest] as Parameters<typeof method>)
        }
        return method.apply(this, args)
      }
    }
  }
  return stream ? pino(options, stream) : pino(options)
}

/**
 * pino-pretty in this thread, writing synchronously (lines are never lost on exit): one line an
 * event, `[HH:MM:ss.l] LEVEL: (process) message {fields}`. An error shows as its type and message, and
 * at level error and above, where it points at a bug, the first frame of its stack.
 */
function prettyStream (): DestinationStream {
  return pretty({
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,process',
    messageFormat: (log, messageKey) => `${typeof log.process === 'string' ? `(${log.process}) ` : ''}${String(log[messageKey] ?? '')}`,
    // Errors in the line's fields, not as an indented block after it.
    errorLikeObjectKeys: [],
    customPrettifiers: {
      err: (value, _key, log) => {
        const err = value as { type?: string, message?: string, code?: string, stack?: string }
        const summary = `${err.type ?? 'Error'}${err.code ? ` ${err.code}` : ''}: ${err.message ?? ''}`
        // Where a bug threw, still on the one line.
        const frame = Number((log as { level?: unknown }).level) >= 50 ? err.stack?.split('\n').find((line) => line.trimStart().startsWith('at '))?.trim() : undefined
        return frame ? `${summary} (${frame})` : summary
      }
    }
  })
}
