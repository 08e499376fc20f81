/** Progress goes to stderr, so stdout carries only the report (markdown, or JSON with --json). */
export function log (message: string): void {
  const t = new Date().toISOString().slice(11, 19)
  process.stderr.write(`[bench ${t}] ${message}\n`)
}
