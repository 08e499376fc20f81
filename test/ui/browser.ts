import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's chromium: playwright-core drives it and downloads no browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface WatchedPage {
  page: Page
  /** Console errors, uncaught exceptions and failed requests of the page so far. */
  problems: string[]
  /** Every URL the page requested. */
  urls: string[]
}

/** A headless Chromium, closed by the caller. Fails with the fix when the package is missing. */
export async function launchChromium (): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH`)
  return await chromium.launch({ executablePath: CHROMIUM, headless: true })
}

/** A page that records everything that would show as an error in its console. */
export async function watchedPage (browser: Browser, options: Parameters<Browser['newPage']>[0] = {}): Promise<WatchedPage> {
  const page = await browser.newPage(options)
  const problems: string[] = []
  const urls: string[] = []
  page.on('request', (request) => { urls.push(request.url()) })
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`) })
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`))
  page.on('requestfailed', (request) => {
    // A stream the page closes itself (a new search, another queue) ends as an aborted request.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request: ${request.url()} ${request.failure()?.errorText}`)
  })
  return { page, problems, urls }
}
