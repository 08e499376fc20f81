import { spawn } from 'node:child_process'

export interface Ran {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
  /** stdout and stderr interleaved as they came, as a terminal shows them. */
  output: string
}

/** Runs a command to its end, collecting what it writes; SIGKILLed after `timeoutMs` (said in stderr and output). */
export async function runToEnd (command: string, args: string[], options: { cwd: string, env: Record<string, string>, timeoutMs: number }): Promise<Ran> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  const ran: Ran = { code: null, signal: null, stdout: '', stderr: '', output: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { ran.stdout += chunk; ran.output += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { ran.stderr += chunk; ran.output += chunk })
  const timer = setTimeout(() => {
    const note = `\n[killed by the test after ${options.timeoutMs} ms]`
    ran.stderr += note
    ran.output += note
    child.kill('SIGKILL')
  }, options.timeoutMs)
  try {
    [ran.code, ran.signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (code, signal) => resolve([code, signal]))
    })
  } finally {
    clearTimeout(timer)
  }
  return ran
}
