import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../config/config.js'
import { openApiDocument } from './openapi.js'

/** `npm run openapi`: regenerates openapi/openapi.json from the route schemas. */
const target = join(import.meta.dirname, '../../openapi/openapi.json')
mkdirSync(join(target, '..'), { recursive: true })
writeFileSync(target, await openApiDocument(loadConfig({})))
process.stdout.write(`wrote ${target}\n`)
