import type { LoggerOptions } from 'pino'
import type { Config } from './config.js'

/** pino options shared by the API and the worker, so their logs read alike. */
export function loggerOptions (config: Config, process: 'api' | 'worker'): LoggerOptions {
  return {
    level: config.logLevel,
    base: { process, queue: config.queue },
    redact: { paths: ['req.headers.authorization', 'secret', 'secrets'], censor: '[redacted]' }
  }
}
