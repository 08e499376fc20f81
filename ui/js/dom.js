// Builds elements from text only: every value shown comes from the API (job args, errors, handler
// URLs) and must never be parsed as HTML, so there is no innerHTML anywhere in the dashboard.

/** An element with properties (`class`, `on<event>`, attributes) and children (nodes or text). */
export function h (tag, props = {}, ...children) {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value)
    else if (name === 'class') el.className = value
    else if (name in el && typeof value !== 'string') el[name] = value
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  el.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false).map((c) => c instanceof Node ? c : String(c)))
  return el
}

/** Replaces an element's children. */
export function fill (el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false))
}

export const $ = (selector) => document.querySelector(selector)

/** A number for a table cell; a dash for a value the API does not report (an older server). */
export const num = (value) => value === undefined || value === null ? '—' : Number(value).toLocaleString('en')

/** "3 s ago", "2 min ago": the age of an ISO time or epoch ms. */
export function ago (time) {
  if (time === null || time === undefined) return '—'
  const s = Math.max(0, Math.round((Date.now() - new Date(time).getTime()) / 1000))
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86400)} d ago`
}

/** An ISO time as the viewer's local time of day (with the date when it is not today). */
export function clock (time) {
  if (time === null || time === undefined) return '—'
  const d = new Date(time)
  const sameDay = d.toDateString() === new Date().toDateString()
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString()
}
