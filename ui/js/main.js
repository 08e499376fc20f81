// The dashboard: one event stream for the shown queue drives every panel. Each event is counted in
// the throughput chart at once; the panels that show state read it again from the API, coalesced
// to a few reads a second however many events arrive, and not at all while nothing happens.
import { api, currentKey, forgetKey, setKey, whenUnauthorized } from './api.js'
import { $ } from './dom.js'
import { openEventStream } from './event-stream.js'
import { bindFailed, loadFailed, resetFailed } from './failed.js'
import { loadHandlers } from './handlers.js'
import { loadSchedules } from './schedules.js'
import { forgetProgress, loadProcessing, noteProgress } from './processing.js'
import { loadCounts, loadQueues } from './queues.js'
import { clearSearch, search } from './search.js'
import { base, coalesce, state } from './state.js'
import { Throughput, windowStartId } from './throughput.js'

const throughput = new Throughput($('#chart'))
let stream = null
/** Events arrived while the tab was hidden: the panels read again when it is shown. */
let staleWhileHidden = false

const refresh = {
  counts: coalesce(loadCounts, 250),
  processing: coalesce(loadProcessing, 400),
  queues: coalesce(() => loadQueues(showQueue), 1000),
  handlers: coalesce(loadHandlers, 1000),
  schedules: coalesce(loadSchedules, 1000),
  failed: coalesce(loadFailed, 1000)
}

/** Event types after which the failed list may read differently. */
const FAILED_CHANGES = new Set(['job.failed', 'job.retried', 'job.cancelled'])

function onEvent (event) {
  if (event.type === 'gap') return
  const data = event.data
  if (typeof data !== 'object' || data === null) return
  throughput.add(data)
  noteProgress(data)
  if (data.type === 'job.progress') return
  // A tab in the background reads nothing; it catches up when it is shown again.
  if (document.hidden) {
    staleWhileHidden = true
    return
  }
  refreshAfter(data.type)
}

function refreshAfter (type) {
  refresh.counts()
  refresh.processing()
  refresh.queues()
  if (state.admin) refresh.handlers()
  // A tick enqueues a job: its schedule has moved on to its next run.
  if (type === undefined || type === 'job.enqueued') refresh.schedules()
  if (type === undefined || FAILED_CHANGES.has(type)) refresh.failed()
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden || !staleWhileHidden) return
  staleWhileHidden = false
  refreshAfter()
})

function onStreamState (value, message) {
  const badge = $('#stream-state')
  badge.textContent = value === 'live' ? 'live' : value === 'connecting' ? 'connecting' : 'reconnecting'
  badge.className = `badge ${value}`
  badge.title = message ?? 'the event stream'
}

/** Shows one queue: every panel loaded once, then kept current by its event stream. */
function showQueue (queue) {
  stream?.close()
  state.queue = queue
  history.replaceState(null, '', `#${encodeURIComponent(queue)}`)
  throughput.reset()
  forgetProgress()
  clearSearch()
  resetFailed()
  loadQueues(showQueue)
  loadCounts()
  loadProcessing()
  loadHandlers()
  loadSchedules()
  loadFailed()
  // Opened 15 minutes back, so the chart starts with the last 15 minutes rather than empty.
  stream = openEventStream(`${base()}/events`, { onEvent, onState: onStreamState, lastEventId: windowStartId() })
}

async function start () {
  // Asked before the first call, so that a page load makes no refused request.
  if (currentKey() === null) {
    askForKey()
    return
  }
  $('#forget-key').hidden = false
  let first
  try {
    first = await firstQueue()
  } catch (err) {
    // A refused key has brought the key form back already.
    if (err.status !== 401) $('#page-error').textContent = `The dashboard cannot start: ${err.message}`
    return
  }
  $('#page-error').textContent = ''
  $('#key-form').hidden = true
  $('#dashboard').hidden = false
  state.admin = true
  const wanted = decodeURIComponent(location.hash.slice(1))
  showQueue(wanted || first)
}

/**
 * The queue to show first: the API's default queue, whose name GET /queue tells; for a key limited
 * to other queues (JOBQ_KEYS_FILE), which GET /queue refuses, the first queue the key may use.
 */
async function firstQueue () {
  try {
    state.defaultQueue = (await api('/queue')).queue
    return state.defaultQueue
  } catch (err) {
    if (err.status !== 403) throw err
  }
  state.defaultQueue = ''
  const { queues } = await api('/queues')
  if (queues.length === 0) throw new Error('this key may use no queue')
  return queues[0].name
}

function askForKey (reason) {
  stream?.close()
  stream = null
  $('#dashboard').hidden = true
  if (reason) $('#key-reason').textContent = currentKey() ? `The key was refused: ${reason}` : `This API needs a key: ${reason}`
  $('#key-form').hidden = false
  $('#key-input').focus()
}

whenUnauthorized(askForKey)
$('#key-form').addEventListener('submit', (e) => {
  e.preventDefault()
  setKey($('#key-input').value.trim())
  $('#key-input').value = ''
  start()
})
// An API run without keys (on loopback) takes calls without one; the empty key says so for this tab.
$('#no-key').addEventListener('click', () => {
  setKey('')
  start()
})
$('#forget-key').addEventListener('click', () => {
  forgetKey()
  location.reload()
})
$('#queue-select').addEventListener('change', (e) => showQueue(e.target.value))
$('#search-form').addEventListener('submit', (e) => {
  e.preventDefault()
  search($('#search-input').value.trim())
})
bindFailed()
// The chart's window moves every second; drawing is local, no request is made.
setInterval(() => { if (!document.hidden) throughput.draw() }, 1000)
start()
