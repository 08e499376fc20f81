// The shown queue's handlers with their limits and their jobs in each state, paused or not, with
// pause and resume. The handler routes take admin keys only: with a client key this says so.
import { api } from './api.js'
import { $, fill, h, num } from './dom.js'
import { base, state } from './state.js'

const limit = (value) => value === null ? 'none' : num(value)

export async function loadHandlers () {
  const queue = state.queue
  let handlers
  try {
    ({ handlers } = await api(`${base()}/handlers`))
  } catch (err) {
    if (queue !== state.queue) return
    // Asked again only when the key changes: every event would otherwise cost one more refusal.
    if (err.status === 403) state.admin = false
    $('#handlers-error').textContent = err.status === 403 ? 'Handlers are shown to admin keys only.' : err.message
    fill($('#handlers'))
    return
  }
  if (queue !== state.queue) return
  $('#handlers-error').textContent = ''
  if (handlers.length === 0) {
    fill($('#handlers'), h('caption', { class: 'empty' }, 'No handlers in this queue.'))
    return
  }
  const columns = ['name', 'url', 'state', 'max concurrency', 'rate / s', 'burst', 'queued', 'scheduled', 'in flight', '']
  fill($('#handlers'),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))),
    h('tbody', {}, handlers.map((handler) => h('tr', { 'data-handler': handler.name },
      h('td', {}, handler.name),
      h('td', { class: 'long' }, handler.url),
      h('td', {}, handler.paused ? h('span', { class: 'badge paused' }, 'paused') : 'running'),
      h('td', { class: 'num' }, handler.max_concurrency === undefined ? '—' : limit(handler.max_concurrency)),
      h('td', { class: 'num' }, handler.rate_per_second === undefined ? '—' : limit(handler.rate_per_second)),
      h('td', { class: 'num' }, handler.burst === undefined ? '—' : limit(handler.burst)),
      h('td', { class: 'num' }, num(handler.queued)),
      h('td', { class: 'num' }, num(handler.scheduled)),
      h('td', { class: 'num' }, num(handler.in_flight)),
      h('td', {}, h('button', { type: 'button', onclick: () => setPaused(handler.name, !handler.paused) }, handler.paused ? 'resume' : 'pause'))))))
}

async function setPaused (name, paused) {
  try {
    await api(`${base()}/handlers/${encodeURIComponent(name)}/${paused ? 'pause' : 'resume'}`, { method: 'POST' })
  } catch (err) {
    $('#handlers-error').textContent = `${paused ? 'pause' : 'resume'} ${name}: ${err.message}`
    return
  }
  await loadHandlers()
}
