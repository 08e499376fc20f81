import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Cluster, Redis } from 'ioredis'
import { waitFor, type Cleanup } from './helper.js'

const run = promisify(execFile)

/** One redis-server of a topology: its port, and how to kill, hang and resume it. */
export interface RedisNode {
  port: number
  /** The node's own client (no cluster routing), for CLUSTER/INFO/ROLE. */
  client: Redis
  kill (): Promise<void>
  /** Starts a killed node again, on the same port and files (a cluster node rejoins as it was configured). */
  start (): Promise<void>
  /** SIGSTOP: the process stays, its sockets stay open, nothing answers. */
  pause (): void
  resume (): void
  alive (): boolean
}

/** A port that is free, and (for cluster nodes) whose bus port, port + 10000, is free too. */
async function freePortPair (withBus: boolean): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000)
    if (await isFree(port) && (!withBus || await isFree(port + 10_000))) return port
  }
}

function isFree (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function startNode (t: Cleanup, dir: string, port: number, args: string[]): Promise<RedisNode> {
  let proc: ChildProcess
  let exited = false
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(n * 50, 500) })
  client.on('error', () => {})
  const launch = async () => {
    proc = spawn('redis-server', args, { cwd: dir, stdio: 'ignore' })
    exited = false
    proc.once('exit', () => { exited = true })
    await waitFor(`redis-server on ${port} to answer`, async () => {
      if (client.status !== 'ready' && client.status !== 'connecting' && client.status !== 'connect') await client.connect().catch(() => {})
      return await client.ping().catch(() => null) === 'PONG'
    }, 10_000, 25, () => exited)
  }
  await launch()
  const node: RedisNode = {
    port,
    client,
    async kill () {
      if (exited) return
      const done = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGKILL')
      await done
    },
    start: launch,
    pause: () => { proc.kill('SIGSTOP') },
    resume: () => { proc.kill('SIGCONT') },
    alive: () => !exited
  }
  t.after(async () => {
    client.disconnect()
    node.resume()
    await node.kill()
  })
  return node
}

export interface TestCluster {
  nodes: RedisNode[]
  /** REDIS_CLUSTER_NODES for the processes: every node, host:port. */
  seeds: string
  /** REDIS_URL: the processes take only user, password and TLS from it on a cluster. */
  url: string
  /** A cluster client for inspecting state. */
  client: Cluster
  /** The node serving the slot of a queue's hash tag now. */
  masterOf (queue: string): Promise<RedisNode>
  /** The masters, as CLUSTER NODES says now. */
  masters (): Promise<RedisNode[]>
  /** Waits until every slot is served and the cluster says ok. */
  waitHealthy (timeoutMs?: number): Promise<void>
}

/**
 * A Redis Cluster of the test's own on loopback: `masters` masters with one replica each, in a
 * temp dir, stopped after the test. Ready in about 2 s here. `redis-cli --cluster create` has been
 * seen here to leave the replicas as empty masters, silently: every replica is checked (and told
 * to replicate its master if need be) before this resolves.
 */
export async function startCluster (t: Cleanup, options: { masters?: number, nodeTimeoutMs?: number } = {}): Promise<TestCluster> {
  const masters = options.masters ?? 3
  const nodeTimeout = options.nodeTimeoutMs ?? 2000
  const dir = mkdtempSync(join(tmpdir(), 'jobq-cluster-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const ports: number[] = []
  for (let i = 0; i < masters * 2; i++) {
    let port = await freePortPair(true)
    while (ports.includes(port)) port = await freePortPair(true)
    ports.push(port)
  }
  const nodes = await Promise.all(ports.map((port) => startNode(t, dir, port, ['--port', String(port), '--bind', '127.0.0.1',
    '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(nodeTimeout),
    '--save', '', '--appendonly', 'no', '--dbfilename', `dump-${port}.rdb`])))
  const addresses = ports.map((p) => `127.0.0.1:${p}`)
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 })

  const cluster: TestCluster = {
    nodes,
    seeds: addresses.join(','),
    url: `redis://127.0.0.1:${ports[0]}`,
    client: new Cluster(addresses.map((a) => ({ host: '127.0.0.1', port: Number(a.split(':')[1]) })), { scaleReads: 'master', retryDelayOnFailover: 300, maxRedirections: 30 }),
    async masterOf (queue) {
      const slot = await nodes.find((n) => n.alive())!.client.cluster('KEYSLOT', `jobq:{${queue}}:x`) as number
      for (const node of await cluster.masters()) {
        const ranges = await slotsOf(node)
        if (ranges.some(([from, to]) => slot >= from && slot <= to)) return node
      }
      throw new Error(`no master serves slot ${slot}`)
    },
    async masters () {
      const view = await clusterNodes(nodes.find((n) => n.alive())!)
      return view.filter((n) => n.flags.includes('master') && !n.flags.includes('fail') && n.slots.length > 0)
        .map((n) => nodes.find((node) => node.port === n.port)!)
        .filter((n) => n?.alive())
    },
    async waitHealthy (timeoutMs = 20_000) {
      await waitFor('the cluster to be healthy', async () => {
        for (const node of nodes.filter((n) => n.alive())) {
          const info = await node.client.cluster('INFO') as string
          if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false
        }
        return true
      }, timeoutMs, 100)
    }
  }
  cluster.client.on('error', () => {})
  t.after(() => cluster.client.disconnect())
  await ensureReplicas(nodes, masters)
  await cluster.waitHealthy()
  return cluster
}

interface NodeView { id: string, port: number, flags: string[], masterId: string, slots: string[] }

async function clusterNodes (node: RedisNode): Promise<NodeView[]> {
  const text = await node.client.cluster('NODES') as string
  return text.trim().split('\n').map((line) => {
    const [id, address, flags, masterId, , , , , ...slots] = line.split(' ')
    return { id, port: Number(address.split('@')[0].split(':')[1]), flags: flags.split(','), masterId, slots }
  })
}

async function slotsOf (node: RedisNode): Promise<Array<[number, number]>> {
  const view = await clusterNodes(node)
  const me = view.find((n) => n.flags.includes('myself'))!
  return me.slots.filter((s) => !s.startsWith('[')).map((s) => {
    const [from, to] = s.split('-').map(Number)
    return [from, to ?? from]
  })
}

/** Every master has a replica: a node left an empty master is told to replicate one without. */
async function ensureReplicas (nodes: RedisNode[], masters: number): Promise<void> {
  // Right after --cluster create a node's view can be stale: wait until every node tells the same
  // roles (which masters hold slots, which nodes replicate whom) before judging any of them.
  const roles = (view: NodeView[]) => view.map((n) =>
    `${n.port}:${n.flags.includes('slave') ? `replica of ${n.masterId}` : n.slots.length > 0 ? 'master' : 'empty'}`).sort().join(',')
  await waitFor('every node to agree on the whole cluster', async () => {
    const views = await Promise.all(nodes.map(clusterNodes))
    return views.every((v) => v.length === nodes.length && roles(v) === roles(views[0]))
  }, 15_000, 100)
  const view = await clusterNodes(nodes[0])
  const withSlots = view.filter((n) => n.slots.length > 0)
  const replicated = new Set(view.filter((n) => n.flags.includes('slave')).map((n) => n.masterId))
  const spare = view.filter((n) => n.slots.length === 0 && n.flags.includes('master'))
  for (const master of withSlots.filter((m) => !replicated.has(m.id))) {
    const replica = spare.shift()
    if (!replica) throw new Error('no spare node for a replica')
    await nodes.find((n) => n.port === replica.port)!.client.cluster('REPLICATE', master.id)
  }
  await waitFor('every master to have a replica in sync', async () => {
    const now = await clusterNodes(nodes[0])
    const mastersWithSlots = now.filter((n) => n.flags.includes('master') && n.slots.length > 0)
    if (mastersWithSlots.length !== masters) return false
    for (const m of mastersWithSlots) {
      const replica = now.find((n) => n.masterId === m.id)
      if (!replica) return false
      const info = await nodes.find((n) => n.port === replica.port)!.client.info('replication')
      if (!/master_link_status:up/.test(info)) return false
    }
    return true
  }, 20_000, 100)
}

export interface TestSentinels {
  master: RedisNode
  replicas: RedisNode[]
  sentinels: RedisNode[]
  /** REDIS_SENTINELS for the processes. */
  sentinelAddresses: string
  masterName: string
  /** The port of the master the sentinels name now. */
  currentMasterPort (): Promise<number>
}

/**
 * A Sentinel group of the test's own: one master, `replicas` replicas and three sentinels (quorum
 * 2) on loopback, all from the same redis-server binary. Sentinels decide a master is down after
 * `downAfterMs`; the group is ready when every sentinel sees the master and its replicas.
 */
export async function startSentinels (t: Cleanup, options: { replicas?: number, downAfterMs?: number } = {}): Promise<TestSentinels> {
  const dir = mkdtempSync(join(tmpdir(), 'jobq-sentinel-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const masterName = 'jobq-test'
  const base = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dbfilename', `dump-${port}.rdb`]
  const masterPort = await freePortPair(false)
  const master = await startNode(t, dir, masterPort, base(masterPort))
  const replicas: RedisNode[] = []
  for (let i = 0; i < (options.replicas ?? 2); i++) {
    const port = await freePortPair(false)
    replicas.push(await startNode(t, dir, port, [...base(port), '--replicaof', '127.0.0.1', String(masterPort)]))
  }
  const sentinels: RedisNode[] = []
  for (let i = 0; i < 3; i++) {
    const port = await freePortPair(false)
    const conf = join(dir, `sentinel-${port}.conf`)
    writeFileSync(conf, [
      `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${masterName} 5000`,
      `sentinel parallel-syncs ${masterName} 1`, ''
    ].join('\n'))
    sentinels.push(await startNode(t, dir, port, [conf, '--sentinel']))
  }
  await waitFor('the sentinels to see the master, its replicas and each other', async () => {
    for (const s of sentinels) {
      const info = await s.client.call('SENTINEL', 'MASTER', masterName).catch(() => []) as string[]
      const fields = new Map<string, string>()
      for (let i = 0; i + 1 < info.length; i += 2) fields.set(info[i], info[i + 1])
      if (Number(fields.get('num-slaves')) < replicas.length || Number(fields.get('num-other-sentinels')) < 2) return false
    }
    for (const r of replicas) if (!/master_link_status:up/.test(await r.client.info('replication'))) return false
    return true
  }, 20_000, 100)
  return {
    master,
    replicas,
    sentinels,
    sentinelAddresses: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    masterName,
    async currentMasterPort () {
      for (const s of sentinels.filter((n) => n.alive())) {
        const reply = await s.client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName).catch(() => null) as string[] | null
        if (reply) return Number(reply[1])
      }
      throw new Error('no sentinel answered')
    }
  }
}
