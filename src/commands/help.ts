import { CLIENT_SETTINGS, SETTINGS, type Setting } from '../config/settings.js'
import { SERVER_COMMANDS, settingLines } from '../config/usage.js'
import { EXIT_CODES } from './exit-codes.js'
import { CLIENT_COMMANDS } from './index.js'

/** `jobq --help`: every command, the client settings, the exit statuses, the server settings. */
export function mainHelp (): string {
  const clientNames = CLIENT_COMMANDS.map((c) => [c.name, ...c.args.map((a) => a.optional ? `[<${a.name}>]` : `<${a.name}>`)].join(' '))
  const width = Math.max(...clientNames.map((n) => n.length))
  return [
    'Usage: jobq <command> [arguments] [options]',
    '',
    'Server commands (their settings are at the end):',
    ...Object.entries(SERVER_COMMANDS).map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    `  ${'doctor'.padEnd(width)}  Check Redis (address, version, persistence), each queue's data format and whether handlers answer.`,
    '',
    'Client commands, against a running API (jobq <command> --help for arguments and options):',
    ...CLIENT_COMMANDS.map((c, i) => `  ${clientNames[i].padEnd(width)}  ${c.summary}`),
    '',
    'Every client command takes --json (print the API\'s JSON instead of tables) and --help.',
    'The job, queue and handler commands take --queue NAME to work in a named queue (its /queues/{queue}/... routes);',
    'without it they use the API\'s default queue. The client never reads JOBQ_QUEUE, which is the API\'s own setting.',
    '',
    'Client settings (flag, environment variable, default):',
    ...settingLines(CLIENT_SETTINGS as readonly Setting[]),
    '',
    'Exit status of client commands:',
    ...EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`),
    'Server commands exit 2 on a bad setting, and 0 once stopped by SIGINT or SIGTERM.',
    '',
    'Server settings (flag, environment variable, default):',
    ...settingLines(SETTINGS as readonly Setting[])
  ].join('\n') + '\n'
}
