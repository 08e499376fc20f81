#!/usr/bin/env node
import { ConfigError, loadConfig } from './config/config.js'
import { usage } from './config/usage.js'

const SERVER_COMMANDS = ['api', 'worker', 'start'] as const
type ServerCommand = typeof SERVER_COMMANDS[number]

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h'

/**
 * The `jobq` executable. Server commands: `jobq api`, `jobq worker`, and `jobq start` (API plus one
 * worker, for a local try), whose settings come from flags or the environment (a bad one stops the
 * process at start). Client commands (`jobq enqueue`, `status`, `queue`, `handlers`, ...) talk to a
 * running API; they live in src/commands/. This file only dispatches.
 */
async function main (argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (!command || isHelp(command) || (command === 'help' && rest.length === 0)) {
    const { mainHelp } = await import('./commands/help.js')
    process.stdout.write(mainHelp())
    return
  }
  if (command === 'help') return help(rest)
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
  const { helpFor } = await import('./commands/index.js')
  const text = helpFor(words)
  if (text === null) fail(`unknown command "${words.join(' ')}"; run jobq --help`)
  process.stdout.write(text)
}

async function server (command: ServerCommand, rest: string[]): Promise<void> {
  if (rest.some(isHelp)) {
    process.stdout.write(usage(command))
    return
  }
  let config
  try {
    config = loadConfig(process.env, rest)
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration: ${err.message}`)
    throw err
  }
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
      return runLocal(rest)
    }
  }
}

function fail (message: string): never {
  process.stderr.write(`jobq: ${message}\n`)
  process.exit(2)
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`jobq: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
