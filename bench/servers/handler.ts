import { createServer } from 'node:http'
import { exitWithParent } from './orphan-guard.js'

/**
 * The trivial job handler: plain node:http, reads the body and answers 200 `{}` as JSON.
 * GET /count tells how many callbacks it has answered, so the harness can check deliveries.
 */
let count = 0
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ count }))
    return
  }
  req.resume()
  req.on('end', () => {
    count++
    res.setHeader('content-type', 'application/json')
    res.end('{}')
  })
})
server.keepAliveTimeout = 30_000
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number }
  process.stdout.write(`listening ${port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
process.on('SIGINT', () => process.exit(0))
exitWithParent()
