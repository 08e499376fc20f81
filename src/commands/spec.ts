import { flagOf } from '../config/config.js'
import { CLIENT_SETTINGS, type Setting } from '../config/settings.js'
import type { ArgSpec, OptionSpec, ParsedArgs } from './args.js'
import type { Context } from './context.js'
import { EXIT_CODES } from './exit-codes.js'

/** A client command: what --help says about it, and what it does. */
export interface CommandSpec {
  /** As typed: 'enqueue', 'handlers add'. */
  name: string
  summary: string
  /** Paragraphs after the summary in --help. */
  details?: string[]
  args: ArgSpec[]
  options: OptionSpec[]
  /** Exit statuses worth naming for this command, besides 0, 1, 2, 5 and 6 that any may give. */
  exits?: Array<[number, string]>
  run: (ctx: Context, parsed: ParsedArgs) => Promise<void>
}

export const JSON_OPTION: OptionSpec = { flag: '--json', description: 'Print the API\'s JSON instead of a table (errors too: the API\'s error body on stdout).' }
export const QUEUE_OPTION: OptionSpec = {
  flag: '--queue',
  value: 'NAME',
  description: 'The named queue to use (1-64 of A-Z a-z 0-9 _ . -), through its /queues/{queue}/... routes; without it, the API\'s default queue (its JOBQ_QUEUE).'
}
export const HELP_OPTION: OptionSpec = { flag: '--help', description: 'Show this help (also -h).' }

/** --url, --api-key, --client-timeout-ms: read from the client settings. */
export const CONNECTION_OPTIONS: OptionSpec[] = (CLIENT_SETTINGS as readonly Setting[]).map((s) => ({
  flag: flagOf(s),
  value: s.type.kind === 'int' ? 'MS' : s.type.kind === 'url' ? 'URL' : 'KEY',
  description: s.description
}))

/** Every option a command accepts: its own, --json, the connection settings, --help. */
export function allOptions (spec: CommandSpec): OptionSpec[] {
  return [...spec.options, JSON_OPTION, ...CONNECTION_OPTIONS, HELP_OPTION]
}

export function synopsis (spec: CommandSpec): string {
  const args = spec.args.map((a) => a.optional ? `[<${a.name}>]` : `<${a.name}>`)
  const options = spec.options.map((o) => o.value ? `[${o.flag} ${o.value}]` : `[${o.flag}]`)
  return ['jobq', spec.name, ...args, ...options, '[--json]'].join(' ')
}

const optionName = (o: OptionSpec) => o.value ? `${o.flag} ${o.value}` : o.flag

/** `jobq <command> --help`. */
export function commandHelp (spec: CommandSpec): string {
  const lines = [`Usage: ${synopsis(spec)}`, '', spec.summary]
  for (const paragraph of spec.details ?? []) lines.push('', paragraph)
  if (spec.args.length) {
    lines.push('', 'Arguments:')
    const width = Math.max(...spec.args.map((a) => a.name.length + 2))
    for (const a of spec.args) lines.push(`  ${`<${a.name}>`.padEnd(width)}  ${a.description}`)
  }
  const options = [...spec.options, JSON_OPTION, HELP_OPTION]
  const width = Math.max(...[...options, ...CONNECTION_OPTIONS].map((o) => optionName(o).length))
  lines.push('', 'Options:')
  for (const o of options) lines.push(`  ${optionName(o).padEnd(width)}  ${o.description}`)
  lines.push('', 'Connection (flag, or environment variable; default):')
  for (const s of CLIENT_SETTINGS as readonly Setting[]) {
    lines.push(`  ${optionName(CONNECTION_OPTIONS.find((o) => o.flag === flagOf(s))!).padEnd(width)}  ${s.env}; ${s.default === '' ? 'none' : String(s.default)}`)
  }
  lines.push('', 'Exit status:')
  const named = new Map(spec.exits ?? [])
  for (const [code, meaning] of EXIT_CODES) {
    if (code === 3 || code === 4) {
      if (named.has(code)) lines.push(`  ${code}  ${named.get(code)}`)
      continue
    }
    lines.push(`  ${code}  ${named.get(code) ?? meaning}`)
  }
  return lines.join('\n') + '\n'
}
