import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * `npm run report:faults`: copies the figures of the last fault-suite run (test/faults/results/*.json,
 * written by each scenario) into docs/reliability.md, so the page shows what was measured, not typed.
 */
const root = join(import.meta.dirname, '../..')
const resultsDir = join(import.meta.dirname, 'results')
const BEGIN = '<!-- fault-figures:begin (npm run report:faults) -->'
const END = '<!-- fault-figures:end -->'
const ORDER = ['workers-killed', 'redis-restart', 'handler-chaos', 'redis-oom', 'slow-clients']

const results = readdirSync(resultsDir).filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')))
  .sort((a, b) => ORDER.indexOf(a.scenario) - ORDER.indexOf(b.scenario))
const rows = results.map((r) => `| ${r.scenario} | ${r.acknowledged} | ${r.completed} | ${r.failed} | ${r.lost} | ${r.duplicate_dispatches} | ${r.recovery_ms} | ${(r.duration_ms / 1000).toFixed(1)} | ${r.at} |`)
const details = results.map((r) => {
  const { scenario, at, ...rest } = r
  return `- **${scenario}**: ${Object.entries(rest).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}`
})
const block = [BEGIN,
  '| scenario | acknowledged | completed | failed | lost | duplicate dispatches | recovery (ms) | duration (s) | run at |',
  '|---|---|---|---|---|---|---|---|---|', ...rows, '', 'Every figure of each scenario, as it wrote them:', '', ...details, END].join('\n')

const page = join(root, 'docs/reliability.md')
const text = readFileSync(page, 'utf8')
const start = text.indexOf(BEGIN)
const end = text.indexOf(END)
if (start < 0 || end < start) throw new Error('docs/reliability.md has no fault-figures block')
writeFileSync(page, text.slice(0, start) + block + text.slice(end + END.length))
process.stdout.write(`updated ${page} from ${results.length} scenarios\n`)
