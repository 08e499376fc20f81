import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

/**
 * Where a process spent its busy CPU time, from a V8 .cpuprofile (`npm run bench -- --profile` writes them
 * to bench/results/profiles): self time by package or source file, and the top functions.
 * Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]
 */
interface Node {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg] = process.argv.slice(2)
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]')
const top = Number(topArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const self = new Map<number, number>()
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
// Percentages are of busy time: the samples where the process was idle are left out.
const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id))
for (const id of idleIds) self.delete(id)
const total = [...self.values()].reduce((a, b) => a + b, 0)

/** node_modules/<package>, a file of the project, node's own modules, or V8's pseudo-frames. */
function area (url: string, name: string): string {
  if (url === '') return `(${name || 'anonymous'})`
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (mod) return mod[1]
  if (url.startsWith('node:')) return url
  return relative(process.cwd(), url.replace(/^file:\/\//, ''))
}

const areas = new Map<string, number>()
const functions = new Map<string, number>()
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = (byId.get(id) as Node).callFrame
  const a = area(url, functionName)
  areas.set(a, (areas.get(a) ?? 0) + us)
  const where = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : a
  const f = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`
  functions.set(f, (functions.get(f) ?? 0) + us)
}
const pct = (us: number) => `${(us / total * 100).toFixed(1).padStart(5)}%`
const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`)
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us)}  ${k}\n`)
}
process.stdout.write(`${file}: ${(total / 1e6).toFixed(2)} s busy (idle samples left out)\n`)
print('Self time by package or file', areas)
print('Self time by function', functions)
