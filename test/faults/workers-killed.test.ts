import { test } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedis } from '../helper.js'
import { answerOk, assertQueueSound, percentile, report, round, spawnJobq, startApi, startHook, type JobqProcess, unexpectedOutput } from './fault-helper.js'

const JOBS = 2000
const WORKERS = 3
const CONCURRENCY = 8
const LEASE_MS = 2000
const KILL_EVERY_MS = 500
/** Bounds the kill loop: at most this many kills, and none after this long. */
const MAX_KILLS = 120
const MAX_KILL_PHASE_MS = 60_000

test('workers killed: every job completes while a worker is SIGKILLed and restarted every 0.5 s', { timeout: 150_000 }, async (t) => {
  const begun = performance.now()
  const redis = await startRedis(t)
  const queue = 'faults-workers-killed'
  const hook = await startHook(t, answerOk(10))
  const api = await startApi(t, { REDIS_URL: redis.url, JOBQ_QUEUE: queue, JOBQ_LEASE_MS: String(LEASE_MS) })
  // Each lapsed lease counts an attempt; a job may sit in several killed workers before it runs.
  await api.client.putHandler('kill.task', { url: hook.url, max_attempts: 50, timeout_ms: 5000, backoff_ms: 50 })

  const workerEnv = {
    REDIS_URL: redis.url,
    JOBQ_QUEUE: queue,
    JOBQ_CONCURRENCY: String(CONCURRENCY),
    JOBQ_LEASE_MS: String(LEASE_MS),
    // info, to see "worker started": a worker that has not started yet has nothing to lose.
    LOG_LEVEL: 'info'
  }
  const all: JobqProcess[] = []
  const spawnWorker = (slot: number) => {
    const proc = spawnJobq(t, 'worker', workerEnv, `worker ${slot + 1}.${all.length}`)
    all.push(proc)
    return proc
  }
  const started = (w: JobqProcess) => w.output().includes('"worker started"')
  const workers = Array.from({ length: WORKERS }, (_, slot) => spawnWorker(slot))

  // The load arrives while the workers run (and are being killed): 4 batches of 500, all at one
  // priority, so a job put back after a kill is next in line and its re-dispatch time is the lease's.
  const ids: string[] = []
  const enqueueing = (async () => {
    for (let b = 0; b < 4; b++) {
      ids.push(...await api.client.enqueueBatch('kill.task', `k${b}-`, JOBS / 4, { priority: 1 }))
      await sleep(250)
    }
  })()
  // Awaited below; if the test fails first, its rejection must not surface as an unhandled one.
  enqueueing.catch(() => {})

  // Every 0.5 s one of the three, picked at random among those that have started (and so may hold
  // jobs), is SIGKILLed and a new one started in its place. A tick when none has started yet (a
  // restart takes a while on a busy machine) kills nothing: there is nothing a kill could lose.
  let kills = 0
  let idleTicks = 0
  let lastKillAt = 0
  const killPhaseStart = performance.now()
  let completed = 0
  for (let tick = 1; ; tick++) {
    await sleep(Math.max(0, killPhaseStart + tick * KILL_EVERY_MS - performance.now()))
    const q = await api.client.expect(200, 'GET', '/queue')
    completed = q.completed
    if (ids.length === JOBS && completed >= JOBS) break
    if (kills >= MAX_KILLS || performance.now() - killPhaseStart > MAX_KILL_PHASE_MS) break
    const running = workers.map((_, slot) => slot).filter((slot) => started(workers[slot]))
    if (running.length === 0) {
      idleTicks++
      continue
    }
    const slot = running[Math.floor(Math.random() * running.length)]
    const victim = workers[slot]
    const exit = await victim.kill('SIGKILL')
    assert.equal(exit.signal, 'SIGKILL', `${victim.name} exited by itself (${JSON.stringify(exit)}):\n${victim.output()}`)
    kills++
    lastKillAt = performance.now()
    workers[slot] = spawnWorker(slot)
  }
  const completedDuringKills = completed
  await enqueueing
  assert.equal(ids.length, JOBS, 'every enqueued job was created')

  const final = await api.client.drained(60_000, (q) => q.completed + q.failed >= JOBS)
  const drainedAt = performance.now()
  const views = await api.client.jobs(ids)
  const byStatus = new Map<string, number>()
  for (const view of views.values()) byStatus.set(view.status, (byStatus.get(view.status) ?? 0) + 1)
  const notCompleted = ids.filter((id) => views.get(id)?.status !== 'completed')
  const neverDelivered = ids.filter((id) => !hook.byJob.has(id))

  // How long a killed worker's job waited to be dispatched again: the gaps between two deliveries
  // of one job (the lease plus a wake-up, more when the next worker to take it is killed too).
  const gaps: number[] = []
  for (const list of hook.byJob.values()) {
    for (let i = 1; i < list.length; i++) gaps.push(list[i].at - list[i - 1].at)
  }
  const redispatchMs = gaps.length > 0 ? Math.max(...gaps) : 0
  const duplicates = hook.duplicateDispatches()
  const bound = CONCURRENCY * kills
  const figures = {
    scenario: 'workers-killed',
    acknowledged: ids.length,
    completed: byStatus.get('completed') ?? 0,
    failed: byStatus.get('failed') ?? 0,
    lost: notCompleted.length,
    duplicate_dispatches: duplicates,
    recovery_ms: round(redispatchMs),
    redispatch_p50_ms: gaps.length > 0 ? round(percentile(gaps, 0.5) ?? 0) : null,
    duration_ms: round(performance.now() - begun),
    kills,
    ticks_without_a_started_worker: idleTicks,
    duplicate_bound: bound,
    worker_processes_started: all.length,
    deliveries: hook.deliveries.length,
    completed_during_kills: completedDuringKills,
    drain_after_last_kill_ms: lastKillAt ? round(drainedAt - lastKillAt) : null,
    // Callbacks a worker gave up or whose outcome it could not record because its lease had lapsed.
    lease_lost_warnings: all.reduce((n, w) => n + w.output().split('\n').filter((l) => l.includes('lease lost') || l.includes('outcome not recorded')).length, 0),
    max_attempts_seen: Math.max(...[...views.values()].map((v) => v.attempts))
  }
  report(t, figures)

  assert.ok(kills >= 5, `only ${kills} kills happened while the jobs ran: the scenario did not exercise anything`)
  assert.deepEqual(notCompleted.slice(0, 20).map((id) => [id, views.get(id)?.status, views.get(id)?.last_error]), [],
    `${notCompleted.length} jobs did not complete`)
  assert.equal(final.completed, JOBS)
  assert.equal(final.failed, 0)
  assert.deepEqual(neverDelivered, [], 'every completed job reached the handler')
  assert.ok(duplicates <= bound, `${duplicates} duplicate dispatches, more than ${CONCURRENCY} per kill × ${kills} kills can explain`)

  // No process died but those the test killed.
  assert.ok(api.proc.running(), `the API exited:\n${api.proc.output()}`)
  assert.deepEqual([api.proc, ...all].flatMap(unexpectedOutput).slice(0, 10), [], 'no process logged an error or crashed')
  for (const w of workers) assert.ok(w.running(), `${w.name} exited by itself:\n${w.output()}`)
  for (const w of all.filter((p) => !workers.includes(p))) {
    assert.equal((await w.exited).signal, 'SIGKILL', `${w.name} exited by itself:\n${w.output()}`)
  }
  await assertQueueSound(redis.url, queue, api.client)
})
