import cluster from 'node:cluster'
import type { FastifyInstance } from 'fastify'
import { ConfigError, type Config } from '../config/config.js'
import { buildApp } from './app.js'
import { loggerOptions } from '../config/logger.js'
import { disablePretenuring } from './gc-tuning.js'

/**
 * Entry of `jobq api`: builds the app, listens, and closes gracefully on SIGINT/SIGTERM. SIGHUP
 * reads JOBQ_KEYS_FILE again, when there is one (without it, SIGHUP keeps its default, ending the process).
 * With JOBQ_PROCESSES above 1, the first process supervises that many of them on one port instead.
 */
export async function runApi (config: Config): Promise<void> {
  if (config.processes > 1 && cluster.isPrimary) {
    const { superviseApi } = await import('./cluster.js')
    return superviseApi(config)
  }
  // Before any connection: see gc-tuning.ts (per-request promotion once many streams are open).
  disablePretenuring()
  let app: FastifyInstance
  try {
    app = await buildApp(config, {
      logger: loggerOptions(config, 'api'),
      // A queue this version cannot read, found once Redis answered: stop serving it.
      onFatal: () => { app.close().finally(() => process.exit(1)) }
    })
  } catch (err) {
    // A setting only checked while building (HOST without keys, a bad keys file): as a bad setting does in cli.ts.
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`jobq: configuration: ${err.message}\n`)
    process.exit(2)
  }
  let closing = false
  const close = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    app.close().then(() => process.exit(0), (err: Error) => {
      app.log.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.on('SIGINT', close)
  process.on('SIGTERM', close)
  // reloadKeys logs the outcome itself and never rejects.
  if (config.keysFile) process.on('SIGHUP', () => { app.reloadKeys() })
  await app.listen({ host: config.host, port: config.port })
}
