import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { check, formatFailure, type Model, type Operation } from './linearizability.js'

/** A register: write(v) answers nothing, read answers the value. */
type RegisterInput = { kind: 'write', value: number } | { kind: 'read' }
type RegisterOp = Operation<RegisterInput, number | null>

const register: Model<number, RegisterInput, number | null> = {
  init: () => 0,
  step: (state, input, output) => {
    if (input.kind === 'write') return input.value
    return output === state ? state : null
  },
  hash: (state) => String(state),
  describe: (op) => op.input.kind === 'write' ? `write(${op.input.value})` : `read() -> ${op.output}`,
  readOnly: (input) => input.kind === 'read'
}

const write = (value: number, call: number, ret: number): RegisterOp => ({ input: { kind: 'write', value }, output: null, call, ret })
const read = (value: number, call: number, ret: number): RegisterOp => ({ input: { kind: 'read' }, output: value, call, ret })

/** A counter whose increment answers the value it leaves. */
const counter: Model<number, 'inc', number> = {
  init: () => 0,
  step: (state, _input, output) => output === state + 1 ? output : null,
  hash: (state) => String(state),
  describe: (op) => `inc() -> ${op.output}`
}

describe('linearizability check', () => {
  it('should accept a sequential history the model allows, and an empty one', () => {
    assert.deepEqual(check([write(1, 0, 1), read(1, 2, 3), write(2, 4, 5), read(2, 6, 7)], register), { ok: true })
    assert.deepEqual(check([], register), { ok: true })
  })

  it('should accept reads that overlap a write seeing either value, in any listed order', () => {
    // write(1) spans 0..10: a read inside it may see 0 or 1, but once one read saw 1 a later one may not see 0.
    const history = [read(1, 6, 7), write(1, 0, 10), read(0, 1, 2), read(1, 3, 4), read(1, 12, 13)]
    assert.deepEqual(check(history, register), { ok: true })
    // Equal times overlap: a read called the instant a write returns may still see the old value.
    assert.deepEqual(check([write(1, 0, 5), read(0, 5, 6)], register), { ok: true })
  })

  it('should reject a read of a value overwritten before it was called, naming the operations', () => {
    const stale = read(0, 2, 3)
    const result = check([write(1, 0, 1), stale], register)
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.deepEqual(result.smallest, [write(1, 0, 1), stale])
    assert.deepEqual(result.linearized, [write(1, 0, 1)])
    assert.equal(result.state, 1)
    assert.deepEqual(result.stuck, [stale])
    const text = formatFailure(result, register)
    assert.match(text, /smallest failing history \(2 ops\)/)
    assert.ok(text.includes('[    2.00 ..     3.00 ms] read() -> 0'), text)
    assert.match(text, /leaving state 1/)
  })

  it('should reject reads that see concurrent writes in two different orders', () => {
    // write(1) and write(2) overlap, so either order is fine, but the reads after both see 2 then 1.
    const history = [write(1, 0, 10), write(2, 0, 10), read(2, 11, 12), read(1, 13, 14)]
    const result = check(history, register)
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.equal(result.smallest.length, 4)
    assert.deepEqual(result.stuck, [read(1, 13, 14)])
  })

  it('should shrink to the failing part: cut where nothing is in flight, reads it does not need left out', () => {
    const history = [
      write(1, 0, 2), read(1, 1, 3), read(0, 0, 1), write(5, 4, 5), read(5, 6, 7), read(1, 5.5, 8),
      // after a quiescent point: cannot matter for the failure above
      write(7, 9, 12), read(7, 10, 11), read(3, 13, 14)
    ]
    const result = check(history, register)
    assert.equal(result.ok, false)
    if (result.ok) return
    // read(1) at 5.5..8 is called after write(5) returned: it fails with nothing but those two writes.
    assert.deepEqual(result.smallest.map((op) => register.describe(op)), ['write(1)', 'write(5)', 'read() -> 1'])
    assert.equal(check(result.smallest, register).ok, false)
  })

  it('should find a counter history with a value answered twice', () => {
    const ops = [
      { input: 'inc' as const, output: 1, call: 0, ret: 5 },
      { input: 'inc' as const, output: 2, call: 1, ret: 4 },
      { input: 'inc' as const, output: 2, call: 2, ret: 3 }
    ]
    const result = check(ops, counter)
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.equal(result.linearized.length, 2)
    assert.equal(result.stuck.length, 1)
    assert.equal(result.stuck[0].output, 2)
  })

  it('should agree with trying every order on small random register histories', () => {
    // Deterministic pseudo-random numbers, so a failure replays.
    let seed = 12345
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return Math.floor(seed / 65536) % n
    }
    /** Linearizable by brute force: some order of all ops that respects real time and the register. */
    const bruteForce = (ops: RegisterOp[]): boolean => {
      const place = (done: RegisterOp[], rest: RegisterOp[], state: number): boolean => {
        if (rest.length === 0) return true
        return rest.some((op, i) => {
          const others = rest.filter((_, j) => j !== i)
          if (others.some((o) => o.ret < op.call)) return false
          const next = register.step(state, op.input, op.output)
          return next !== null && place([...done, op], others, next)
        })
      }
      return place([], ops, 0)
    }
    let failing = 0
    for (let round = 0; round < 400; round++) {
      const ops = Array.from({ length: 1 + random(6) }, () => {
        const call = random(10)
        const ret = call + random(5)
        return random(2) === 0 ? write(1 + random(2), call, ret) : read(random(3), call, ret)
      })
      const result = check(ops, register)
      assert.equal(result.ok, bruteForce(ops), JSON.stringify(ops))
      if (result.ok) continue
      failing++
      assert.equal(bruteForce(result.smallest), false, `smallest of ${JSON.stringify(ops)}`)
    }
    assert.ok(failing > 50 && failing < 350, `${failing} of 400 failing: the generator should give both kinds`)
  })

  it('should settle a large concurrent history quickly thanks to memoisation', () => {
    // 200 overlapping increments answered in shuffled order: 200! orders, one state per set of done ops.
    const n = 200
    const outputs = Array.from({ length: n }, (_, i) => i + 1)
    for (let i = n - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [outputs[i], outputs[j]] = [outputs[j], outputs[i]]
    }
    const ops = outputs.map((output, i) => ({ input: 'inc' as const, output, call: i, ret: 1000 + i }))
    const started = performance.now()
    assert.deepEqual(check(ops, counter), { ok: true })
    // One value missing and another twice: every order fails, and the search has to show it.
    ops[0] = { ...ops[0], output: ops[1].output }
    const result = check(ops, counter)
    assert.equal(result.ok, false)
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`)
  })
})
