/**
 * `npm run cluster`: a Redis Cluster on this machine for trying JobQ on one, loopback only. It
 * starts six redis-servers (3 masters, 3 replicas) on ports 7001-7006 (`-- --port-base N` for
 * others), with their config and logs in ./.jobq/cluster (`-- --dir D`), joins them with
 * `redis-cli --cluster create`, checks that every master has a replica in sync, prints the
 * REDIS_CLUSTER_NODES to run JobQ with, and stops the nodes on Ctrl-C or SIGTERM.
 *
 * A playground, not a deployment: no persistence (the data goes with the nodes), no password.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, relative, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs, promisify } from 'node:util'

const run = promisify(execFile)
const HOST = '127.0.0.1'
const MASTERS = 3
/** A master silent this long is failed over (Redis's default is 15 s; shorter to watch it happen). */
const NODE_TIMEOUT_MS = 5000
/** A cluster node also listens on its bus port, its port + 10000. */
const BUS_OFFSET = 10_000

interface Node {
  port: number
  proc: ChildProcess
  exited: boolean
}

/** A line of CLUSTER NODES. */
interface NodeView {
  id: string
  port: number
  flags: string[]
  masterId: string
  slots: string[]
}

const nodes: Node[] = []
let stopping = false

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      'port-base': { type: 'string', default: '7001' },
      dir: { type: 'string', default: '.jobq/cluster' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help) {
    process.stdout.write('Usage: npm run cluster [-- [--port-base 7001] [--dir .jobq/cluster]]\n')
    return
  }
  const base = Number(values['port-base'])
  if (!Number.isInteger(base) || base < 1024 || base + MASTERS * 2 - 1 + BUS_OFFSET > 65535) {
    throw new Error(`--port-base must be a port from 1024 to ${65535 - BUS_OFFSET - MASTERS * 2 + 1}`)
  }
  const ports = Array.from({ length: MASTERS * 2 }, (_, i) => base + i)
  for (const port of ports) {
    for (const p of [port, port + BUS_OFFSET]) {
      if (!await isFree(p)) {
        throw new Error(`port ${p} is in use. A cluster left running? Stop it with: redis-cli -p ${port} shutdown nosave; or pick other ports with -- --port-base N`)
      }
    }
  }

  const dir = resolve(values.dir)
  mkdirSync(dir, { recursive: true })
  for (const port of ports) {
    // A node that finds its old nodes-<port>.conf rejoins its old cluster, and `--cluster create` refuses it.
    rmSync(join(dir, `nodes-${port}.conf`), { force: true })
    rmSync(join(dir, `redis-${port}.log`), { force: true })
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => stop(0))

  log(`starting ${ports.length} redis-servers on ${HOST}:${ports[0]}-${ports.at(-1)} in ${shown(dir)}`)
  for (const port of ports) nodes.push(startNode(dir, port))
  await Promise.all(nodes.map(waitForPing))

  const addresses = ports.map((port) => `${HOST}:${port}`)
  try {
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 })
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string, stderr?: string }
    throw new Error(`redis-cli --cluster create failed:\n${stdout ?? ''}${stderr ?? ''}`)
  }
  await ensureReplicas()
  await waitUntil('every node to say cluster_state:ok', async () => {
    for (const node of nodes) {
      if (!/cluster_state:ok/.test(await cli(node.port, 'cluster', 'info'))) return false
    }
    return true
  })

  const view = await selfViews()
  const masters = view.filter((n) => n.slots.length > 0).sort((a, b) => parseInt(a.slots[0]) - parseInt(b.slots[0]))
  log('ready: every master has a replica in sync')
  for (const m of masters) {
    const replicas = view.filter((n) => n.masterId === m.id).map((n) => `${HOST}:${n.port}`)
    log(`  master ${HOST}:${m.port}  slots ${m.slots.join(' ').padEnd(11)}  replica ${replicas.join(', ')}`)
  }
  process.stdout.write([
    '',
    'Run JobQ on it (in another terminal):',
    '',
    `  REDIS_CLUSTER_NODES=${addresses.join(',')} npm start -- --queues '*'`,
    '',
    `Which master holds a queue's keys: redis-cli -p ${ports[0]} cluster keyslot 'jobq:{emails}:x', then the slots above.`,
    `Ctrl-C stops the nodes. Logs: ${shown(dir)}/redis-<port>.log`,
    ''
  ].join('\n'))
}

function startNode (dir: string, port: number): Node {
  const proc = spawn('redis-server', [
    '--port', String(port),
    '--bind', HOST,
    '--cluster-enabled', 'yes',
    '--cluster-config-file', `nodes-${port}.conf`,
    '--cluster-node-timeout', String(NODE_TIMEOUT_MS),
    '--save', '',
    '--appendonly', 'no',
    // A new replica's first sync starts at once, not after the default 5 s.
    '--repl-diskless-sync-delay', '0',
    '--logfile', `redis-${port}.log`
  ], {
    cwd: dir,
    stdio: 'ignore',
    // Its own process group: Ctrl-C reaches this script only, which then stops the nodes in order.
    detached: true
  })
  const node: Node = { port, proc, exited: false }
  proc.on('error', (err: NodeJS.ErrnoException) => {
    node.exited = true
    if (err.code === 'ENOENT') fatal(new Error('redis-server is not on the PATH (Debian: apt-get install redis-server)'))
    else fatal(err)
  })
  proc.on('exit', (code, signal) => {
    node.exited = true
    if (!stopping) log(`redis-server on port ${port} exited (${signal ?? `code ${code}`}); see redis-${port}.log. The others keep running.`)
  })
  return node
}

async function waitForPing (node: Node): Promise<void> {
  await waitUntil(`redis-server on port ${node.port} to answer`, async () => {
    if (node.exited) throw new Error(`redis-server on port ${node.port} exited at start; see its log`)
    return await cli(node.port, 'ping') === 'PONG'
  })
}

/**
 * `--cluster create --cluster-replicas 1` has been seen here to leave a replica as an empty
 * master, saying nothing. Each master without a replica is given one of the nodes left empty,
 * and this waits until every master has a replica whose link to it is up. Each node is asked
 * what it is itself: another node's view of it lags behind by a gossip round or more.
 */
async function ensureReplicas (): Promise<void> {
  const view = await selfViews()
  const replicated = new Set(view.filter((n) => n.flags.includes('slave')).map((n) => n.masterId))
  const spare = view.filter((n) => n.flags.includes('master') && n.slots.length === 0)
  for (const master of view.filter((n) => n.slots.length > 0 && !replicated.has(n.id))) {
    const replica = spare.shift()
    if (!replica) throw new Error(`master ${master.port} has no replica and no node is left to be one`)
    log(`master ${master.port} was left without a replica: making ${replica.port} its replica`)
    await waitUntil(`node ${replica.port} to learn of master ${master.port}`, async () => {
      return (await cli(replica.port, 'cluster', 'replicate', master.id)) === 'OK'
    })
  }
  await waitUntil('every master to have a replica in sync', async () => {
    const now = await selfViews()
    const masters = now.filter((n) => n.flags.includes('master') && n.slots.length > 0)
    if (masters.length !== MASTERS) return false
    for (const m of masters) {
      const replica = now.find((n) => n.masterId === m.id)
      if (!replica || !/master_link_status:up/.test(await cli(replica.port, 'info', 'replication'))) return false
    }
    return true
  })
}

/** Every node as it sees itself: the `myself` line of its CLUSTER NODES. */
async function selfViews (): Promise<NodeView[]> {
  const views = await Promise.all(nodes.map(async (node) => (await clusterNodes(node.port)).find((n) => n.flags.includes('myself'))))
  return views.filter((view) => view !== undefined)
}

async function clusterNodes (port: number): Promise<NodeView[]> {
  const text = await cli(port, 'cluster', 'nodes')
  return text.split('\n').filter(Boolean).map((line) => {
    // <id> <ip:port@busport[,hostname]> <flags> <master id> <ping> <pong> <epoch> <link> <slot>...
    const [id, address, flags, masterId, , , , , ...slots] = line.split(' ')
    return { id, port: Number(address.split('@')[0].split(':').at(-1)), flags: flags.split(','), masterId, slots: slots.filter((s) => !s.startsWith('[')) }
  })
}

/** One redis-cli command against a node; its reply, trimmed ('' when the node does not answer). */
async function cli (port: number, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 5000 })
    return stdout.trim()
  } catch {
    return ''
  }
}

async function waitUntil (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

function isFree (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, HOST, () => server.close(() => resolve(true)))
  })
}

/** Stops every node (SIGTERM, SIGKILL after 5 s), then exits with `code`. */
function stop (code: number): void {
  if (stopping) return
  stopping = true
  const running = nodes.filter((n) => !n.exited)
  if (running.length > 0) log(`stopping ${running.length} redis-servers`)
  Promise.all(running.map(async (node) => {
    const exited = new Promise((resolve) => node.proc.once('exit', resolve))
    node.proc.kill('SIGTERM')
    if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) return
    node.proc.kill('SIGKILL')
    await exited
  })).finally(() => process.exit(code))
}

function fatal (err: Error): void {
  process.stderr.write(`local-cluster: ${err.message}\n`)
  stop(1)
}

/** A directory as a person would type it: relative when under the working directory. */
function shown (dir: string): string {
  const rel = relative(process.cwd(), dir)
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel
}

function log (line: string): void {
  process.stdout.write(`${line}\n`)
}

main().catch(fatal)
