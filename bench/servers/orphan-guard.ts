/**
 * A bench server exits by itself once the harness that started it is gone (its parent becomes
 * another process), so a killed harness leaves none of these behind.
 */
export function exitWithParent (): void {
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0)
  }, 1000).unref()
}
