/** The part of autocannon's programmatic API the harness uses (the package ships no types). */
declare module 'autocannon' {
  interface Histogram { average: number, mean: number, stddev: number, min: number, max: number, total: number, p50: number, p90: number, p99: number }
  interface Result {
    duration: number
    requests: Histogram
    latency: Histogram
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
  }
  interface Request { method?: string, path?: string, headers?: Record<string, string>, body?: string }
  interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    pipelining?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    requests?: Request[]
    idReplacement?: boolean
    timeout?: number
  }
  function autocannon (options: Options): Promise<Result>
  export default autocannon
}
