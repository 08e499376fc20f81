import type { Config } from '../config/config.js'
import { buildApp } from './app.js'
import { loggerOptions } from '../config/logger.js'

/** Entry of `jobq api`: builds the app, listens, and closes gracefully on SIGINT/SIGTERM. */
export async function runApi (config: Config): Promise<void> {
  const app = await buildApp(config, {
    logger: loggerOptions(config, 'api'),
    // A queue this version cannot read, found once Redis answered: stop serving it.
    onFatal: () => { app.close().finally(() => process.exit(1)) }
  })
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
  await app.listen({ host: config.host, port: config.port })
}
