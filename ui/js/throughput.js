// Enqueued, completed and failed jobs per second over the last 15 minutes, counted from the event
// stream in the browser (the stream is opened 15 minutes back, so the chart starts full), drawn
// with uPlot (loaded by index.html from /ui/vendor/, served from its npm package).

const WINDOW_S = 15 * 60
const SERIES = { 'job.enqueued': 0, 'job.completed': 1, 'job.failed': 2 }

export class Throughput {
  constructor (container) {
    this.container = container
    // counts[series][second % WINDOW_S], with the second each slot holds, so stale slots read as 0.
    this.counts = [0, 1, 2].map(() => new Float64Array(WINDOW_S))
    this.slotSecond = new Float64Array(WINDOW_S)
    this.plot = null
    this.dirty = true
    // The chart's colours are read when it is made: made anew when the page turns dark or light.
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.plot?.destroy()
      this.plot = null
    })
  }

  /** Counts one event of the stream (any type; only three are charted). */
  add (event) {
    const series = SERIES[event.type]
    if (series === undefined) return
    const second = Math.floor(new Date(event.at).getTime() / 1000)
    const now = Math.floor(Date.now() / 1000)
    if (!(second > now - WINDOW_S) || second > now + 60) return
    const slot = second % WINDOW_S
    if (this.slotSecond[slot] !== second) {
      this.slotSecond[slot] = second
      for (const counts of this.counts) counts[slot] = 0
    }
    this.counts[series][slot]++
    this.dirty = true
  }

  reset () {
    this.slotSecond.fill(0)
    this.dirty = true
  }

  /** The chart's columns: seconds, then each series, oldest first. */
  data () {
    const now = Math.floor(Date.now() / 1000)
    const xs = new Float64Array(WINDOW_S)
    const ys = this.counts.map(() => new Float64Array(WINDOW_S))
    for (let i = 0; i < WINDOW_S; i++) {
      const second = now - WINDOW_S + 1 + i
      const slot = second % WINDOW_S
      xs[i] = second
      if (this.slotSecond[slot] !== second) continue
      for (let s = 0; s < ys.length; s++) ys[s][i] = this.counts[s][slot]
    }
    return [xs, ...ys]
  }

  /** Redraws (called once a second, so the window moves even when nothing happens). */
  draw () {
    const { uPlot: Plot } = globalThis
    if (!Plot) return
    const width = Math.max(240, this.container.clientWidth)
    if (!this.plot) {
      const style = getComputedStyle(document.documentElement)
      const color = (name) => style.getPropertyValue(name).trim()
      const axis = { stroke: color('--muted'), grid: { stroke: color('--grid') }, ticks: { stroke: color('--grid') } }
      this.plot = new Plot({
        width,
        height: 200,
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [axis, { ...axis, label: 'jobs / s', size: 50 }],
        series: [
          {},
          { label: 'enqueued', stroke: color('--enqueued'), width: 1.5 },
          { label: 'completed', stroke: color('--completed'), width: 1.5 },
          { label: 'failed', stroke: color('--failed'), width: 1.5 }
        ]
      }, this.data(), this.container)
      this.dirty = false
      return
    }
    if (this.plot.width !== width) this.plot.setSize({ width, height: 200 })
    this.plot.setData(this.data())
    this.dirty = false
  }
}

/** The stream id of the first event to chart: one from 15 minutes ago (stream ids start with epoch ms). */
export function windowStartId () {
  return `${Date.now() - WINDOW_S * 1000}-0`
}
