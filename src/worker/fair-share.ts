/**
 * Splits `free` worker slots among queues that have work, fairly: the next slot always goes to the
 * queue with the fewest jobs in flight (max-min fairness), so a queue with a backlog of 100,000 jobs
 * takes only what the others leave, and a queue with one job gets a slot at the next opening.
 *
 * `loads[i]` is queue i's jobs in flight; the answer is how many slots each gets. Ties go round
 * robin from `turn`, so equal queues take turns at an odd slot instead of the first always winning.
 */
export function shareSlots (free: number, loads: readonly number[], turn = 0): number[] {
  const n = loads.length
  const shares = new Array<number>(n).fill(0)
  if (n === 0 || free <= 0) return shares
  // The highest level every queue below it can be filled up to with the slots there are.
  const cost = (level: number) => loads.reduce((sum, load) => sum + Math.max(0, level - load), 0)
  let low = Math.min(...loads)
  let high = low + free
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (cost(mid) <= free) low = mid
    else high = mid - 1
  }
  let left = free
  for (let i = 0; i < n; i++) {
    shares[i] = Math.max(0, low - loads[i])
    left -= shares[i]
  }
  // Fewer slots are left than queues at the level: one more each for some of them, in turn.
  for (let k = 0; k < n && left > 0; k++) {
    const i = (turn + k) % n
    if (loads[i] + shares[i] === low) {
      shares[i]++
      left--
    }
  }
  return shares
}
