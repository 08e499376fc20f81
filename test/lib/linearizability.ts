/**
 * A linearizability checker for concurrent histories against a sequential model: the Wing & Gong
 * search (repeatedly linearize a pending operation that could go first, backtrack when none fits),
 * with Porcupine's memoisation (a configuration, the set of operations linearized so far and the
 * model's state, is explored once), following Lowe's "Testing for linearizability" (2017).
 *
 * An operation was called at `call` and answered at `ret` (the same clock, e.g. performance.now()
 * just before sending and just after the reply): it took effect at one instant in between, so A must
 * come before B in any linearization when A.ret < B.call. Equal times count as overlapping.
 */

export interface Operation<I, O> {
  input: I
  output: O
  /** When the call was made (before the request left). */
  call: number
  /** When its answer arrived. */
  ret: number
}

export interface Model<S, I, O> {
  init (): S
  /** The state after `input` answered `output` in `state`, or null when that answer is impossible there. */
  step (state: S, input: I, output: O): S | null
  /** A string that is equal for equal states: the memoisation key. */
  hash (state: S): string
  /** One line for an operation, for reports. */
  describe (op: Operation<I, O>): string
  /** One line for a state, for reports (default: its hash). */
  describeState? (state: S): string
  /**
   * True when an input never changes the state whatever it answers (a read). Only used to shrink a
   * failing history: such operations can be left out of a counterexample without making it unsound.
   */
  readOnly? (input: I): boolean
}

export type CheckResult<S, I, O> =
  | { ok: true }
  | {
    ok: false
    /**
     * A small history that is not linearizable either, and whose failure implies the whole history's:
     * the history cut at its earliest quiescent point (no call in flight) where it already fails,
     * then without the read-only operations it fails without.
     */
    smallest: Array<Operation<I, O>>
    /** The longest sequence of `smallest`'s operations the search could linearize, in that order. */
    linearized: Array<Operation<I, O>>
    /** The state that sequence leaves. */
    state: S
    /**
     * The operations that could have come next (called before any other pending one returned);
     * none of them can be answered as it was from `state`.
     */
    stuck: Array<Operation<I, O>>
  }

interface Event {
  op: number
  isCall: boolean
  time: number
  /** The call's return event. */
  match: Event | null
  prev: Event | null
  next: Event | null
}

/** Call and return events in time order (a call before a return at the same instant), in a doubly linked list behind a sentinel. */
function eventList<I, O> (history: ReadonlyArray<Operation<I, O>>): Event {
  const events: Event[] = []
  history.forEach((op, i) => {
    if (!(op.call <= op.ret)) throw new Error(`operation ${i} returns (${op.ret}) before it is called (${op.call})`)
    const ret: Event = { op: i, isCall: false, time: op.ret, match: null, prev: null, next: null }
    events.push({ op: i, isCall: true, time: op.call, match: ret, prev: null, next: null }, ret)
  })
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1))
  const head: Event = { op: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null }
  let last = head
  for (const e of events) {
    e.prev = last
    last.next = e
    last = e
  }
  return head
}

/** Takes a call and its return out of the list (they stay linked to their old neighbours for unlift). */
function lift (call: Event): void {
  call.prev!.next = call.next
  call.next!.prev = call.prev
  const ret = call.match!
  ret.prev!.next = ret.next
  if (ret.next) ret.next.prev = ret.prev
}

function unlift (call: Event): void {
  const ret = call.match!
  ret.prev!.next = ret
  if (ret.next) ret.next.prev = ret
  call.prev!.next = call
  call.next!.prev = call
}

class Bitset {
  private readonly words: Uint32Array
  constructor (size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32) || 1)
  }

  set (i: number): void { this.words[i >>> 5] |= 1 << (i & 31) }
  clear (i: number): void { this.words[i >>> 5] &= ~(1 << (i & 31)) }
  key (): string { return Array.from(this.words, (w) => w.toString(36)).join('.') }
}

interface Search<S> {
  ok: boolean
  /** Operation indexes of the longest linearization found, in order, and the state after it. */
  best: number[]
  bestState: S
}

/** The Wing & Gong search with memoisation. */
function search<S, I, O> (history: ReadonlyArray<Operation<I, O>>, model: Model<S, I, O>): Search<S> {
  const head = eventList(history)
  const linearized = new Bitset(history.length)
  const seen = new Set<string>()
  const stack: Array<{ call: Event, state: S }> = []
  let state = model.init()
  let best: number[] = []
  let bestState = state
  let entry = head.next
  while (head.next !== null) {
    if (entry === null) throw new Error('linearizability: ran off the event list')
    if (entry.isCall) {
      const op = history[entry.op]
      const next = model.step(state, op.input, op.output)
      if (next !== null) {
        linearized.set(entry.op)
        const key = `${linearized.key()}|${model.hash(next)}`
        if (!seen.has(key)) {
          seen.add(key)
          stack.push({ call: entry, state })
          state = next
          lift(entry)
          if (stack.length > best.length) {
            best = stack.map((s) => s.call.op)
            bestState = state
          }
          entry = head.next
          continue
        }
        linearized.clear(entry.op)
      }
      entry = entry.next
    } else {
      // A return: the operation it ends had to be linearized before here, and was not. Undo the last choice.
      const top = stack.pop()
      if (!top) return { ok: false, best, bestState }
      state = top.state
      linearized.clear(top.call.op)
      unlift(top.call)
      entry = top.call.next
    }
  }
  return { ok: true, best, bestState }
}

/** Operations that could be linearized next once `done` are: called before the earliest return among the rest. */
function candidates<I, O> (history: ReadonlyArray<Operation<I, O>>, done: ReadonlySet<number>): number[] {
  const pending = history.map((_, i) => i).filter((i) => !done.has(i))
  const firstRet = Math.min(...pending.map((i) => history[i].ret))
  return pending.filter((i) => history[i].call <= firstRet)
}

/**
 * Cuts at quiescent points: the indexes (in call order) of the prefixes that end where no operation
 * is in flight, shortest first. Every operation of a prefix precedes every operation after it, so
 * when a prefix is not linearizable neither is the whole history.
 */
function quiescentPrefixes<I, O> (ops: ReadonlyArray<Operation<I, O>>): number[] {
  const cuts: number[] = []
  let lastRet = -Infinity
  for (let i = 0; i < ops.length; i++) {
    lastRet = Math.max(lastRet, ops[i].ret)
    if (i + 1 === ops.length || ops[i + 1].call > lastRet) cuts.push(i + 1)
  }
  return cuts
}

/**
 * Shrinks a failing history, soundly: to its shortest failing prefix at a quiescent point, then
 * leaving out, one at a time, read-only operations it still fails without (dropping a read from a
 * linearization leaves a linearization, so the smaller history failing implies the larger one does).
 */
function shrink<S, I, O> (history: ReadonlyArray<Operation<I, O>>, model: Model<S, I, O>): Array<Operation<I, O>> {
  const byCall = [...history].sort((a, b) => a.call - b.call)
  let ops = byCall
  for (const cut of quiescentPrefixes(byCall)) {
    const prefix = byCall.slice(0, cut)
    if (!search(prefix, model).ok) {
      ops = prefix
      break
    }
  }
  if (model.readOnly) {
    for (let i = ops.length - 1; i >= 0; i--) {
      if (!model.readOnly(ops[i].input)) continue
      const without = ops.filter((_, j) => j !== i)
      if (without.length > 0 && !search(without, model).ok) ops = without
    }
  }
  return ops
}

/** Whether `history` is linearizable with respect to `model`; when it is not, a small counterexample. */
export function check<S, I, O> (history: ReadonlyArray<Operation<I, O>>, model: Model<S, I, O>): CheckResult<S, I, O> {
  if (search(history, model).ok) return { ok: true }
  const smallest = shrink(history, model)
  const { best, bestState } = search(smallest, model)
  const stuck = candidates(smallest, new Set(best)).map((i) => smallest[i])
  return { ok: false, smallest, linearized: best.map((i) => smallest[i]), state: bestState, stuck }
}

/** A failed check as text: the counterexample with times (relative to its first call), then where the search got stuck. */
export function formatFailure<S, I, O> (result: Extract<CheckResult<S, I, O>, { ok: false }>, model: Model<S, I, O>): string {
  const t0 = Math.min(...result.smallest.map((op) => op.call))
  const ms = (t: number) => (t - t0).toFixed(2).padStart(8)
  const line = (op: Operation<I, O>) => `  [${ms(op.call)} .. ${ms(op.ret)} ms] ${model.describe(op)}`
  const describeState = model.describeState ?? ((s: S) => model.hash(s))
  return [
    `not linearizable; smallest failing history (${result.smallest.length} ops):`,
    ...result.smallest.map(line),
    `longest linearization found (${result.linearized.length} ops), leaving state ${describeState(result.state)}:`,
    ...result.linearized.map(line),
    'none of these fits next:',
    ...result.stuck.map(line)
  ].join('\n')
}
