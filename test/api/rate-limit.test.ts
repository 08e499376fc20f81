import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { buildApp } from '../../src/api/app.js'
import { startRedis, testConfig } from '../helper.js'

const KEY = 'client-key-0123456789abcdef'
const OTHER = 'other-key-0123456789abcdef'

describe('JOBQ_RATE_LIMIT', () => {
  it('should answer 429 with Retry-After past the limit, per key, shared by every API process', async (t) => {
    const redis = await startRedis(t)
    const config = testConfig(redis.url, { JOBQ_RATE_LIMIT: '3', JOBQ_API_KEYS: `${KEY},${OTHER}` })
    const [one, two] = [await buildApp(config), await buildApp(config)]
    t.after(() => Promise.all([one.close(), two.close()]))
    await Promise.all([one.ready(), two.ready()])
    // Both clients connect in the background; the limiter skips (by design) while one is not connected.
    for (const app of [one, two]) {
      while (app.jobQueue.redis.status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const get = (app: typeof one, key: string) => app.inject({ method: 'GET', url: '/queue', headers: { authorization: `Bearer ${key}` } })

    assert.equal((await get(one, KEY)).statusCode, 200)
    assert.equal((await get(two, KEY)).statusCode, 200)
    assert.equal((await one.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
    assert.equal((await get(one, KEY)).statusCode, 200)
    const limited = await get(two, KEY)
    assert.equal(limited.statusCode, 429)
    assert.ok(Number(limited.headers['retry-after']) > 0)
    assert.deepEqual(Object.keys(limited.json()).sort(), ['error', 'message', 'statusCode'])
    assert.match(limited.json().message, /^rate limit: at most 3 requests a minute/)
    assert.equal((await get(one, OTHER)).statusCode, 200, 'another key has its own budget')
  })
})
