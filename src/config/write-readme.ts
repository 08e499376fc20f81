import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { withConfigTable } from './reference.js'

/** `npm run readme`: refreshes the README's configuration table from the settings schema. */
const readme = join(import.meta.dirname, '../../README.md')
writeFileSync(readme, withConfigTable(readFileSync(readme, 'utf8')))
process.stdout.write(`updated ${readme}\n`)
