import { flagOf } from './config.js'
import { SETTINGS, type Setting } from './settings.js'

/** The server commands and what they do. */
export const SERVER_COMMANDS = {
  api: 'Serve the REST API (Swagger UI at /docs).',
  worker: 'Dispatch jobs to their handlers as signed HTTP callbacks.',
  start: 'Run the API and one worker together, for a local try.'
}

/** Help lines for settings: flag, environment variable, default, then the meaning. */
export function settingLines (settings: readonly Setting[]): string[] {
  return settings.flatMap((s) => [
    `  ${flagOf(s).padEnd(28)} ${s.env.padEnd(28)} ${s.default === '' ? '(none)' : String(s.default)}`.trimEnd(),
    `      ${s.description}`
  ])
}

/**
 * --help text of the server commands, built from the configuration schema so it can never disagree
 * with it. `jobq --help` (all commands) is src/commands/help.ts.
 */
export function usage (command?: keyof typeof SERVER_COMMANDS): string {
  const lines = ['Usage: jobq <command> [--setting value ...]', '']
  if (!command) {
    lines.push('Commands:')
    for (const [name, summary] of Object.entries(SERVER_COMMANDS)) lines.push(`  ${name.padEnd(8)} ${summary}`)
    lines.push('')
  } else {
    lines.push(`jobq ${command}: ${SERVER_COMMANDS[command]}`, '')
  }
  lines.push('Settings (flag, environment variable, default):')
  lines.push(...settingLines((SETTINGS as readonly Setting[]).filter((s) => !command || command === 'start' || s.for.includes(command))))
  return lines.join('\n') + '\n'
}
