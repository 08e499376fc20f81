/**
 * Plain-text tables for the client commands: aligned columns, no dependency. Every cell goes
 * through `printable`, so text from the API (a handler's error, a result) cannot move the cursor
 * or recolour the terminal.
 */
export type Align = 'left' | 'right'

// C0 and C1 control characters and DEL: shown escaped, never sent to the terminal raw.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g // eslint-disable-line no-control-regex

/** `value` as one line of inert text: control characters escaped (\n, \u001b). */
export function printable (value: string): string {
  return value.replace(CONTROL, (c) => c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A cell for any value: '-' for null, JSON for objects and arrays. */
export function cell (value: unknown): string {
  if (value === null || value === undefined) return '-'
  if (typeof value === 'string') return printable(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return printable(JSON.stringify(value))
}

/** Rows under a header, columns padded to their widest cell; the last column is not padded. */
export function table (header: string[], rows: string[][], align: Align[] = []): string {
  const all = [header, ...rows].map((row) => row.map(printable))
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)))
  return all.map((row) => row.map((text, i) => {
    if (i === row.length - 1 && align[i] !== 'right') return text
    return align[i] === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i])
  }).join('  ').trimEnd()).join('\n') + '\n'
}

/** Name and value pairs, one a line, values aligned: the view of one record. */
export function fields (pairs: Array<[string, unknown]>): string {
  const width = Math.max(...pairs.map(([name]) => name.length))
  return pairs.map(([name, value]) => `${name.padEnd(width)}  ${cell(value)}`.trimEnd()).join('\n') + '\n'
}
