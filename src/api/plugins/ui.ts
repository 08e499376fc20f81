import { readdirSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { extname, join, relative, sep } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** The dashboard's own files, shipped in the package beside dist/ and lua/. */
export const UI_DIR = join(import.meta.dirname, '../../../ui')

/** Files of the chart library, served from its npm package under /ui/vendor/. */
const VENDOR = { 'vendor/uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js', 'vendor/uPlot.min.css': 'uplot/dist/uPlot.min.css' }

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
}

/**
 * The page may load and call nothing but this origin: no CDN, no inline script or style, no
 * frames. Data calls (fetch) go to the same API; a downloaded full value is a blob: URL.
 */
export const UI_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'"
].join('; ')

interface StaticFile {
  type: string
  body: Buffer
  gzipped: Buffer
  etag: string
}

/** Every file the dashboard serves, by its path under /ui/, read once: the set is small and fixed. */
export function readUiFiles (): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>()
  const add = (path: string, body: Buffer) => {
    const type = TYPES[extname(path)]
    if (!type) return
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
    files.set(path, { type, body, gzipped: gzipSync(body, { level: 9 }), etag })
  }
  for (const entry of readdirSync(UI_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    add(relative(UI_DIR, full).split(sep).join('/'), readFileSync(full))
  }
  const require = createRequire(import.meta.url)
  for (const [path, module] of Object.entries(VENDOR)) add(path, readFileSync(require.resolve(module)))
  return files
}

/**
 * Serves the web dashboard at /ui/ from memory. Its files are public (they hold no data); every
 * data call the page makes goes to the API's routes with a key like any other client's.
 */
async function uiPlugin (app: FastifyInstance): Promise<void> {
  const files = readUiFiles()
  const options = { config: { access: 'public' as const }, schema: { hide: true } }

  // The page's relative links (js/main.js) need the trailing slash.
  app.get('/ui', options, async (_request, reply) => reply.redirect('/ui/', 301))
  app.get('/ui/*', options, async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const file = files.get(request.params['*'] || 'index.html')
    reply.header('content-security-policy', UI_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
    if (!file) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `${request.url}: no such file of the dashboard` })
    // Revalidated on every load, so a new version shows at once; unchanged files cost a 304.
    reply.header('cache-control', 'no-cache').header('etag', file.etag).header('vary', 'accept-encoding')
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send()
    reply.type(file.type)
    if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.send(file.body)
    return reply.header('content-encoding', 'gzip').send(file.gzipped)
  })
}

export default uiPlugin
