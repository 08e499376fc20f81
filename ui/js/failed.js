// The dead-letter set, a page at a time (oldest failure first), with retry one and retry all.
import { api } from './api.js'
import { $, ago, fill, h } from './dom.js'
import { base, overviewPath, state } from './state.js'

const PAGE = 20
const RETRY_ALL_PAGE = 100

/** The cursor of the page shown (undefined: the first) and of the next one (null: none). */
let cursor
let nextCursor = null

const pagePath = (limit, from) => `${overviewPath()}?${new URLSearchParams({ list: 'failed', limit: String(limit), ...(from ? { cursor: from } : {}) })}`
const retryPath = (jobId) => `${base()}/jobs/${encodeURIComponent(jobId)}/retry`

export function resetFailed () {
  cursor = undefined
  nextCursor = null
}

/** Loads started so far: a load answered after a newer one started (a page turned meanwhile) is dropped. */
let loads = 0

export async function loadFailed () {
  const queue = state.queue
  const load = ++loads
  let page
  try {
    page = await api(pagePath(PAGE, cursor))
  } catch (err) {
    if (load === loads) fill($('#failed'), h('caption', { class: 'error' }, err.message))
    return
  }
  if (queue !== state.queue || load !== loads) return
  nextCursor = page.next_cursor ?? null
  $('#failed-count').textContent = String(page.failed)
  $('#failed-next').disabled = nextCursor === null
  $('#failed-first').disabled = cursor === undefined
  $('#retry-all').disabled = page.failed === 0
  const jobs = page.jobs ?? []
  if (jobs.length === 0) {
    fill($('#failed'), h('caption', { class: 'empty' }, cursor ? 'No more failed jobs.' : 'No failed jobs.'))
    return
  }
  fill($('#failed'),
    h('thead', {}, h('tr', {}, ['job', 'entity', 'task', 'attempts', 'failed', 'last error', ''].map((c) => h('th', {}, c)))),
    h('tbody', {}, jobs.map((job) => h('tr', { 'data-job': job.job_id },
      h('td', {}, job.job_id), h('td', { class: 'long' }, job.entity_id), h('td', {}, job.task),
      h('td', { class: 'num' }, String(job.attempts)), h('td', {}, ago(job.finished_at)),
      h('td', { class: 'long' }, String(job.last_error ?? '').slice(0, 200)),
      h('td', {}, h('button', { type: 'button', onclick: (e) => retryOne(job.job_id, e.target) }, 'retry'))))))
}

async function retryOne (jobId, button) {
  button.disabled = true
  try {
    const job = await api(retryPath(jobId), { method: 'POST' })
    fill(button.parentElement, h('span', { class: 'muted' }, job.status))
  } catch (err) {
    fill(button.parentElement, h('span', { class: 'error' }, err.message))
  }
}

/**
 * Retries every failed job of the queue, page by page. A retried job leaves the set, and the
 * cursor marks a place rather than a job, so the walk neither skips nor repeats one; a job that
 * cannot be retried (its entity has another active job) stays and is counted as refused.
 */
async function retryAll () {
  const button = $('#retry-all')
  const status = $('#retry-all-state')
  if (!confirm(`Retry every failed job of queue ${state.queue}?`)) return
  button.disabled = true
  let retried = 0
  let refused = 0
  let from
  try {
    do {
      const page = await api(pagePath(RETRY_ALL_PAGE, from))
      for (const job of page.jobs ?? []) {
        try {
          await api(retryPath(job.job_id), { method: 'POST' })
          retried++
        } catch {
          refused++
        }
        status.textContent = `retried ${retried}${refused ? `, ${refused} refused` : ''}`
      }
      from = page.next_cursor
    } while (from)
    status.textContent = `retried ${retried}${refused ? `, ${refused} refused (their entities have an active job)` : ''}`
  } catch (err) {
    status.textContent = `stopped after ${retried}: ${err.message}`
  }
  resetFailed()
  await loadFailed()
}

export function bindFailed () {
  $('#failed-next').onclick = () => {
    if (nextCursor === null) return
    cursor = nextCursor
    loadFailed()
  }
  $('#failed-first').onclick = () => {
    resetFailed()
    loadFailed()
  }
  $('#retry-all').onclick = retryAll
}
