#!/usr/bin/env node
import { ConfigError, flagOf, loadConfig, type Config } from './config/config.js'
import { SETTINGS, type Setting } from './config/settings.js'
import { usage } from './config/usage.js'

const SERVER_COMMANDS = ['api', 'worker', 'start'] as const
type ServerCommand = typeof SERVER_COMMANDS[number]

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h'

/**
 * The `jobq` executable. Server commands: `jobq api`, `jobq worker`, and `jobq start` (API plus one
 * worker, for a local try), whose settings come from flags or the environment (a bad one stops the
 * process at start). `jobq doctor` checks Redis and the handlers with the same settings. Client
 * commands (`jobq enqueue`, `status`, `queue`, `handlers`, ...) talk to a running API; they live in
 * src/commands/. This file only dispatches.
 */
async function main (argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (!command || isHelp(command) || (command === 'help' && rest.length === 0)) {
    const { mainHelp } = await import('./commands/help.js')
    process.stdout.write(mainHelp())
    return
  }
  if (command === 'help') return help(rest)
  if (command === 'doctor') return doctor(rest)
  if (SERVER_COMMANDS.includes(command as ServerCommand)) return server(command as ServerCommand, rest)
  const { isClientCommand, runClientCommand } = await import('./commands/index.js')
  if (!isClientCommand(command)) fail(`unknown command "${command}"; run jobq --help`)
  process.exitCode = await runClientCommand(command, rest)
}

/** `jobq help <command> [<subcommand>]`. */
async function help (words: string[]): Promise<void> {
  if (SERVER_COMMANDS.includes(words[0] as ServerCommand)) {
    process.stdout.write(usage(words[0] as ServerCommand))
    return
  }
  if (words[0] === 'doctor') {
    const { doctorHelp } = await import('./commands/doctor.js')
    process.stdout.write(doctorHelp())
    return
  }
  const { helpFor } = await import('./commands/index.js')
  const text = helpFor(words)
  if (text === null) fail(`unknown command "${words.join(' ')}"; run jobq --help`)
  process.stdout.write(text)
}

async function server (command: ServerCommand, argv: string[]): Promise<void> {
  if (argv.some(isHelp)) {
    process.stdout.write(usage(command))
    return
  }
  const rest = withSwitches(argv)
  const config = serverConfig(rest)
  switch (command) {
    case 'api': {
      const { runApi } = await import('./api/server.js')
      return runApi(config)
    }
    case 'worker': {
      const { runWorkers } = await import('./worker/main.js')
      return runWorkers(config, rest)
    }
    case 'start': {
      const { runLocal } = await import('./worker/supervisor.js')
      if (!config.redisServer) return runLocal(rest)
      // --redis-server: a private redis-server when none answers, stopped once the API and worker have.
      const [{ createLogger }, { startPrivateRedis }] = await Promise.all([import('./config/logger.js'), import('./dev/private-redis.js')])
      const redis = await startPrivateRedis(config, createLogger(config, 'start'))
      try {
        await runLocal(rest)
      } finally {
        await redis?.stop()
      }
    }
  }
}

/** `jobq doctor`: checks Redis and the handlers with the server settings; exit 1 when a check failed. */
async function doctor (argv: string[]): Promise<void> {
  const { doctorHelp, runDoctor } = await import('./commands/doctor.js')
  if (argv.some(isHelp)) {
    process.stdout.write(doctorHelp())
    return
  }
  process.exitCode = await runDoctor(serverConfig(withSwitches(argv)), (line) => process.stdout.write(line))
}

function serverConfig (argv: string[]): Config {
  try {
    return loadConfig(process.env, argv)
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration: ${err.message}`)
    throw err
  }
}

/** A switch alone means on: `--redis-server` is `--redis-server=true` (a value may still follow: `--redis-server no`). */
function withSwitches (argv: string[]): string[] {
  const switches = new Set((SETTINGS as readonly Setting[]).filter((s) => s.type.kind === 'bool').map(flagOf))
  return argv.map((arg, i) => switches.has(arg) && (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) ? `${arg}=true` : arg)
}

function fail (message: string): never {
  process.stderr.write(`jobq: ${message}\n`)
  process.exit(2)
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`jobq: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
