// The shown queue's recurring schedules with their next and last run, and pause, resume and
// "run now". Reading takes any key; changing one takes an admin key, which the error line says.
import { api } from './api.js'
import { $, ago, clock, fill, h } from './dom.js'
import { base, state } from './state.js'

export async function loadSchedules () {
  const queue = state.queue
  let schedules
  try {
    ({ schedules } = await api(`${base()}/schedules`))
  } catch (err) {
    if (queue !== state.queue) return
    $('#schedules-error').textContent = err.message
    fill($('#schedules'))
    return
  }
  if (queue !== state.queue) return
  $('#schedules-error').textContent = ''
  if (schedules.length === 0) {
    fill($('#schedules'), h('caption', { class: 'empty' }, 'No schedules in this queue.'))
    return
  }
  const columns = ['name', 'cron', 'job', 'state', 'next run', 'last run', '']
  fill($('#schedules'),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))),
    h('tbody', {}, schedules.map((schedule) => h('tr', { 'data-schedule': schedule.name },
      h('td', {}, schedule.name),
      h('td', {}, h('code', {}, schedule.cron), schedule.timezone === 'UTC' ? '' : ` (${schedule.timezone})`),
      h('td', { class: 'long' }, `${schedule.job.task} · ${schedule.job.entity_id}`),
      h('td', {}, schedule.paused ? h('span', { class: 'badge paused' }, 'paused') : 'active'),
      h('td', { class: 'next-run', title: schedule.next_run_at ?? '' }, clock(schedule.next_run_at)),
      h('td', { title: schedule.last_run_at ?? '' }, schedule.last_run_at === null ? '—' : ago(schedule.last_run_at)),
      h('td', {},
        h('button', { type: 'button', onclick: () => act(schedule.name, schedule.paused ? 'resume' : 'pause') }, schedule.paused ? 'resume' : 'pause'),
        ' ',
        h('button', { type: 'button', onclick: () => act(schedule.name, 'trigger') }, 'run now'))))))
}

async function act (name, action) {
  try {
    await api(`${base()}/schedules/${encodeURIComponent(name)}/${action}`, { method: 'POST' })
  } catch (err) {
    $('#schedules-error').textContent = `${action} ${name}: ${err.message}`
    return
  }
  await loadSchedules()
}
