/** What a client command's exit status says happened; `jobq --help` prints this table. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unreachable: 5,
  unauthorized: 6,
  jobFailed: 7,
  stillRunning: 8
} as const

export type ExitCode = typeof EXIT[keyof typeof EXIT]

export const EXIT_CODES: ReadonlyArray<[ExitCode, string]> = [
  [EXIT.ok, 'success'],
  [EXIT.failed, 'the API answered with an error not listed below (422, 429, 5xx, ...), or an unexpected failure'],
  [EXIT.usage, 'usage error: unknown command or option, missing or bad argument, bad JSON, bad setting; or the API refused the input (400, 413)'],
  [EXIT.notFound, 'not found (404): no such job, entity, handler, schedule or queue'],
  [EXIT.conflict, 'conflict (409): the entity is being processed, or the job is not in a state that allows it'],
  [EXIT.unreachable, 'cannot reach the API: connection refused, unknown host, or no answer in time'],
  [EXIT.unauthorized, 'unauthorized or forbidden (401, 403): missing or wrong JOBQ_API_KEY, not an admin key, or a key that may not use the queue'],
  [EXIT.jobFailed, 'jobq wait, enqueue --wait: the job failed or was cancelled'],
  [EXIT.stillRunning, 'jobq wait, enqueue --wait: the job had not ended when --timeout ran out']
]

/** A failure with the exit status that names it, and the API's error body when there is one. */
export class CliError extends Error {
  override name = 'CliError'
  constructor (message: string, readonly exitCode: ExitCode, readonly body?: unknown) {
    super(message)
  }
}

/** Bad command line: exit 2. */
export class UsageError extends CliError {
  override name = 'UsageError'
  constructor (message: string) {
    super(message, EXIT.usage)
  }
}

/** The exit status for an HTTP error status of the API. */
export function exitCodeForStatus (status: number): ExitCode {
  if (status === 400 || status === 413) return EXIT.usage
  if (status === 401 || status === 403) return EXIT.unauthorized
  if (status === 404) return EXIT.notFound
  if (status === 409) return EXIT.conflict
  return EXIT.failed
}
