import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CronSchedule, MISSED_AFTER_MS, planTick } from '../../src/queue/cron.js'

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** Every tick from `from` (exclusive) to `to` (inclusive), as a worker firing on time would meet them. */
function ticksBetween (cron: CronSchedule, from: string, to: string): string[] {
  const out: string[] = []
  for (let t = cron.nextAfter(at(from)); t !== null && t <= at(to); t = cron.nextAfter(t)) out.push(iso(t) as string)
  return out
}

describe('CronSchedule: ticks in a timezone, across daylight saving time', () => {
  it('should run a daily 02:30 in Europe/Berlin once on the spring-forward day, just after the gap', () => {
    const cron = new CronSchedule('30 2 * * *', 'Europe/Berlin')
    // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; 02:30 does not exist that day.
    assert.deepEqual(ticksBetween(cron, '2026-03-27T23:00:00Z', '2026-03-30T22:00:00Z'), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST, the first time after the gap
      '2026-03-30T00:30:00.000Z' // 02:30 CEST
    ])
  })

  it('should run a daily 02:30 in Europe/Berlin once on the fall-back day, at the first 02:30', () => {
    const cron = new CronSchedule('30 2 * * *', 'Europe/Berlin')
    // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET; 02:30 comes twice.
    assert.deepEqual(ticksBetween(cron, '2026-10-23T22:00:00Z', '2026-10-26T23:00:00Z'), [
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST), not the second (01:30Z)
      '2026-10-26T01:30:00.000Z' // 02:30 CET
    ])
  })

  it('should run an interval schedule through the repeated hour and skip the missing one', () => {
    const cron = new CronSchedule('0 * * * *', 'Europe/Berlin')
    // Fall back: local 02:00 comes twice, and both run (an hourly job runs every real hour).
    assert.deepEqual(ticksBetween(cron, '2026-10-24T23:30:00Z', '2026-10-25T02:00:00Z'),
      ['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z'])
    // Spring forward: there is no local 02:00, and no real hour is run twice.
    assert.deepEqual(ticksBetween(cron, '2026-03-28T23:30:00Z', '2026-03-29T02:00:00Z'),
      ['2026-03-29T00:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'])
  })

  it('should read other zones and UTC by default', () => {
    assert.deepEqual(ticksBetween(new CronSchedule('30 2 * * *', 'America/New_York'), '2026-03-07T00:00:00Z', '2026-03-09T12:00:00Z'),
      ['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z'])
    assert.deepEqual(ticksBetween(new CronSchedule('0 9 * * MON-FRI'), '2026-12-04T00:00:00Z', '2026-12-08T00:00:00Z'),
      ['2026-12-04T09:00:00.000Z', '2026-12-07T09:00:00.000Z'])
    assert.deepEqual(ticksBetween(new CronSchedule('0 0 12 * * *', 'Asia/Kolkata'), '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z'),
      ['2026-12-01T06:30:00.000Z'])
  })

  it('should take 6 fields with seconds first', () => {
    assert.deepEqual(ticksBetween(new CronSchedule('*/20 * * * * *'), '2026-12-01T00:00:00Z', '2026-12-01T00:01:00Z'),
      ['2026-12-01T00:00:20.000Z', '2026-12-01T00:00:40.000Z', '2026-12-01T00:01:00.000Z'])
  })

  it('should refuse bad expressions and timezones, naming the field', () => {
    for (const [cron, zone, message] of [
      ['61 * * * *', 'UTC', /^schedule\.cron: /],
      ['* * * *', 'UTC', /^schedule\.cron: expected 5 fields/],
      ['* * * * * * *', 'UTC', /^schedule\.cron: expected 5 fields/],
      ['2030-01-01T00:00:00', 'UTC', /^schedule\.cron: /],
      ['* * * * *', 'Europe/Atlantis', /^schedule\.timezone: /],
      ['* * * * *', '+01:00', /^schedule\.timezone: /],
      ['* * * * *', '', /^schedule\.timezone: /]
    ] as const) {
      assert.throws(() => new CronSchedule(cron, zone, 'schedule'), (err: Error & { statusCode?: number }) => {
        assert.match(err.message, message)
        assert.equal(err.statusCode, 400)
        return true
      }, `${cron} ${zone}`)
    }
    assert.equal(new CronSchedule('0 0 30 2 *').nextAfter(Date.now()), null, 'February 30 never comes')
  })
})

describe('planTick: what a worker fires for a tick that has come', () => {
  const everySecond = new CronSchedule('* * * * * *')
  const t0 = at('2026-12-01T00:00:00Z')

  it('should fire the tick itself when on time', () => {
    assert.deepEqual(planTick(everySecond, t0, t0 + 3, 'last'), { tick: t0, next: t0 + 1000, missed: false })
    assert.deepEqual(planTick(everySecond, t0, t0 + 3, 'none'), { tick: t0, next: t0 + 1000, missed: false })
  })

  it('should fire one job, for the latest missed tick, with catch_up last, and none with catch_up none', () => {
    assert.deepEqual(planTick(everySecond, t0, t0 + 5300, 'last'), { tick: t0 + 5000, next: t0 + 6000, missed: true })
    assert.deepEqual(planTick(everySecond, t0, t0 + 5300, 'none'), { tick: null, next: t0 + 6000, missed: true })
    const daily = new CronSchedule('30 2 * * *', 'Europe/Berlin')
    const due = at('2026-03-29T01:00:00Z')
    // Three days down: one job for the last of the three ticks.
    assert.deepEqual(planTick(daily, due, at('2026-03-31T12:00:00Z'), 'last'),
      { tick: at('2026-03-31T00:30:00Z'), next: at('2026-04-01T00:30:00Z'), missed: true })
    // One tick, but found over a second late: no worker was up at its time.
    assert.deepEqual(planTick(daily, due, due + MISSED_AFTER_MS + 1, 'none'), { tick: null, next: at('2026-03-30T00:30:00Z'), missed: true })
    assert.deepEqual(planTick(daily, due, due + MISSED_AFTER_MS + 1, 'last'), { tick: due, next: at('2026-03-30T00:30:00Z'), missed: true })
  })
})
