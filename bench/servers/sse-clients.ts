import { Agent, request as httpRequest } from 'node:http'
import { exitWithParent } from './orphan-guard.js'

/**
 * `node --import tsx bench/servers/sse-clients.ts <events url> <filtered> <unfiltered>`: holds that
 * many event streams open on one API, the way programs watching their own jobs (`?entity_id=`,
 * filtered) and dashboards (everything, unfiltered) do. Prints `connected <n>` once every stream
 * answered, then `events <n>` each second: the events the unfiltered streams got, in all.
 */
const [url, filteredArg, unfilteredArg] = process.argv.slice(2)
const filtered = Number(filteredArg)
const unfiltered = Number(unfilteredArg)
const agent = new Agent({ keepAlive: false, maxSockets: Infinity })
let connected = 0
let events = 0
let failed = 0

function open (query: string, counts: boolean): void {
  const req = httpRequest(`${url}${query}`, { agent }, (res) => {
    if (res.statusCode !== 200) {
      failed++
      process.stdout.write(`failed ${res.statusCode}\n`)
      res.resume()
      return
    }
    res.setEncoding('utf8')
    let first = true
    // The end of the previous chunk: an event's `\nid: ` may straddle two chunks.
    let tail = ''
    res.on('data', (chunk: string) => {
      if (first) {
        first = false
        if (++connected === filtered + unfiltered) process.stdout.write(`connected ${connected}\n`)
      }
      if (!counts) return
      const text = tail + chunk
      events += text.split('\nid: ').length - 1
      tail = text.slice(-4)
    })
  })
  req.on('error', () => { failed++ })
  req.end()
}

for (let i = 0; i < filtered; i++) open(`?entity_id=watcher-${i}`, false)
for (let i = 0; i < unfiltered; i++) open('', true)
setInterval(() => process.stdout.write(`events ${events} failed ${failed}\n`), 1000)
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))
exitWithParent()
