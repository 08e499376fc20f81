// Every queue with its counts, and the shown queue's counts by state and by priority, with pause
// and resume. Loaded when events arrive (coalesced by main.js), never on an idle timer.
import { api, queuePath } from './api.js'
import { $, fill, h, num } from './dom.js'
import { overviewPath, state } from './state.js'

const STATES = ['queued', 'processing', 'scheduled', 'failed', 'completed', 'cancelled']
/** The columns of the queue list; the shown queue's card has them all. */
const LISTED = ['queued', 'processing', 'failed']

/** Loads GET /queues into the table and the queue picker; `onPick(name)` shows another queue. */
export async function loadQueues (onPick) {
  let queues
  try {
    ({ queues } = await api('/queues'))
  } catch (err) {
    fill($('#queues'), h('caption', { class: 'error' }, err.message))
    return
  }
  const names = queues.map((q) => q.name)
  if (state.defaultQueue && !names.includes(state.defaultQueue)) names.unshift(state.defaultQueue)
  fillPicker(names)
  const toggle = (q) => h('button', {
    type: 'button',
    onclick: () => setPaused(q.name, !q.paused).then(() => loadQueues(onPick))
  }, q.paused ? 'resume' : 'pause')
  fill($('#queues'),
    h('thead', {}, h('tr', {}, h('th', {}, 'queue'), LISTED.map((s) => h('th', { class: 'num' }, s)), h('th', {}, ''))),
    h('tbody', {}, queues.map((q) => h('tr', { class: q.name === state.queue ? 'selected' : '' },
      h('td', { class: 'long' }, h('a', { href: `#${encodeURIComponent(q.name)}`, onclick: (e) => { e.preventDefault(); onPick(q.name) } }, q.name),
        q.paused ? [' ', h('span', { class: 'badge paused' }, 'paused')] : []),
      LISTED.map((s) => h('td', { class: 'num' }, num(q[s]))),
      h('td', {}, toggle(q))))))
}

function fillPicker (names) {
  const select = $('#queue-select')
  const current = [...select.options].map((o) => o.value).join('\n')
  if (current !== names.join('\n')) fill(select, names.map((name) => h('option', { value: name }, name)))
  select.value = state.queue
}

/** Loads the shown queue's overview: counts by state and by priority, paused. */
export async function loadCounts () {
  const queue = state.queue
  let overview
  try {
    overview = await api(overviewPath())
  } catch (err) {
    $('#queue-error').textContent = err.message
    return
  }
  if (queue !== state.queue) return
  $('#queue-error').textContent = ''
  $('#queue-name').textContent = queue
  $('#queue-paused').hidden = !overview.paused
  const box = (label, value, cls = '') => h('div', { class: `count ${cls}`, 'data-count': label }, h('b', {}, num(value)), h('span', {}, label))
  fill($('#counts'), STATES.map((s) => box(s, overview[s], s)))
  fill($('#priorities'), [1, 2, 3].map((p) => box(`queued at priority ${p}`, overview.by_priority?.[p])))
  const button = $('#queue-toggle')
  button.textContent = overview.paused ? 'resume queue' : 'pause queue'
  button.onclick = () => setPaused(queue, !overview.paused).then(loadCounts)
}

/** POST .../pause or .../resume (admin keys only); a refusal shows beside the button. */
async function setPaused (queue, paused) {
  try {
    await api(`${queuePath(queue, state.defaultQueue)}/${paused ? 'pause' : 'resume'}`, { method: 'POST' })
    $('#queue-error').textContent = ''
  } catch (err) {
    $('#queue-error').textContent = `${paused ? 'pause' : 'resume'} ${queue}: ${err.message}`
  }
}
