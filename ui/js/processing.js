// The jobs whose callbacks are in flight, with the progress their handlers last reported
// (job.progress events: percent and message).
import { api } from './api.js'
import { $, ago, fill, h } from './dom.js'
import { overviewPath, state } from './state.js'

const PAGE = 50

/** Last progress by job_id, from the stream; forgotten when the job ends. */
const progress = new Map()

/** Takes what the processing table needs from one event of the stream. */
export function noteProgress (event) {
  if (event.type === 'job.progress') {
    progress.set(event.job_id, { percent: event.percent, message: event.message })
    const row = document.querySelector(`tr[data-job="${CSS.escape(event.job_id)}"]`)
    if (row) fill(row.lastChild, progressCell(event.job_id))
  } else if (event.status !== 'processing') {
    progress.delete(event.job_id)
  }
}

export function forgetProgress () { progress.clear() }

function progressCell (jobId) {
  const p = progress.get(jobId)
  if (!p) return h('span', { class: 'muted' }, '—')
  const percent = Number(p.percent)
  return [
    Number.isFinite(percent) ? h('progress', { max: 100, value: Math.min(100, Math.max(0, percent)) }) : null,
    Number.isFinite(percent) ? ` ${Math.round(percent)}%` : '',
    p.message ? h('span', { class: 'muted' }, ` ${String(p.message).slice(0, 200)}`) : null
  ]
}

export async function loadProcessing () {
  const queue = state.queue
  let page
  try {
    page = await api(`${overviewPath()}?list=processing&limit=${PAGE}`)
  } catch (err) {
    fill($('#processing'), h('caption', { class: 'error' }, err.message))
    return
  }
  if (queue !== state.queue) return
  const jobs = page.jobs ?? []
  $('#processing-count').textContent = page.processing > jobs.length ? `${jobs.length} of ${page.processing}` : String(jobs.length)
  if (jobs.length === 0) {
    fill($('#processing'), h('caption', { class: 'empty' }, 'Nothing in flight.'))
    return
  }
  fill($('#processing'),
    h('thead', {}, h('tr', {}, ['job', 'entity', 'task', 'attempt', 'started', 'progress'].map((c) => h('th', {}, c)))),
    h('tbody', {}, jobs.map((job) => h('tr', { 'data-job': job.job_id },
      h('td', {}, job.job_id), h('td', { class: 'long' }, job.entity_id), h('td', {}, job.task),
      h('td', { class: 'num' }, String(job.attempts)), h('td', {}, ago(job.started_at)),
      h('td', {}, progressCell(job.job_id))))))
}
