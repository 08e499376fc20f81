/** Median and spread of a few rounds of one measurement. */
export interface Summary {
  median: number
  min: number
  max: number
  n: number
  runs: number[]
}

export function summarize (runs: number[]): Summary {
  const sorted = [...runs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length === 0
    ? NaN
    : sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, n: runs.length, runs }
}

/** The p-th percentile (0-100) of raw samples, nearest rank. */
export function percentile (samples: number[], p: number): number {
  if (samples.length === 0) return NaN
  const sorted = Float64Array.from(samples).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))
  return sorted[rank]
}

/** A number for a table: thousands separated, or a few significant decimals for small values. */
export function fmt (value: number, decimals?: number): string {
  if (!Number.isFinite(value)) return 'n/a'
  const d = decimals ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2)
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
}

/** `median [min–max] (n=k)` */
export function fmtSummary (s: Summary, decimals?: number): string {
  if (s.n === 0) return 'n/a'
  if (s.n === 1) return `${fmt(s.median, decimals)} (n=1)`
  return `${fmt(s.median, decimals)} [${fmt(s.min, decimals)}–${fmt(s.max, decimals)}] (n=${s.n})`
}
