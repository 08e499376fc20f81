import { SETTINGS } from '../config/settings.js'
import { UsageError } from './exit-codes.js'

/** An option of a command: `--priority N` takes a value (`value` names it), `--json` does not. */
export interface OptionSpec {
  flag: string
  value?: string
  description: string
}

/** A positional argument, in order; `optional` only at the end. */
export interface ArgSpec {
  name: string
  description: string
  optional?: boolean
}

export interface ParsedArgs {
  /** Positional arguments, in order. */
  args: string[]
  /** Options given, by flag: the value, or true for an option that takes none. */
  options: Map<string, string | true>
}

/**
 * Splits a command line into positional arguments and options known to the command. Options may
 * come anywhere, as `--flag value` or `--flag=value`; `--` ends them (for an id that starts with a
 * dash). Anything else is a UsageError that names the offending argument.
 */
export function parseArgs (argv: string[], argSpecs: ArgSpec[], optionSpecs: OptionSpec[]): ParsedArgs {
  const byFlag = new Map(optionSpecs.map((o) => [o.flag, o]))
  const args: string[] = []
  const options = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      args.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      args.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const flag = eq > 0 ? arg.slice(0, eq) : arg
    const spec = byFlag.get(flag)
    if (!spec) throw new UsageError(`${flag}: unknown option (an argument that starts with - goes after --)`)
    if (options.has(flag)) throw new UsageError(`${flag}: given more than once`)
    if (!spec.value) {
      if (eq > 0) throw new UsageError(`${flag}: takes no value`)
      options.set(flag, true)
      continue
    }
    if (eq > 0) {
      options.set(flag, arg.slice(eq + 1))
      continue
    }
    const value = argv[i + 1]
    if (value === undefined || (value.startsWith('--') && byFlag.has(value.split('=')[0]))) {
      throw new UsageError(`${flag}: needs a value (${flag} ${spec.value})`)
    }
    options.set(flag, value)
    i++
  }
  const required = argSpecs.filter((a) => !a.optional)
  if (args.length < required.length) throw new UsageError(`missing <${required[args.length].name}>`)
  if (args.length > argSpecs.length) throw new UsageError(`unexpected argument "${args[argSpecs.length]}"`)
  return { args, options }
}

/** A whole number from min to max, from an option or argument named `name`. */
export function parseInteger (name: string, raw: string, min: number, max: number): number {
  const n = Number(raw)
  if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) throw new UsageError(`${name}: "${raw}" is not a whole number from ${min} to ${max}`)
  return n
}

/** A priority, 1 (highest) to 3. */
export function parsePriority (name: string, raw: string): 1 | 2 | 3 {
  if (!/^[123]$/.test(raw.trim())) throw new UsageError(`${name}: "${raw}" is not a priority: 1 (highest), 2 or 3`)
  return Number(raw) as 1 | 2 | 3
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A duration such as 1500ms, 30s, 5m, 2h or 1d (a bare number is seconds), in ms. */
export function parseDuration (name: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim())
  if (!match) throw new UsageError(`${name}: "${raw}" is not a duration such as 30s, 5m, 2h or 1d`)
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's'])
}

/** JSON text of the kind an option wants ('array' for --args, 'object' for --kwargs). */
export function parseJson (name: string, raw: string, kind: 'array'): unknown[]
export function parseJson (name: string, raw: string, kind: 'object'): Record<string, unknown>
export function parseJson (name: string, raw: string, kind: 'array' | 'object'): unknown {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (err) {
    throw new UsageError(`${name}: not valid JSON (${(err as Error).message})`)
  }
  const isArray = Array.isArray(value)
  const isObject = typeof value === 'object' && value !== null && !isArray
  if (kind === 'array' && !isArray) throw new UsageError(`${name}: must be a JSON array, like '["a", 1]'`)
  if (kind === 'object' && !isObject) throw new UsageError(`${name}: must be a JSON object, like '{"key": "value"}'`)
  return value
}

// The server's own rule for queue names (JOBQ_QUEUE), so the client can never disagree with it.
const QUEUE_NAME = SETTINGS.find((s) => s.env === 'JOBQ_QUEUE')!.type

/** A queue name: 1-64 of A-Z a-z 0-9 _ . -. */
export function parseQueueName (name: string, raw: string): string {
  if (!QUEUE_NAME.pattern.test(raw)) throw new UsageError(`${name}: "${raw}" is not a queue name (${QUEUE_NAME.hint})`)
  return raw
}
