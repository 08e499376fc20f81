#!/usr/bin/env node
import { ConfigError, loadConfig } from './config/config.js'
import { usage } from './config/usage.js'

const COMMANDS = ['api', 'worker', 'start'] as const
type Command = typeof COMMANDS[number]

/**
 * The `jobq` executable: `jobq api`, `jobq worker`, and `jobq start` (API plus one worker, for a
 * local try). Settings come from flags or the environment; a bad one stops the process at start.
 */
async function main (argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage())
    return
  }
  if (!COMMANDS.includes(command as Command)) {
    fail(`unknown command "${command}"; run jobq --help`)
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(usage(command as Command))
    return
  }
  let config
  try {
    config = loadConfig(process.env, rest)
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration: ${err.message}`)
    throw err
  }
  switch (command as Command) {
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
