import { flagOf } from './config.js'
import { SETTINGS, type Setting } from './settings.js'

const SUMMARY = {
  api: 'Serve the REST API (Swagger UI at /docs).',
  worker: 'Dispatch jobs to their handlers as signed HTTP callbacks.',
  start: 'Run the API and one worker together, for a local try.'
}

/** --help text, built from the configuration schema so it can never disagree with it. */
export function usage (command?: keyof typeof SUMMARY): string {
  const lines = ['Usage: jobq <command> [--setting value ...]', '']
  if (!command) {
    lines.push('Commands:')
    for (const [name, summary] of Object.entries(SUMMARY)) lines.push(`  ${name.padEnd(8)} ${summary}`)
    lines.push('')
  } else {
    lines.push(`jobq ${command}: ${SUMMARY[command]}`, '')
  }
  lines.push('Settings (flag, environment variable, default):')
  for (const s of SETTINGS as readonly Setting[]) {
    if (command && command !== 'start' && !s.for.includes(command)) continue
    lines.push(`  ${flagOf(s).padEnd(28)} ${s.env.padEnd(28)} ${String(s.default)}`, `      ${s.description}`)
  }
  return lines.join('\n') + '\n'
}
