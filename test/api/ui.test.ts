import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { gunzipSync } from 'node:zlib'
import { buildTestApp, sharedRedis } from '../helper.js'
import { readUiFiles, UI_CSP } from '../../src/api/plugins/ui.js'

const ADMIN = 'ui-admin-key-0123456789'

describe('GET /ui', () => {
  const redis = sharedRedis()

  it('should serve the page and its files without a key, while data calls need one', async (t) => {
    const app = await buildTestApp(t, redis().url, { JOBQ_ADMIN_KEYS: ADMIN })
    const page = await app.inject({ url: '/ui/' })
    assert.equal(page.statusCode, 200)
    assert.match(page.headers['content-type'] as string, /^text\/html/)
    assert.match(page.body, /<script type="module" src="js\/main.js">/)
    assert.equal(page.headers['content-security-policy'], UI_CSP)
    for (const path of ['/ui/js/main.js', '/ui/style.css', '/ui/vendor/uPlot.iife.min.js', '/ui/vendor/uPlot.min.css']) {
      const res = await app.inject({ url: path })
      assert.equal(res.statusCode, 200, path)
    }
    assert.equal((await app.inject({ url: '/queue' })).statusCode, 401)
    assert.equal((await app.inject({ url: '/queue', headers: { authorization: `Bearer ${ADMIN}` } })).statusCode, 200)
  })

  it('should redirect /ui to /ui/, answer 404 for a file it does not have, and never look outside its folder', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const bare = await app.inject({ url: '/ui' })
    assert.equal(bare.statusCode, 301)
    assert.equal(bare.headers.location, '/ui/')
    for (const path of ['/ui/nope.js', '/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/js/../../src/api/app.ts']) {
      assert.equal((await app.inject({ url: path })).statusCode, 404, path)
    }
  })

  it('should send gzip when the browser takes it, and 304 for a file it has', async (t) => {
    const app = await buildTestApp(t, redis().url)
    const plain = await app.inject({ url: '/ui/js/main.js' })
    const zipped = await app.inject({ url: '/ui/js/main.js', headers: { 'accept-encoding': 'gzip, br' } })
    assert.equal(zipped.headers['content-encoding'], 'gzip')
    assert.equal(gunzipSync(zipped.rawPayload).toString('utf8'), plain.body)
    const again = await app.inject({ url: '/ui/js/main.js', headers: { 'if-none-match': plain.headers.etag as string } })
    assert.equal(again.statusCode, 304)
  })

  it('should weigh under 200 KB gzipped in all, its chart library included', () => {
    const files = readUiFiles()
    const total = [...files.values()].reduce((sum, file) => sum + file.gzipped.length, 0)
    assert.ok(files.has('index.html') && files.has('vendor/uPlot.iife.min.js'))
    assert.ok(total < 200 * 1024, `the dashboard is ${total} bytes gzipped`)
  })

  it('should not be served with JOBQ_UI=false', async (t) => {
    const app = await buildTestApp(t, redis().url, { JOBQ_UI: 'false' })
    assert.equal((await app.inject({ url: '/ui/' })).statusCode, 404)
  })
})
