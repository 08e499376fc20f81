import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import fc from 'fast-check'
import { shareSlots } from '../../src/worker/fair-share.js'

/**
 * The answer shareSlots must give, one slot at a time: each slot goes to a queue with the fewest
 * jobs in flight counting the slots handed out so far; among those, to the first from `turn` on,
 * going round. Slow (O(free * n)) and obviously right, to check the fast one against.
 */
function oneSlotAtATime (free: number, loads: readonly number[], turn: number): number[] {
  const n = loads.length
  const shares = new Array<number>(n).fill(0)
  if (n === 0) return shares
  for (let slot = 0; slot < free; slot++) {
    let best = -1
    for (let k = 0; k < n; k++) {
      const i = (turn + k) % n
      if (best === -1 || loads[i] + shares[i] < loads[best] + shares[best]) best = i
    }
    shares[best]++
  }
  return shares
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

describe('shareSlots: worker slots shared among queues by max-min fairness', () => {
  it('should hand out exactly the free slots, never a negative share', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 500 }),
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }),
      fc.nat(100),
      (free, loads, turn) => {
        const shares = shareSlots(free, loads, turn)
        assert.equal(shares.length, loads.length)
        assert.ok(shares.every((s) => Number.isInteger(s) && s >= 0), JSON.stringify(shares))
        assert.equal(sum(shares), free)
      }), { numRuns: 2000 })
  })

  it('should give each slot to the least loaded queue (the same answer as handing them out one by one)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 300 }),
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 12 }),
      fc.nat(50),
      (free, loads, turn) => {
        assert.deepEqual(shareSlots(free, loads, turn), oneSlotAtATime(free, loads, turn))
      }), { numRuns: 3000 })
  })

  it('should leave no slot that would serve a less loaded queue better (max-min)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 300 }),
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 12 }),
      fc.nat(50),
      (free, loads, turn) => {
        const shares = shareSlots(free, loads, turn)
        const after = loads.map((load, i) => load + shares[i])
        const lowest = Math.min(...after)
        for (const [i, share] of shares.entries()) {
          // A queue that got a slot ends at most one above the least loaded queue: moving any of
          // its slots elsewhere would not raise the minimum.
          if (share > 0) assert.ok(after[i] <= lowest + 1, `queue ${i} ends at ${after[i]}, another at ${lowest}: ${JSON.stringify({ loads, shares })}`)
        }
      }), { numRuns: 2000 })
  })

  it('should fill the lowest loads first', () => {
    // A backlogged queue with 7 jobs in flight and an idle one: the one free slot goes to the idle one.
    assert.deepEqual(shareSlots(1, [7, 0]), [0, 1])
    assert.deepEqual(shareSlots(1, [0, 7]), [1, 0])
    // Up to the level of the next queue, then evenly.
    assert.deepEqual(shareSlots(3, [5, 2, 0]), [0, 1, 2])
    assert.deepEqual(shareSlots(8, [5, 0], 0), [2, 6])
    assert.deepEqual(shareSlots(8, [5, 0], 1), [1, 7])
    assert.deepEqual(shareSlots(4, [100_000, 0, 3]), [0, 4, 0])
    assert.deepEqual(shareSlots(4, [100_000, 0, 3], 2), [0, 3, 1])
    // A queue far above the others gets nothing until they catch up.
    assert.deepEqual(shareSlots(6, [0, 0, 50]), [3, 3, 0])
    assert.deepEqual(shareSlots(16, [0, 0]), [8, 8])
    // Enough slots for every queue to pass the highest.
    assert.deepEqual(shareSlots(12, [1, 5, 3]), [6, 2, 4])
  })

  it('should take turns among tied queues, by `turn`', () => {
    for (let turn = 0; turn < 7; turn++) {
      const expected = [0, 0, 0]
      expected[turn % 3] = 1
      assert.deepEqual(shareSlots(1, [2, 2, 2], turn), expected, `turn ${turn}`)
    }
    assert.deepEqual(shareSlots(2, [0, 0, 0], 2), [1, 0, 1])
    assert.deepEqual(shareSlots(2, [0, 0, 0], 1), [0, 1, 1])
    // Only the tied queues at the lowest level take turns, whatever the turn points to.
    assert.deepEqual(shareSlots(1, [4, 1, 1, 4], 0), [0, 1, 0, 0])
    assert.deepEqual(shareSlots(1, [4, 1, 1, 4], 2), [0, 0, 1, 0])
    assert.deepEqual(shareSlots(1, [4, 1, 1, 4], 3), [0, 1, 0, 0])
    // Over as many turns as queues, an odd slot goes to each equally.
    const total = [0, 0, 0, 0, 0]
    for (let turn = 0; turn < 50; turn++) {
      const shares = shareSlots(3, [1, 1, 1, 1, 1], turn)
      for (const [i, s] of shares.entries()) total[i] += s
    }
    assert.deepEqual(total, [30, 30, 30, 30, 30])
  })

  it('should give nothing to no queues, and nothing when no slot is free', () => {
    assert.deepEqual(shareSlots(0, []), [])
    assert.deepEqual(shareSlots(8, []), [])
    assert.deepEqual(shareSlots(0, [0, 3, 1]), [0, 0, 0])
    assert.deepEqual(shareSlots(-2, [0, 3, 1]), [0, 0, 0])
    assert.deepEqual(shareSlots(5, [9]), [5])
  })

  it('should be fast for many queues, large loads and many slots', () => {
    let seed = 42
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const loads = Array.from({ length: 10_000 }, () => Math.floor(random() * 1_000_000))
    const started = performance.now()
    const shares = shareSlots(1_000_000, loads, 123)
    const manyQueues = performance.now() - started
    assert.equal(sum(shares), 1_000_000)
    const after = loads.map((load, i) => load + shares[i])
    const lowest = Math.min(...after)
    assert.ok(shares.every((s, i) => s === 0 || after[i] <= lowest + 1))
    assert.ok(manyQueues < 200, `10,000 queues, 1,000,000 slots took ${manyQueues.toFixed(1)} ms`)

    const t2 = performance.now()
    const big = shareSlots(2_000_000_000, [1_000_000_000, 0, 5])
    const manySlots = performance.now() - t2
    assert.equal(sum(big), 2_000_000_000)
    assert.ok(manySlots < 50, `2e9 slots took ${manySlots.toFixed(1)} ms`)
    // The worker calls it once per claim round: a few queues and a few slots, many times over.
    const t3 = performance.now()
    for (let i = 0; i < 100_000; i++) shareSlots(8, [i % 8, 3, 0, 5], i)
    const calls = performance.now() - t3
    assert.ok(calls < 1000, `100,000 small calls took ${calls.toFixed(1)} ms`)
  })
})
