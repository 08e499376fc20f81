import { BlockList, isIP } from 'node:net'

/**
 * JOBQ_HANDLER_HOSTS: the hosts handler URLs may point at, as names (`hooks.example.com`), wildcards
 * (`*.example.com`: any subdomain, not the name itself), addresses and CIDRs (`10.0.0.0/8`, `::1`).
 * An empty list allows any host. The API checks a URL when a handler is registered and the worker
 * again before each callback, so a list tightened later also holds for handlers already stored.
 */
export class HandlerHosts {
  private readonly names = new Set<string>()
  private readonly suffixes: string[] = []
  private readonly addresses = new BlockList()
  private readonly empty: boolean

  constructor (list: string) {
    const entries = list.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean)
    this.empty = entries.length === 0
    for (const entry of entries) {
      const [address, bits] = entry.replace(/^\[|\]$/g, '').split('/')
      const family = isIP(address)
      if (family) {
        const type = family === 6 ? 'ipv6' : 'ipv4'
        if (bits === undefined) this.addresses.addAddress(address, type)
        else this.addresses.addSubnet(address, Number(bits), type)
      } else if (entry.startsWith('*.')) {
        this.suffixes.push(entry.slice(1))
      } else {
        this.names.add(entry)
      }
    }
  }

  /** Whether a handler URL's host is allowed. */
  allows (url: string): boolean {
    if (this.empty) return true
    const host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '')
    const family = isIP(host)
    if (family) return this.addresses.check(host, family === 6 ? 'ipv6' : 'ipv4')
    return this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix))
  }
}
