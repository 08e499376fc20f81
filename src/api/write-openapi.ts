import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../config/config.js'
import { openApiDocument } from './openapi.js'
import { generateClientTypes } from '../client/generate.js'

/** `npm run openapi`: regenerates openapi/openapi.json from the route schemas, then the client's types. */
const root = join(import.meta.dirname, '../..')
const document = await openApiDocument(loadConfig({}))
mkdirSync(join(root, 'openapi'), { recursive: true })
writeFileSync(join(root, 'openapi/openapi.json'), document)
writeFileSync(join(root, 'src/client/schema.ts'), await generateClientTypes(document))
process.stdout.write('wrote openapi/openapi.json and src/client/schema.ts\n')
