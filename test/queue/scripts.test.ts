import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import { sharedRedis, uniqueQueueName } from '../helper.js'
import { luaDir, readScripts } from '../../src/queue/scripts.js'
import { createRedis } from '../../src/queue/redis.js'
import { queueKeys } from '../../src/queue/keys.js'
import { JobQueue } from '../../src/queue/job-queue.js'
import { ScheduleStore } from '../../src/queue/schedule-store.js'
import { HandlerStore } from '../../src/queue/handler-store.js'

const scriptFiles = readdirSync(luaDir).filter((f) => f.endsWith('.lua'))

/** The leading `--[[ ... ]]` block of a script, and the code after it. */
function splitHeader (source: string): { header: string, code: string } {
  const match = /^--\[\[([\s\S]*?)\]\]/.exec(source)
  assert.ok(match, 'the script starts with a --[[ ... ]] header')
  return { header: match[1], code: source.slice(match[0].length) }
}

/**
 * Whether `key` is one of `keys`, or a key built on one of them that is a prefix (ends in ':', as
 * jobq:{q}:ready: for each handler's ready set): a key of the same hash tag, so of the same slot.
 */
function declares (keys: string[], key: string): boolean {
  return keys.includes(key) || keys.some((k) => k.endsWith(':') && key.startsWith(k))
}

const sha1 = (text: string | Buffer) => createHash('sha1').update(text).digest('hex')

/** The bytes of an argument as MONITOR shows it (Redis escapes it as C strings; ioredis unescapes only quotes). */
function unescapeMonitor (shown: string): Buffer {
  const bytes: number[] = []
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, '\\': 92, '"': 34 }
  for (let i = 0; i < shown.length; i++) {
    if (shown[i] === '\\' && shown[i + 1] === 'x') {
      bytes.push(parseInt(shown.slice(i + 2, i + 4), 16))
      i += 3
    } else if (shown[i] === '\\' && simple[shown[i + 1]] !== undefined) {
      bytes.push(simple[shown[i + 1]])
      i += 1
    } else {
      bytes.push(...Buffer.from(shown[i]))
    }
  }
  return Buffer.from(bytes)
}

const indices = (text: string, name: 'KEYS' | 'ARGV') =>
  [...text.matchAll(new RegExp(`${name}\\[(\\d+)`, 'g'))].map((m) => Number(m[1]))

describe('lua/ scripts', () => {
  it('should name every script file name-<numKeys>.lua, so the loader cannot skip one', () => {
    assert.ok(scriptFiles.length >= 13)
    for (const file of scriptFiles) assert.match(file, /^[a-z][A-Za-z]+-\d+\.lua$/, file)
    assert.deepEqual(readScripts().map((s) => s.name).sort(), scriptFiles.map((f) => f.split('-')[0]).sort())
  })

  for (const file of scriptFiles) {
    it(`${file}: its header declares KEYS[1..N] with N the file's suffix, and its code uses no other key`, () => {
      const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)?.[1])
      const { header, code } = splitHeader(readFileSync(join(luaDir, file), 'utf8'))
      const declared = [...new Set(indices(header, 'KEYS'))].sort((a, b) => a - b)
      assert.deepEqual(declared, Array.from({ length: numberOfKeys }, (_, i) => i + 1), 'KEYS in the header')
      for (const used of indices(code, 'KEYS')) assert.ok(used <= numberOfKeys, `code uses KEYS[${used}]`)
      const argv = indices(header, 'ARGV')
      for (const used of indices(code, 'ARGV')) assert.ok(argv.length > 0 && used <= Math.max(...argv), `ARGV[${used}] is not in the header`)
      assert.match(header, /Returns/, 'the header says what it returns')
    })
  }

  it('should declare an ioredis typing for every script', () => {
    const source = readFileSync(join(luaDir, '../src/queue/scripts.ts'), 'utf8')
    for (const script of readScripts()) assert.match(source, new RegExp(`\\b${script.name}\\(\\.\\.\\.args: Arg\\[\\]\\)`), script.name)
  })
})

describe('queue keys', () => {
  it('should build every key of a queue under its hash tag, all distinct', () => {
    for (const [name, prefix] of [['default', undefined], ['a.b-c_1', 'jobq'], ['x', 'other']] as const) {
      const keys = Object.values(queueKeys(name, prefix))
      assert.equal(new Set(keys).size, keys.length)
      for (const key of keys) {
        assert.ok(key.startsWith(`${prefix ?? 'jobq'}:{${name}}:`), key)
        // the first {...} of the key is its hash tag: the queue name, so one cluster slot per queue
        assert.equal(/\{([^}]*)\}/.exec(key)?.[1], name)
      }
    }
  })
})

describe('scripts in Redis', () => {
  const redis = sharedRedis()

  it('should inline every include, and every inlined script should compile', async () => {
    for (const script of readScripts()) {
      assert.ok(!/^--- @include/m.test(script.lua), `${script.name} still has an @include line`)
      assert.match(await redis().client.script('LOAD', script.lua) as string, /^[0-9a-f]{40}$/, script.name)
    }
  })

  it('should pass every script only keys built by queueKeys, and the scripts should touch only the keys passed', async (t) => {
    const queueName = uniqueQueueName()
    const keys = queueKeys(queueName)
    const allowed = new Set(Object.values(keys))
    const client = createRedis(redis().url)
    t.after(() => client.disconnect())
    await client.connect()

    // every command Redis runs, those inside the scripts included
    const monitor = await redis().client.monitor()
    monitor.on('error', () => {})
    t.after(() => monitor.disconnect())
    const seen: Array<{ args: string[], source: string }> = []
    monitor.on('monitor', (_time: string, args: string[], source: string) => { seen.push({ args, source }) })

    await exerciseEveryScript(client, queueName)

    await redis().client.echo('contract-end')
    for (let i = 0; i < 200 && !seen.some((c) => c.args[0] === 'echo' && c.args[1] === 'contract-end'); i++) await sleep(10)
    monitor.disconnect()

    const nameBySha = new Map(readScripts().map((s) => [sha1(s.lua), s.name]))
    const called = new Set<string>()
    let scriptKeys: string[] | null = null
    let inner = 0
    for (const { args, source } of seen) {
      const command = args[0].toLowerCase()
      if (command === 'evalsha' || command === 'eval') {
        const name = nameBySha.get(command === 'eval' ? sha1(unescapeMonitor(args[1])) : args[1])
        assert.ok(name, `only the scripts of lua/ run: ${args.slice(0, 4).join(' ').slice(0, 200)}`)
        called.add(name)
        scriptKeys = args.slice(3, 3 + Number(args[2]))
        for (const key of scriptKeys) assert.ok(allowed.has(key), `${name} was passed ${key}, not a key of queueKeys('${queueName}')`)
        continue
      }
      if (['echo', 'ping', 'info', 'client', 'monitor', 'multi', 'exec'].includes(command)) continue
      const touched = await (redis().client.call('COMMAND', 'GETKEYS', ...args) as Promise<string[]>).catch((err: Error) => {
        if (/no key arguments/i.test(err.message)) return []
        throw err
      })
      if (source === 'lua') {
        inner++
        assert.ok(scriptKeys, 'a script command came first')
        for (const key of touched) assert.ok(declares(scriptKeys, key), `${args.join(' ')} touches ${key}, not among the script's KEYS`)
      } else {
        for (const key of touched) assert.ok(declares([...allowed], key), `${args.join(' ')} touches ${key}`)
      }
    }
    assert.ok(inner > 50, `only ${inner} commands inside scripts were seen`)
    assert.deepEqual([...called].sort(), readScripts().map((s) => s.name).sort(), 'every script was exercised')
  })
})

/** Calls every operation once or more, so that every script runs. */
async function exerciseEveryScript (redis: Redis, queueName: string): Promise<void> {
  const queue = new JobQueue({ redis, queue: queueName })
  await queue.checkFormat()
  const handlers = new HandlerStore(redis, queue.keys)
  await handlers.put('task', { url: 'http://127.0.0.1:9/hook', max_attempts: 2 })
  await handlers.setPaused('task', true)
  await handlers.setPaused('task', false)
  await handlers.rotateSecret('task', 1000)
  await handlers.get('task')
  await handlers.list()
  const job = (entity: string, priority: 1 | 2 | 3) => ({ task: 'task', entity_id: entity, priority, args: '[]', kwargs: '{}', metadata: '{}' })
  await queue.enqueueMany([job('a', 2), job('b', 1), job('c', 3), job('d', 1), job('a', 1)])
  await queue.get('a')
  await queue.updatePriority('c', 1)
  await queue.cancel('d')
  await queue.overview()
  await queue.list('queued', undefined, 1)
  const [first, second, third] = (await queue.claim(3, 'w', 30_000)).jobs
  await queue.list('processing', undefined, 10)
  await queue.extendLeases([{ jobId: first.job_id, lease: first.lease as string }], 30_000)
  await queue.complete(first.job_id, first.lease as string, '{}')
  await queue.enqueueMany([job('f', 1)])
  const [fourth] = (await queue.claim(1, 'w', 30_000)).jobs
  const counter = String(await queue.tokens.verify(fourth.job_id, await queue.tokens.tokenFor(fourth.job_id, fourth.lease as string)))
  await queue.report(fourth.job_id, counter, { op: 'handoff', leaseMs: 60_000 })
  await queue.report(fourth.job_id, counter, { op: 'progress', percent: 50 })
  await queue.report(fourth.job_id, counter, { op: 'complete', result: null })
  await queue.fail(second.job_id, second.lease as string, 'boom', null)
  await queue.retry(second.job_id)
  await queue.release(third.job_id, third.lease as string)
  await queue.setPaused(true)
  await queue.claim(1, 'w', 30_000)
  await queue.setPaused(false)
  await queue.enqueueMany([{ ...job('e', 2), due_at: Date.now() + 60_000 }])
  // An idle worker: the next enqueue hands it a job through its pickup list, which it leaves unpopped.
  await queue.claim(5, 'w2', 30_000, 60_000)
  await queue.enqueueMany([job('g', 2)])
  await queue.wakePickup('w2', 1000)
  await queue.leaveIdle('w2')
  await queue.housekeeping()
  await queue.checkInvariants()
  const schedules = new ScheduleStore(redis, queue.keys, queueName, () => Date.now() - 5000)
  await schedules.put('s', { cron: '* * * * * *', timezone: 'UTC', catch_up: 'last', paused: false, job: job('f', 1) })
  await new ScheduleStore(redis, queue.keys, queueName).fireDue()
  await schedules.trigger('s')
  await schedules.setPaused('s', true)
  await schedules.setPaused('s', false)
  await schedules.delete('s')
  await handlers.delete('task')
}
