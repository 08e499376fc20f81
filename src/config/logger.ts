import type { LoggerOptions } from 'pino'
import type { Config } from './config.js'

/**
 * pino options shared by the API and the worker, so their logs read alike: one JSON object a line,
 * or pino-pretty's coloured lines when a person is watching a terminal.
 */
export function loggerOptions (config: Config, role: 'api' | 'worker', tty = process.stdout.isTTY): LoggerOptions {
  return {
    level: config.logLevel,
    ...(tty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
    base: { process: role, queue: config.queue },
    redact: { paths: ['req.headers.authorization', 'secret', 'secrets'], censor: '[redacted]' }
  }
}
