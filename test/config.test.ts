import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../src/config/config.js'
import { clientConfigTable, configTable } from '../src/config/reference.js'

describe('loadConfig', () => {
  it('should give the defaults with nothing set', () => {
    const config = loadConfig({})
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379')
    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.port, 3000)
    assert.equal(config.concurrency, 16)
  })

  it('should let flags win over the environment', () => {
    const config = loadConfig({ PORT: '4000', JOBQ_CONCURRENCY: '3' }, ['--port', '5000', '--concurrency=7'])
    assert.equal(config.port, 5000)
    assert.equal(config.concurrency, 7)
  })

  it('should accept rediss:// URLs with a password', () => {
    assert.equal(loadConfig({ REDIS_URL: 'rediss://user:pw@redis.example:6380/2' }).redisUrl, 'rediss://user:pw@redis.example:6380/2')
  })

  for (const [env, argv, named] of [
    [{ PORT: 'abc' }, [], 'PORT'],
    [{ PORT: '70000' }, [], 'PORT'],
    [{ JOBQ_CONCURENCY: '4' }, [], 'JOBQ_CONCURENCY'],
    [{ REDIS_URL: 'http://x' }, [], 'REDIS_URL'],
    [{ LOG_LEVEL: 'loud' }, [], 'LOG_LEVEL'],
    [{}, ['--bogus', '1'], '--bogus'],
    [{}, ['--port'], '--port']
  ] as Array<[Record<string, string>, string[], string]>) {
    it(`should refuse ${JSON.stringify(env)} ${argv.join(' ')} naming ${named}`, () => {
      assert.throws(() => loadConfig(env, argv), (err: Error) => err instanceof ConfigError && err.message.startsWith(named))
    })
  }

  it('should not echo a Redis URL (it may hold a password) in its error', () => {
    assert.throws(() => loadConfig({ REDIS_URL: 'http://user:secret@x' }), (err: Error) => !err.message.includes('secret'))
  })
})

describe('README configuration table', () => {
  it('should equal the one generated from the settings (run `npm run readme`)', () => {
    const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8')
    assert.ok(readme.includes(configTable()))
    assert.ok(readme.includes(clientConfigTable()))
  })
})
