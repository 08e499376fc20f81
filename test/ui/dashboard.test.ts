import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/api/app.js'
import { startRedis, suiteContext, testConfig, waitFor } from '../helper.js'
import { startHookServer, startWorker, type HookServer, type Responder } from '../worker/worker-helper.js'
import { launchChromium, watchedPage, type WatchedPage } from './browser.js'

const KEY = 'ui-test-admin-key-0123456789'
const admin = { authorization: `Bearer ${KEY}` }
const DOCS = join(import.meta.dirname, '../../docs')
/** A result of a megabyte: the page must show it without freezing. */
const BIG_RESULT = { blob: 'x'.repeat(1024 * 1024) }

/** Handlers by path: one that completes, one that fails for good, one that answers a megabyte. */
const respond: Responder = (delivery, res) => {
  if (delivery.path === '/fail') res.writeHead(400).end()
  else if (delivery.path === '/async') res.writeHead(202).end()
  else if (delivery.path === '/big') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(BIG_RESULT))
  else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
}

describe('the dashboard in Chromium', { timeout: 180_000 }, () => {
  const suite = suiteContext()
  let app: FastifyInstance
  let redisUrl: string
  let origin: string
  let browser: Browser
  let watched: WatchedPage
  let page: Page
  let hook: HookServer

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: admin, payload })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const enqueue = (task: string, entity: string) => call('POST', '/jobs', { task, entity_id: entity, args: [entity] })
  const statusOf = async (id: string) => (await call('GET', `/jobs/${encodeURIComponent(id)}`)).status as string
  const text = (selector: string) => page.locator(selector).first().textContent()

  before(async () => {
    const redis = await startRedis(suite)
    redisUrl = redis.url
    // Readable queue names for the screenshots: the Redis is this suite's own.
    app = await buildApp(testConfig(redis.url, { JOBQ_ADMIN_KEYS: KEY, JOBQ_QUEUE: 'emails' }))
    suite.after(() => app.close())
    await app.listen({ host: '127.0.0.1', port: 0 })
    origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    hook = await startHookServer(suite as never, respond)
    await call('POST', '/queue/pause')
    const asyncHandler = await app.inject({ method: 'PUT', url: '/handlers/async.task', headers: admin, payload: { url: hook.origin + '/async', async: true } })
    assert.equal(asyncHandler.statusCode, 201, asyncHandler.body)
    const limits = { max_concurrency: 4, rate_per_second: 50 }
    for (const [name, path] of [['ok.task', '/ok'], ['fail.task', '/fail'], ['big.task', '/big']]) {
      const payload = { url: hook.origin + path, max_attempts: 1, ...(name === 'ok.task' ? limits : {}) }
      const res = await app.inject({ method: 'PUT', url: `/handlers/${name}`, headers: admin, payload })
      assert.equal(res.statusCode, 201, res.body)
    }
    await startWorker(suite as never, { redisUrl: redis.url, queue: app.jobQueue.queueName, env: { JOBQ_RESULT_LIMIT: String(2 * 1024 * 1024) } })
    browser = await launchChromium()
    suite.after(() => browser.close())
    watched = await watchedPage(browser, { viewport: { width: 1280, height: 900 } })
    page = watched.page
  })

  after(() => {
    assert.deepEqual(watched?.problems ?? [], [], 'the page logged errors')
    assert.ok(watched.urls.length > 0)
    assert.deepEqual(watched.urls.filter((url) => url.includes(KEY)), [], 'the key was put in a URL')
  })

  it('should load its files without a key, ask for one, and go live with no console error', async () => {
    await page.goto(`${origin}/ui/`)
    await page.locator('#key-form').waitFor({ state: 'visible' })
    await page.fill('#key-input', KEY)
    const streamRequest = page.waitForRequest((request) => new URL(request.url()).pathname === '/events')
    await page.click('#key-form button[type=submit]')
    await page.locator('#stream-state.live').waitFor({ timeout: 10_000 })
    await page.locator('[data-count="queued"]').waitFor()
    // The stream is read with fetch(), so it carries the key in a header as every other call does.
    assert.equal((await streamRequest).headers().authorization, `Bearer ${KEY}`)
    assert.equal(await text('#queue-name'), app.jobQueue.queueName)
    assert.deepEqual(watched.problems, [])
    // The key stays in this tab's sessionStorage, nowhere the page's origin would keep it longer.
    const stored = await page.evaluate('({ session: sessionStorage.getItem("jobq.key"), local: localStorage.length, cookie: document.cookie, url: location.href })')
    assert.deepEqual(stored, { session: KEY, local: 0, cookie: '', url: `${origin}/ui/#${app.jobQueue.queueName}` })
  })

  it('should show a job enqueued through the API in the counts within 1 s, without a reload', async (t) => {
    const before = Number(await text('[data-count="queued"] b'))
    const started = performance.now()
    await enqueue('ok.task', 'counted')
    // A locator, not waitForFunction: that one evaluates a string, which the page's CSP forbids.
    await page.locator('[data-count="queued"] b', { hasText: new RegExp(`^${before + 1}$`) }).waitFor({ timeout: 10_000 })
    const elapsed = performance.now() - started
    t.diagnostic(`enqueue to count shown: ${elapsed.toFixed(0)} ms`)
    assert.ok(elapsed < 1000, `the count took ${elapsed.toFixed(0)} ms`)
  })

  it('should find a job by its entity and show its record and timeline', async () => {
    const job = await enqueue('ok.task', 'entity-to-find')
    await page.fill('#search-input', 'entity-to-find')
    await page.click('#search-form button')
    await page.locator('#record').waitFor()
    assert.match(await text('#record') ?? '', new RegExp(job.job_id))
    await page.locator('#timeline li[data-type="job.enqueued"]').waitFor({ timeout: 10_000 })
  })

  it('should resume its streams after a drop, with no event lost or repeated', async () => {
    const job = await enqueue('ok.task', 'dropped')
    await page.fill('#search-input', 'dropped')
    await page.click('#search-form button')
    await page.locator('#timeline li[data-type="job.enqueued"]').waitFor({ timeout: 10_000 })
    // The server ends every stream, as a proxy or a restart would; the job changes meanwhile.
    for (const stream of app.eventStreams) stream.close()
    await call('PATCH', `/jobs/${job.job_id}/priority`, { priority: 3 })
    await page.locator('#timeline li[data-type="job.priority_changed"]').waitFor({ timeout: 10_000 })
    await page.locator('#stream-state.live').waitFor({ timeout: 10_000 })
    assert.deepEqual(await page.locator('#timeline li').evaluateAll((items) => items.map((li) => li.getAttribute('data-type'))),
      ['job.enqueued', 'job.priority_changed'])
  })

  it('should turn a failed job into a queued one with retry', async () => {
    await call('POST', '/queue/resume')
    const job = await enqueue('fail.task', 'to-retry')
    await waitFor('the job to fail', async () => await statusOf(job.job_id) === 'failed')
    await call('POST', '/queue/pause')
    const row = page.locator(`#failed tr[data-job="${job.job_id}"]`)
    await row.waitFor({ timeout: 10_000 })
    await row.locator('button').click()
    await row.getByText('queued').waitFor()
    assert.equal(await statusOf(job.job_id), 'queued')
  })

  it('should show handlers with their limits, and pause and resume one', async () => {
    const row = page.locator('#handlers tr[data-handler="ok.task"]')
    await row.waitFor()
    assert.deepEqual(await row.locator('td').evaluateAll((cells) => cells.slice(2, 6).map((td) => td.textContent)), ['running', '4', '50', '50'])
    await row.getByRole('button', { name: 'pause' }).click()
    await row.getByText('paused').waitFor()
    assert.equal((await call('GET', '/handlers/ok.task')).paused, true)
    await row.getByRole('button', { name: 'resume' }).click()
    await row.getByText('running').waitFor()
    assert.equal((await call('GET', '/handlers/ok.task')).paused, false)
  })

  it('should list schedules with their next run, and run one now', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/schedules/nightly.report',
      headers: admin,
      payload: { cron: '30 2 * * *', timezone: 'Europe/Berlin', job: { task: 'ok.task', entity_id: 'report' } }
    })
    assert.equal(put.statusCode, 201, put.body)
    const { next_run_at: next } = put.json()
    // Listed without a reload: the page reads schedules again after the next event of the queue.
    await enqueue('ok.task', 'nudge-schedules')
    const row = page.locator('#schedules tr[data-schedule="nightly.report"]')
    await row.waitFor()
    assert.equal(await row.locator('td.next-run').getAttribute('title'), next)
    assert.match(String(await row.textContent()), /30 2 \* \* \*.*Europe\/Berlin.*ok\.task · report.*active/)
    await row.getByRole('button', { name: 'run now' }).click()
    await waitFor('the triggered job', async () => (await call('GET', '/schedules/nightly.report')).last_job_id !== null, 10_000)
    await row.getByRole('button', { name: 'pause' }).click()
    await row.getByText('paused').waitFor()
    assert.equal((await call('GET', '/schedules/nightly.report')).paused, true)
  })

  it('should show a 1 MB result cut short and stay responsive', async (t) => {
    await call('POST', '/queue/resume')
    const job = await enqueue('big.task', 'big-result')
    await waitFor('the big job to complete', async () => await statusOf(job.job_id) === 'completed')
    await call('POST', '/queue/pause')
    // A heartbeat every 10 ms: its longest gap is the longest the page could not answer input.
    await page.evaluate(() => {
      const beat = { last: performance.now(), longest: 0 }
      Object.assign(globalThis, { beat })
      setInterval(() => {
        const now = performance.now()
        beat.longest = Math.max(beat.longest, now - beat.last)
        beat.last = now
      }, 10)
    })
    const started = performance.now()
    await page.fill('#search-input', job.job_id)
    await page.click('#search-form button')
    await page.locator('#record .download').waitFor()
    const shown = performance.now() - started
    const longest = await page.evaluate(() => (globalThis as unknown as { beat: { longest: number } }).beat.longest)
    const chars = await page.evaluate<number>('Math.max(...[...document.querySelectorAll("#record pre")].map((pre) => pre.textContent.length))')
    t.diagnostic(`1 MB result shown in ${shown.toFixed(0)} ms; longest stall of the page ${longest.toFixed(0)} ms; longest text shown ${chars} characters`)
    // The timeline replays the job's history; none of it makes the page fetch the megabyte again.
    await page.locator('#timeline li[data-type="job.completed"]').waitFor({ timeout: 10_000 })
    assert.equal(watched.urls.filter((url) => url.endsWith(`/jobs/${job.job_id}`)).length, 1)
    assert.ok(chars < 10_000, `the page laid out ${chars} characters of one value`)
    assert.ok(longest < 1000, `the page stalled for ${longest.toFixed(0)} ms`)
  })

  it('should work without a key against an API run without keys', async () => {
    const open = await buildApp(testConfig(redisUrl, { JOBQ_QUEUE: 'reports' }))
    suite.after(() => open.close())
    await open.listen({ host: '127.0.0.1', port: 0 })
    const other = await watchedPage(browser)
    await other.page.goto(`http://127.0.0.1:${(open.server.address() as { port: number }).port}/ui/`)
    await other.page.click('#no-key')
    await other.page.locator('#stream-state.live').waitFor({ timeout: 10_000 })
    await other.page.locator('[data-count="queued"]').waitFor()
    assert.deepEqual(other.problems, [])
    await other.page.close()
  })

  it('should start on a queue of its own for a key limited to some queues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobq-ui-keys-'))
    suite.after(() => rmSync(dir, { recursive: true, force: true }))
    const limitedKey = 'ui-limited-key-0123456789'
    const sha256 = createHash('sha256').update(limitedKey).digest('hex')
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ keys: [{ name: 'team', role: 'client', queues: ['emails'], sha256 }] }))
    const limited = await buildApp(testConfig(redisUrl, { JOBQ_QUEUE: 'internal', JOBQ_KEYS_FILE: join(dir, 'keys.json') }))
    suite.after(() => limited.close())
    await limited.listen({ host: '127.0.0.1', port: 0 })
    const other = await watchedPage(browser)
    await other.page.goto(`http://127.0.0.1:${(limited.server.address() as { port: number }).port}/ui/`)
    await other.page.fill('#key-input', limitedKey)
    await other.page.click('#key-form button[type=submit]')
    await other.page.locator('#queue-name', { hasText: /^emails$/ }).waitFor({ timeout: 10_000 })
    await other.page.locator('#stream-state.live').waitFor({ timeout: 10_000 })
    await other.page.locator('#handlers-error', { hasText: 'admin keys only' }).waitFor()
    assert.deepEqual(await other.page.locator('#queue-select option').allTextContents(), ['emails'])
    // Refused once each, as they should be: GET /queue of the default queue, and the handlers.
    assert.deepEqual(other.problems.filter((problem) => !problem.includes('status of 403')), [])
    await other.page.close()
  })

  it('should page through failed jobs and retry them all', async (t) => {
    await call('POST', '/queue/resume')
    const before = (await call('GET', '/queue')).failed as number
    for (let i = 0; i < 22; i++) await enqueue('fail.task', `many-${i}`)
    await waitFor('22 more failed jobs', async () => (await call('GET', '/queue')).failed === before + 22)
    await call('POST', '/queue/pause')
    await page.locator('#failed-count', { hasText: new RegExp(`^${before + 22}$`) }).waitFor({ timeout: 10_000 })
    assert.equal(await page.locator('#failed tbody tr').count(), 20)
    await page.click('#failed-next')
    // The first page's rows stay until the second page's answer replaces them, in the same task
    // that enables "first page": wait for that, not for a row the first page also has.
    await page.locator('#failed-first:enabled').waitFor({ timeout: 10_000 })
    assert.equal(await page.locator('#failed tbody tr').count(), before + 2)
    page.once('dialog', (dialog) => { dialog.accept() })
    const started = performance.now()
    await page.click('#retry-all')
    await page.locator('#retry-all-state', { hasText: new RegExp(`^retried ${before + 22}$`) }).waitFor({ timeout: 30_000 })
    t.diagnostic(`retry all of ${before + 22}: ${(performance.now() - started).toFixed(0)} ms`)
    assert.equal((await call('GET', '/queue')).failed, 0)
    await page.locator('#failed caption', { hasText: 'No failed jobs.' }).waitFor()
  })

  it('should show the progress an async handler reports on a processing job', async () => {
    await call('POST', '/queue/resume')
    const job = await enqueue('async.task', 'in-progress')
    const [delivery] = await hook.waitForDeliveries(1, (d) => d.jobId === job.job_id)
    const token = { 'jobq-callback-token': String(delivery.headers['jobq-callback-token']) }
    const res = await app.inject({ method: 'POST', url: `/jobs/${job.job_id}/progress`, headers: token, payload: { percent: 40, message: 'page 4 of 10' } })
    assert.equal(res.statusCode, 200, res.body)
    const row = page.locator(`#processing tr[data-job="${job.job_id}"]`)
    await row.getByText('40%').waitFor({ timeout: 10_000 })
    assert.match(await row.textContent() ?? '', /page 4 of 10/)
    // Left in flight for the screenshots.
  })

  it('should fit a phone screen, light and dark, and write screenshots to docs/', async () => {
    for (let i = 0; i < 6; i++) await enqueue(i % 3 === 0 ? 'fail.task' : 'ok.task', `shown-${i}`)
    await call('POST', '/queue/resume')
    await waitFor('the queue to drain', async () => (await call('GET', '/queue')).queued === 0)
    await page.fill('#search-input', 'shown-1')
    await page.click('#search-form button')
    await page.locator('#timeline li[data-type="job.completed"]').waitFor({ timeout: 10_000 })
    mkdirSync(DOCS, { recursive: true })
    await page.waitForTimeout(1200)
    await page.screenshot({ path: join(DOCS, 'dashboard-desktop.png'), fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForTimeout(1200)
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - innerWidth')
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than a phone screen`)
    await page.screenshot({ path: join(DOCS, 'dashboard-phone.png'), fullPage: true })
    await page.emulateMedia({ colorScheme: 'dark' })
    const background = await page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor')
    assert.notEqual(background, 'rgb(246, 247, 249)', 'dark mode kept the light background')
    await page.evaluate('scrollTo(0, 0)')
    await page.waitForTimeout(1200)
    await page.screenshot({ path: join(DOCS, 'dashboard-phone-dark.png'), fullPage: false })
  })
})
