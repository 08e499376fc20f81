import type { Config } from '../config/config.js'
import { buildApp } from './app.js'

/**
 * The OpenAPI document exactly as the server serves it, built without listening and with Redis
 * never contacted, for the committed openapi/openapi.json and its drift test.
 */
export async function openApiDocument (config: Config): Promise<string> {
  // Port 1 refuses at once: the document needs no Redis, and must not touch one.
  const app = await buildApp({ ...config, redisUrl: 'redis://127.0.0.1:1' })
  try {
    await app.ready()
    return JSON.stringify(app.swagger(), null, 2) + '\n'
  } finally {
    await app.close()
  }
}
