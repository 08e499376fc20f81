// Job values (args, kwargs, metadata, results) can be a megabyte of JSON. Laying that out as one
// text node freezes a page for seconds, so the page shows a few kilobytes as text and offers the
// whole value as a download, made only when asked for.
import { h } from './dom.js'

/** How many characters of a value are shown. */
export const PREVIEW_CHARS = 4000

const size = (chars) => chars < 10_240 ? `${chars.toLocaleString('en')} characters` : `${Math.round(chars / 1024).toLocaleString('en')} KB`

/** A <pre> with the value as JSON, cut after PREVIEW_CHARS, and a link to the whole of a cut one. */
export function previewValue (value, name) {
  const compact = typeof value === 'string' ? value : JSON.stringify(value) ?? 'null'
  if (compact.length <= PREVIEW_CHARS) {
    // Small enough to indent for reading.
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
    return h('pre', { class: 'value' }, text)
  }
  const download = h('a', { href: '#', class: 'download' }, `download all ${size(compact.length)}`)
  download.addEventListener('click', () => {
    // Made on the first click, then an ordinary link: the page never holds a second copy it did not need.
    if (download.getAttribute('download') !== null) return
    download.href = URL.createObjectURL(new Blob([compact], { type: 'application/json' }))
    download.download = `${name}.json`
  })
  return h('div', { class: 'value-cut' },
    h('pre', { class: 'value' }, compact.slice(0, PREVIEW_CHARS) + ' …'),
    h('p', { class: 'muted' }, `Shown: the first ${size(PREVIEW_CHARS)} of ${size(compact.length)}; `, download))
}
