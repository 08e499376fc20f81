import type { Bar, Figure, Options, Row } from './lib/context.js'
import { fmt, fmtSummary } from './lib/stats.js'

export interface Meta {
  generatedAt: string
  durationS: number
  command: string
  machine: Record<string, string>
  versions: Record<string, string>
  commands: string[]
  notes: string[]
}

export interface Fraction {
  figure: string
  value: Row
  ceiling: Row
  /** value / ceiling, or ceiling / value for a latency against its floor. */
  fraction: number
  how: string
}

const find = (figures: Figure[], id: string, key: string): Row | undefined =>
  figures.find((f) => f.id === id)?.rows.find((r) => r.key === key)

/** Each JobQ figure as a fraction of the machine ceiling it runs into. */
export function fractions (figures: Figure[]): Fraction[] {
  const out: Fraction[] = []
  const add = (figure: string, id: string, key: string, ceilingKey: string, inverse = false) => {
    const value = find(figures, id, key)
    const ceiling = find(figures, 'C', ceilingKey)
    if (!value || !ceiling) return
    const fraction = inverse ? ceiling.summary.median / value.summary.median : value.summary.median / ceiling.summary.median
    out.push({ figure, value, ceiling, fraction, how: inverse ? 'floor ÷ JobQ' : 'JobQ ÷ ceiling' })
  }
  add('1. POST /jobs', '1', 'jobq_rps', 'evalsha_p1')
  add('1. POST /jobs', '1', 'jobq_rps', 'evalsha_p16')
  add('2. POST /jobs/batch', '2', 'jobq', 'evalsha_p16')
  add('3. end to end', '3', 'jobq', 'undici_loop')
  add('4. idle latency p50', '4', 'jobq_p50', 'post_floor', true)
  return out
}

function verdict (b: Bar): string {
  if (!Number.isFinite(b.ratio)) return 'not measured'
  if (b.holds) return '**holds**'
  // A bar of none at all (ratio <= 0) fails by any amount.
  if (b.target === 0) return '**fails**'
  // How far off: the ratio against the bar, in the direction that matters.
  const off = b.op === '>=' ? 1 - b.ratio / b.target : b.ratio / b.target - 1
  return `**fails** by ${(off * 100).toFixed(0)}%`
}

const ratioText = (b: Bar) => {
  const spread = b.roundRatios.length > 1 ? ` [${fmt(Math.min(...b.roundRatios))}–${fmt(Math.max(...b.roundRatios))}]` : ''
  return `${fmt(b.ratio)}${spread}`
}

function cpuText (readings: Record<string, { cores: number, usPerUnit: number, who?: string }>): string {
  return Object.entries(readings).map(([name, r]) => `${name} ${fmt(r.cores)} cores, ${fmt(r.usPerUnit, 0)} µs${r.who ? ` (${r.who.replaceAll('|', '\\|')})` : ''}`).join('; ')
}

/** The whole report as markdown: machine, bars, every figure, ceilings, CPU, how it was run. */
export function markdown (meta: Meta, opts: Options, figures: Figure[]): string {
  const L: string[] = []
  const rowOf = (id: string, key: string) => find(figures, id, key)
  L.push(`# JobQ benchmark: \`${meta.command}\``, '')
  L.push(`${opts.quick ? 'Quick' : 'Full'} run, ${meta.generatedAt}, ${fmt(meta.durationS / 60, 1)} min. Medians over rounds that alternate the contenders (A B A B ...), with [min–max] over the rounds and (n) rounds. Ratios are of medians measured in this run; the bracket after a ratio is its range round by round.`, '')

  L.push('## Machine and versions', '', '| | |', '|---|---|')
  for (const [k, v] of Object.entries({ ...meta.machine, ...meta.versions })) L.push(`| ${k} | ${v} |`)
  L.push('')

  L.push('## Bars', '', '| # | measure | JobQ | against | ratio | bar | result |', '|---|---|---|---|---|---|---|')
  for (const f of figures) {
    for (const b of f.bars) {
      const a = f.rows.find((r) => r.key === b.num)
      const d = f.rows.find((r) => r.key === b.den)
      const jobqFirst = b.num.startsWith('jobq') || b.num.startsWith('big')
      const [ours, theirs] = jobqFirst ? [a, d] : [d, a]
      const cell = (r?: Row) => r ? `${r.label}: ${fmtSummary(r.summary)} ${r.unit}` : 'n/a'
      L.push(`| ${b.id} | ${b.what} | ${cell(ours)} | ${cell(theirs)} | ${ratioText(b)} | ${b.op} ${b.target} | ${verdict(b)} |`)
    }
    if (f.error) L.push(`| ${f.id} | ${f.title} | | | | | **error**: ${f.error.split('\n')[0]} |`)
  }
  L.push('')

  L.push('## Figures', '')
  for (const f of figures) {
    L.push(`### ${f.id === 'C' ? 'Ceilings' : f.id + '.'} ${f.id === 'C' ? '' : f.title}`.trimEnd(), '')
    if (f.error) L.push(`Error: \`${f.error.split('\n')[0]}\``, '')
    if (f.rows.length > 0) {
      L.push('| measure | median [min–max] (n) | unit |', '|---|---|---|')
      for (const r of f.rows) L.push(`| ${r.label} | ${fmtSummary(r.summary)} | ${r.unit} |`)
      L.push('')
    }
    for (const n of f.notes) L.push(`- ${n}`)
    if (f.notes.length > 0) L.push('')
    if (f.cpu.length > 0) {
      L.push('<details><summary>CPU per process over each measured window (cores busy; CPU µs per unit)</summary>', '')
      L.push('| window | unit | CPU |', '|---|---|---|')
      for (const c of f.cpu) L.push(`| ${c.what} | ${c.unit} | ${cpuText(c.readings)} |`)
      L.push('', '</details>', '')
    }
  }

  const fr = fractions(figures)
  if (fr.length > 0) {
    L.push('## JobQ as a fraction of the machine\'s ceilings', '', '| JobQ figure | value | ceiling | fraction |', '|---|---|---|---|')
    for (const x of fr) {
      L.push(`| ${x.figure} | ${fmt(x.value.summary.median)} ${x.value.unit} | ${x.ceiling.label}: ${fmt(x.ceiling.summary.median)} ${x.ceiling.unit} | ${fmt(x.fraction)} (${x.how}) |`)
    }
    L.push('')
    const e2e = rowOf('3', 'jobq')
    if (e2e) L.push('The undici loop is the dispatch ceiling with no queue at all; the EVALSHA figures are Redis running the enqueue script alone (a batch call enqueues many jobs per script call, so figure 2 can pass its ceiling).', '')
  }

  L.push('## How it was run', '')
  for (const n of meta.notes) L.push(`- ${n}`)
  L.push('', 'Commands:', '', '```sh', ...meta.commands, '```', '')
  return L.join('\n')
}

export function json (meta: Meta, opts: Options, figures: Figure[]): unknown {
  return {
    ...meta,
    mode: opts.quick ? 'quick' : 'full',
    settings: opts,
    figures,
    bars: figures.flatMap((f) => f.bars),
    fractions: fractions(figures).map((x) => ({ figure: x.figure, value: x.value.summary.median, value_unit: x.value.unit, ceiling: x.ceiling.label, ceiling_value: x.ceiling.summary.median, fraction: x.fraction, how: x.how })),
    all_bars_hold: figures.every((f) => !f.error && f.bars.every((b) => b.holds))
  }
}
