import { ConfigError, loadClientConfig } from '../config/config.js'
import { parseArgs, parseQueueName } from './args.js'
import { createContext } from './context.js'
import { enqueue } from './enqueue.js'
import { CliError, EXIT, UsageError, type ExitCode } from './exit-codes.js'
import { handlersAdd, handlersList, handlersPause, handlersResume, handlersRm } from './handlers.js'
import { schedulesAdd, schedulesList, schedulesPause, schedulesResume, schedulesRm, schedulesTrigger } from './schedules.js'
import { cancel, priority, retry, status } from './jobs.js'
import { queue } from './queue.js'
import { queues } from './queues.js'
import { wait } from './wait.js'
import { allOptions, CONNECTION_OPTIONS, commandHelp, type CommandSpec } from './spec.js'
import { printable } from './table.js'

/** The client commands, in the order --help lists them. */
export const CLIENT_COMMANDS: CommandSpec[] = [enqueue, status, wait, priority, cancel, retry, queue, queues, handlersAdd, handlersList, handlersRm, handlersPause, handlersResume,
  schedulesAdd, schedulesList, schedulesRm, schedulesPause, schedulesResume, schedulesTrigger]

const GROUPS = ['handlers', 'schedules']

/** True for a word that starts a client command (`jobq handlers ...` included). */
export function isClientCommand (word: string): boolean {
  return GROUPS.includes(word) || CLIENT_COMMANDS.some((c) => c.name === word)
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h'

/** `jobq handlers --help`: the subcommands of a group. */
function groupHelp (group: string): string {
  const members = CLIENT_COMMANDS.filter((c) => c.name.startsWith(group + ' '))
  const width = Math.max(...members.map((c) => c.name.length))
  return [`Usage: jobq ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}> [arguments] [options]`, '',
    ...members.map((c) => `  jobq ${c.name.padEnd(width)}  ${c.summary}`), '',
    `Run jobq ${group} <subcommand> --help for its arguments and options.`].join('\n') + '\n'
}

/** Help for `jobq help <words>` and `jobq <words> --help`; null when the words name no command. */
export function helpFor (words: string[]): string | null {
  const [first, second] = words
  if (GROUPS.includes(first)) {
    const spec = second === undefined ? undefined : CLIENT_COMMANDS.find((c) => c.name === `${first} ${second}`)
    return spec ? commandHelp(spec) : second === undefined || isHelp(second) ? groupHelp(first) : null
  }
  const spec = CLIENT_COMMANDS.find((c) => c.name === first)
  return spec ? commandHelp(spec) : null
}

/**
 * Runs `jobq <command> ...argv` for a client command and returns its exit status. Failures are
 * reported on stderr as `jobq: <message>`; with --json an API error body is also printed on stdout.
 */
export async function runClientCommand (command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  // `jobq queue --watch | head`: a reader that went away ends the command quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
    process.exit(EXIT.ok)
  })
  let json = false
  let name = command
  try {
    let rest = argv
    if (GROUPS.includes(command)) {
      const [sub, ...subArgs] = argv
      if (sub === undefined) {
        process.stderr.write(`jobq: ${command}: needs a subcommand\n\n${groupHelp(command)}`)
        return EXIT.usage
      }
      if (isHelp(sub)) {
        process.stdout.write(groupHelp(command))
        return EXIT.ok
      }
      name = `${command} ${sub}`
      rest = subArgs
      if (!CLIENT_COMMANDS.some((c) => c.name === name)) throw new UsageError(`unknown command "jobq ${name}"; run jobq ${command} --help`)
    }
    const spec = CLIENT_COMMANDS.find((c) => c.name === name)!
    const beforeEnd = rest.indexOf('--') < 0 ? rest : rest.slice(0, rest.indexOf('--'))
    if (beforeEnd.some(isHelp)) {
      process.stdout.write(commandHelp(spec))
      return EXIT.ok
    }
    const parsed = parseArgs(rest, spec.args, allOptions(spec))
    json = parsed.options.has('--json')
    const queueName = parsed.options.get('--queue')
    const named = typeof queueName === 'string' ? parseQueueName('--queue', queueName) : undefined
    const connection = new Map<string, string>()
    for (const { flag } of CONNECTION_OPTIONS) {
      const value = parsed.options.get(flag)
      if (typeof value === 'string') connection.set(flag, value)
    }
    let config
    try {
      config = loadClientConfig(env, connection)
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(`configuration: ${err.message}`)
      throw err
    }
    await spec.run(createContext(config, json, named), parsed)
    return EXIT.ok
  } catch (err) {
    if (!(err instanceof CliError)) throw err
    if (json && err.body !== undefined) process.stdout.write(JSON.stringify(err.body, null, 2) + '\n')
    const hint = err instanceof UsageError && !err.message.includes('--help') ? `; run jobq ${name} --help` : ''
    process.stderr.write(`jobq: ${printable(err.message)}${hint}\n`)
    return err.exitCode
  }
}
