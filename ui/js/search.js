// Finds a job by job_id or entity_id (GET /jobs/{id} resolves both) and shows its record and its
// timeline: the events of that job from the start of the retained stream, then live.
import { api } from './api.js'
import { $, clock, fill, h } from './dom.js'
import { openEventStream } from './event-stream.js'
import { previewValue } from './preview.js'
import { base, state } from './state.js'

let timeline = null
let shown = null

export function clearSearch () {
  timeline?.close()
  timeline = null
  shown = null
  fill($('#search-result'))
}

export async function search (id) {
  clearSearch()
  const queue = state.queue
  let job
  try {
    job = await api(`${base()}/jobs/${encodeURIComponent(id)}`)
  } catch (err) {
    fill($('#search-result'), h('p', { class: 'error' }, err.status === 404 ? `No job or entity ${id} in queue ${queue}.` : err.message))
    return
  }
  if (queue !== state.queue) return
  const events = h('ol', { class: 'timeline', id: 'timeline' })
  shown = { job, record: h('div', {}) }
  fill($('#search-result'), shown.record, h('h3', {}, 'Timeline'), events)
  showRecord(job)
  // From the start of the retained stream: 0-0 is before every event. Sent as Last-Event-ID, not
  // ?last_event_id=, which would win over the header on a reconnect and replay what was shown.
  timeline = openEventStream(`${base()}/events?${new URLSearchParams({ job_id: job.job_id })}`, {
    lastEventId: '0-0',
    onEvent: (event) => {
      // Asked from the very start, the stream always says gap; whether this job lost events shows
      // in its first one, which is its enqueue unless it was trimmed.
      if (event.type === 'gap' || typeof event.data !== 'object' || event.data === null) return
      if (events.childElementCount === 0 && event.data.type !== 'job.enqueued') {
        events.append(h('li', { class: 'muted' }, 'Its earlier events are no longer retained.'))
      }
      events.append(timelineItem(event.data))
      // The record is read again when the job's state moved on since it was read: not for the
      // history replayed first, nor for progress reports (a record can hold a megabyte).
      if (shown && event.data.status !== shown.job.status && Date.parse(event.data.at) > lastChange(shown.job)) refresh(job.job_id)
    }
  })
}

/** When the record last changed, as far as its times tell (epoch ms). */
function lastChange (job) {
  return Math.max(...[job.queued_at, job.priority_updated_at, job.started_at, job.finished_at].map((t) => t ? Date.parse(t) : 0))
}

async function refresh (jobId) {
  try {
    const job = await api(`${base()}/jobs/${encodeURIComponent(jobId)}`)
    if (shown?.job.job_id === jobId) showRecord(job)
  } catch (err) {
    // Gone (deleted, trimmed): the timeline stays; the record says why it is stale.
    shown?.record.prepend(h('p', { class: 'error' }, err.message))
  }
}

function showRecord (job) {
  shown.job = job
  const field = (name, value) => [h('dt', {}, name), h('dd', {}, value ?? '—')]
  const retry = job.status === 'failed'
    ? h('button', { type: 'button', onclick: () => api(`${base()}/jobs/${encodeURIComponent(job.job_id)}/retry`, { method: 'POST' }).then(showRecord, (err) => { shown.record.prepend(h('p', { class: 'error' }, err.message)) }) }, 'retry')
    : null
  fill(shown.record, h('dl', { class: 'record', id: 'record' },
    field('job_id', job.job_id),
    field('entity_id', job.entity_id),
    field('task', job.task),
    field('status', h('span', { 'data-status': job.status }, job.status, ' ', retry)),
    field('priority', String(job.priority)),
    field('attempts', String(job.attempts)),
    field('queued', clock(job.queued_at)),
    field('started', clock(job.started_at)),
    field('finished', clock(job.finished_at)),
    job.next_attempt_at ? field('next attempt', clock(job.next_attempt_at)) : null,
    job.last_error ? field('last error', previewValue(job.last_error, `${job.job_id}-error`)) : null,
    field('args', previewValue(job.args, `${job.job_id}-args`)),
    field('kwargs', previewValue(job.kwargs, `${job.job_id}-kwargs`)),
    field('metadata', previewValue(job.metadata, `${job.job_id}-metadata`)),
    field('result', previewValue(job.result, `${job.job_id}-result`))))
}

function timelineItem (event) {
  const extras = []
  if (event.error) extras.push(String(event.error).slice(0, 300))
  if (event.next_attempt_at) extras.push(`next attempt ${clock(event.next_attempt_at)}`)
  if (event.from !== undefined) extras.push(`from priority ${event.from}`)
  if (event.percent !== undefined) extras.push(`${event.percent}%`)
  if (event.message) extras.push(String(event.message).slice(0, 300))
  return h('li', { 'data-type': event.type },
    h('span', { class: 'muted' }, clock(event.at)), ' ',
    h('span', { class: 'type' }, event.type), ' → ', event.status,
    ` (attempt ${event.attempt}, priority ${event.priority})`,
    extras.length ? h('div', { class: 'muted' }, extras.join(' · ')) : null)
}
