import autocannon from 'autocannon'
import { Pool } from 'undici'
import { percentile } from './stats.js'

export interface HttpLoad {
  rps: number
  /** autocannon counts latency in whole milliseconds. */
  p50: number
  p99: number
  ok: number
  bad: number
  /** CPU seconds of a load generator that runs in a process of its own (wrk), over the run. */
  cpuS?: number
}

/** POSTs bodies at `connections` for `durationS` seconds with autocannon (in this process). */
export async function cannon (url: string, bodies: string[], connections: number, durationS: number): Promise<HttpLoad> {
  const result = await autocannon({
    url,
    connections,
    duration: durationS,
    timeout: 30,
    headers: { 'content-type': 'application/json' },
    // Each connection cycles through the bodies; `[<id>]` becomes a unique id per request.
    requests: bodies.map((body) => ({ method: 'POST', body })),
    idReplacement: true
  })
  const ok = result['2xx']
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    bad: result.non2xx + result.errors + result.timeouts
  }
}

/** Runs `fn` n times one after another; the milliseconds each took. */
export async function sequential (n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn(i)
    samples.push(performance.now() - t0)
  }
  return samples
}

export interface LoopResult {
  rps: number
  p50: number
  p99: number
  count: number
  errors: number
}

/**
 * The dispatch ceiling: `concurrency` loops POSTing `body` to `url` through one keep-alive undici
 * pool, as a worker's callbacks would, for `durationMs` and at most `maxRequests` requests.
 */
export async function undiciLoop (url: string, body: string, concurrency: number, durationMs: number, maxRequests: number): Promise<LoopResult> {
  const target = new URL(url)
  const pool = new Pool(target.origin, { connections: concurrency, keepAliveTimeout: 10_000 })
  const samples: number[] = []
  let errors = 0
  let sent = 0
  const t0 = performance.now()
  const deadline = t0 + durationMs
  const loop = async () => {
    while (performance.now() < deadline && sent < maxRequests) {
      sent++
      const start = performance.now()
      try {
        const res = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body })
        await res.body.text()
        if (res.statusCode !== 200) errors++
      } catch {
        errors++
      }
      samples.push(performance.now() - start)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  const elapsed = (performance.now() - t0) / 1000
  await pool.close()
  return { rps: (samples.length - errors) / elapsed, p50: percentile(samples, 50), p99: percentile(samples, 99), count: samples.length, errors }
}
