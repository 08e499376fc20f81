import { CLIENT_SETTINGS, SETTINGS, type Setting, type SettingType } from './settings.js'

type ValueOf<T extends SettingType> = T extends { kind: 'int' } ? number : T extends { kind: 'bool' } ? boolean : string
type AnySetting = (typeof SETTINGS)[number]
type AnyClientSetting = (typeof CLIENT_SETTINGS)[number]

/** Every setting by its key, parsed and checked. */
export type Config = { [S in AnySetting as S['key']]: ValueOf<S['type']> }

/** The client commands' settings (JOBQ_URL, JOBQ_API_KEY, ...) by key, parsed and checked. */
export type ClientConfig = { [S in AnyClientSetting as S['key']]: ValueOf<S['type']> }

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** `JOBQ_CONCURRENCY` is also `--concurrency`; `REDIS_URL` is `--redis-url`. */
export function flagOf (setting: Setting): string {
  return '--' + setting.env.replace(/^JOBQ_/, '').toLowerCase().replaceAll('_', '-')
}

/**
 * Reads every setting from flags (which win) and the environment. A malformed value, an unknown flag
 * or an unknown JOBQ_* variable (a typo would otherwise be ignored silently) throws a ConfigError
 * that names the setting, so the process stops at start instead of running misconfigured.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  const flags = parseFlags(argv)
  checkEnvNames(env)
  const config = readSettings(SETTINGS, env, flags)
  const [unknownFlag] = flags.keys()
  if (unknownFlag) throw new ConfigError(`${unknownFlag}: unknown option (see --help)`)
  if (config.redisClusterNodes && config.redisSentinels) {
    throw new ConfigError('REDIS_SENTINELS: set either REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both')
  }
  return config as Config
}

/**
 * Reads the client commands' settings from `flags` (already split from the command's arguments by
 * the caller; they win) and the environment, with the same checks as loadConfig. A server setting in
 * the environment is fine (a client often runs beside one); an unknown JOBQ_* variable is not.
 */
export function loadClientConfig (env: NodeJS.ProcessEnv = process.env, flags: Map<string, string> = new Map()): ClientConfig {
  checkEnvNames(env)
  const config = readSettings(CLIENT_SETTINGS, env, flags) as ClientConfig
  const url = new URL(config.url)
  // fetch refuses URLs with credentials; say so here, and never echo them.
  if (url.username || url.password) throw new ConfigError(`${flags.has('--url') ? '--url' : 'JOBQ_URL'}: must not hold a user or password; set JOBQ_API_KEY instead`)
  return config
}

/** Every JOBQ_* variable must name a setting, server or client: a typo would otherwise be ignored. */
function checkEnvNames (env: NodeJS.ProcessEnv): void {
  const known = new Set<string>([...SETTINGS, ...CLIENT_SETTINGS].map((s) => s.env))
  for (const name of Object.keys(env)) {
    if (name.startsWith('JOBQ_') && !known.has(name)) {
      throw new ConfigError(`${name}: unknown setting (known: ${[...known].filter((n) => n.startsWith('JOBQ_')).join(', ')})`)
    }
  }
}

function readSettings (settings: readonly Setting[], env: NodeJS.ProcessEnv, flags: Map<string, string>): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  for (const setting of settings) {
    const flag = flagOf(setting)
    const fromFlag = flags.get(flag)
    flags.delete(flag)
    const raw = fromFlag ?? env[setting.env]
    const source = fromFlag !== undefined ? flag : setting.env
    config[setting.key] = raw === undefined || raw === '' ? setting.default : parseValue(setting, raw, source)
  }
  return config
}

function parseFlags (argv: string[]): Map<string, string> {
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--')) throw new ConfigError(`${arg}: unexpected argument`)
    const eq = arg.indexOf('=')
    if (eq > 0) {
      flags.set(arg.slice(0, eq), arg.slice(eq + 1))
    } else {
      const value = argv[i + 1]
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`${arg}: needs a value`)
      flags.set(arg, value)
      i++
    }
  }
  return flags
}

function shown (setting: Setting, raw: string): string {
  return setting.secret ? '[redacted]' : raw
}

function parseValue (setting: Setting, raw: string, source: string): string | number | boolean {
  const type = setting.type
  switch (type.kind) {
    case 'int': {
      const n = Number(raw)
      if (!/^\d+$/.test(raw.trim()) || n < type.min || n > type.max) {
        throw new ConfigError(`${source}: "${raw}" is not a whole number from ${type.min} to ${type.max}`)
      }
      return n
    }
    case 'bool':
      if (['1', 'true', 'yes'].includes(raw)) return true
      if (['0', 'false', 'no'].includes(raw)) return false
      throw new ConfigError(`${source}: "${raw}" is not one of 1, true, yes, 0, false, no`)
    case 'enum':
      if (!type.values.includes(raw)) throw new ConfigError(`${source}: "${raw}" is not one of ${type.values.join(', ')}`)
      return raw
    case 'url': {
      let url: URL
      try {
        url = new URL(raw)
      } catch {
        throw new ConfigError(`${source}: not a URL`)
      }
      if (!type.protocols.includes(url.protocol)) {
        throw new ConfigError(`${source}: must start with ${type.protocols.map((p) => p + '//').join(' or ')}`)
      }
      return raw
    }
    case 'string':
      if (type.pattern && !type.pattern.test(raw)) throw new ConfigError(`${source}: "${shown(setting, raw)}" is not ${type.hint ?? type.pattern}`)
      if (type.regex) {
        try {
          RegExp(raw, 'u')
        } catch (err) {
          throw new ConfigError(`${source}: not a regular expression (${(err as Error).message})`)
        }
      }
      return raw
    case 'list': {
      const items = raw.split(',').map((item) => item.trim()).filter(Boolean)
      const bad = items.findIndex((item) => type.pattern && !type.pattern.test(item))
      if (bad >= 0) throw new ConfigError(`${source}: item ${bad + 1} ("${shown(setting, items[bad])}") is not ${type.hint ?? type.pattern}`)
      return items.join(',')
    }
  }
}
