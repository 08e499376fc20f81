import { QUEUE_NAME } from '../queue/keys.js'

/**
 * The one configuration schema: every setting, its environment variable, its flag, its default and
 * what it means. The loader, the CLI's --help and the README's configuration table all read this.
 */
export type SettingType =
  | { kind: 'int', min: number, max: number }
  | { kind: 'string', pattern?: RegExp, hint?: string, regex?: boolean }
  | { kind: 'url', protocols: string[] }
  | { kind: 'enum', values: string[] }
  | { kind: 'bool' }
  | { kind: 'list', pattern?: RegExp, hint?: string }

export interface Setting {
  env: string
  key: string
  type: SettingType
  default: string | number | boolean
  description: string
  /**
   * The processes that read it; 'client' is the `jobq` client commands (enqueue, status, queue, ...),
   * 'start' the `jobq start` process itself (not the API and worker it runs).
   */
  for: Array<'api' | 'worker' | 'client' | 'start'>
  /** Never echoed in errors or help (keys, passwords). */
  secret?: boolean
}

const int = (min: number, max: number) => ({ kind: 'int' as const, min, max })
const both: Setting['for'] = ['api', 'worker']
const DAY = 86_400_000

export const SETTINGS = [
  { env: 'REDIS_URL', key: 'redisUrl', type: { kind: 'url', protocols: ['redis:', 'rediss:'] }, default: 'redis://127.0.0.1:6379', for: both, description: 'Redis to keep the queue in; rediss:// for TLS, user and password in the URL.' },
  { env: 'REDIS_CLUSTER_NODES', key: 'redisClusterNodes', type: { kind: 'list', pattern: /^[A-Za-z0-9.:[\]-]+:\d{1,5}$/, hint: 'host:port' }, default: '', for: both, description: 'Seed nodes of a Redis Cluster (host:port,host:port): run on the cluster; user, password and TLS come from REDIS_URL.' },
  { env: 'REDIS_SENTINELS', key: 'redisSentinels', type: { kind: 'list', pattern: /^[A-Za-z0-9.:[\]-]+:\d{1,5}$/, hint: 'host:port' }, default: '', for: both, description: 'Sentinels (host:port,host:port) of the master REDIS_SENTINEL_MASTER: run on it and follow its failovers; user, password, TLS and db come from REDIS_URL.' },
  { env: 'REDIS_SENTINEL_MASTER', key: 'redisSentinelMaster', type: { kind: 'string', pattern: /^[\x21-\x7e]{1,128}$/, hint: 'a master name as the sentinels know it' }, default: 'mymaster', for: both, description: 'Name of the master the sentinels watch (with REDIS_SENTINELS).' },
  { env: 'JOBQ_WAIT_REPLICAS', key: 'waitReplicas', type: int(0, 16), default: 0, for: both, description: 'Acknowledge a write (an enqueue, a change, a schedule\'s fired tick, a worker\'s recorded outcome) only once this many replicas have it (Redis WAIT); else 503. Replication is asynchronous: without it a failover can drop acknowledged jobs.' },
  { env: 'JOBQ_WAIT_TIMEOUT_MS', key: 'waitTimeoutMs', type: int(1, 2500), default: 1000, for: both, description: 'How long a write waits for JOBQ_WAIT_REPLICAS replicas before the API answers 503 (the write may have taken effect; repeating it is safe); below the 3 s command timeout.' },
  { env: 'JOBQ_QUEUE', key: 'queue', type: { kind: 'string', pattern: QUEUE_NAME, hint: '1-64 of A-Z a-z 0-9 _ . -' }, default: 'default', for: both, description: 'The default queue: the one the routes without /queues/{queue} serve, and the one a worker serves without JOBQ_QUEUES. Each queue keeps its keys under jobq:{<name>}:*, one Redis Cluster slot.' },
  { env: 'JOBQ_QUEUES', key: 'queues', type: { kind: 'list', pattern: new RegExp(`${QUEUE_NAME.source}|^\\*$`), hint: 'a queue name (1-64 of A-Z a-z 0-9 _ . -) or *' }, default: '', for: ['worker'], description: 'Comma-separated queues a worker serves with one pool of slots, shared fairly; * serves every queue, including queues made later. Empty: JOBQ_QUEUE alone.' },
  { env: 'HOST', key: 'host', type: { kind: 'string' }, default: '127.0.0.1', for: both, description: 'Address the API (and a worker\'s metrics endpoint) listens on.' },
  { env: 'PORT', key: 'port', type: int(0, 65535), default: 3000, for: ['api'], description: 'Port the API listens on.' },
  { env: 'LOG_LEVEL', key: 'logLevel', type: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, default: 'info', for: both, description: 'Least severe log level written.' },
  { env: 'LOG_FORMAT', key: 'logFormat', type: { kind: 'enum', values: ['auto', 'pretty', 'json'] }, default: 'auto', for: both, description: 'pretty: one readable line per event, for a person; json: one JSON object per line, for a log collector; auto: pretty when stdout is a terminal, else json.' },
  { env: 'JOBQ_API_KEYS', key: 'apiKeys', type: { kind: 'list', pattern: /^[\x21-\x7e]{16,256}$/, hint: '16-256 printable ASCII characters' }, default: '', secret: true, for: ['api'], description: 'Comma-separated bearer keys that may use the job and queue routes.' },
  { env: 'JOBQ_ADMIN_KEYS', key: 'adminKeys', type: { kind: 'list', pattern: /^[\x21-\x7e]{16,256}$/, hint: '16-256 printable ASCII characters' }, default: '', secret: true, for: ['api'], description: 'Comma-separated bearer keys that may also manage handlers.' },
  { env: 'JOBQ_KEYS_FILE', key: 'keysFile', type: { kind: 'string' }, default: '', for: ['api'], description: 'JSON file of bearer keys limited to some queues, each stored as its SHA-256 (see Security); read at start and again on SIGHUP.' },
  { env: 'JOBQ_ALLOW_UNAUTHENTICATED', key: 'allowUnauthenticated', type: { kind: 'bool' }, default: false, for: ['api'], description: 'Serve without keys on a non-loopback HOST (otherwise the API refuses to start).' },
  { env: 'JOBQ_UI', key: 'ui', type: { kind: 'bool' }, default: true, for: ['api'], description: 'Serve the web dashboard at /ui (its files are public; every data call it makes needs a key, as any client\'s does).' },
  { env: 'JOBQ_HANDLER_HOSTS', key: 'handlerHosts', type: { kind: 'list', pattern: /^(\*\.)?[A-Za-z0-9.:[\]-]+(\/\d{1,3})?$/, hint: 'a host name, *.domain, an IP address or a CIDR' }, default: '', for: both, description: 'Comma-separated hosts handler URLs may point at (names, *.wildcards, IPs, CIDRs); empty allows any.' },
  { env: 'JOBQ_BODY_LIMIT', key: 'bodyLimit', type: int(1024, 64 * 1024 * 1024), default: 1024 * 1024, for: ['api'], description: 'Largest request body in bytes (413 above it).' },
  { env: 'JOBQ_MAX_ENTITY_ID_LENGTH', key: 'maxEntityIdLength', type: int(1, 256), default: 256, for: ['api'], description: 'Longest entity_id in characters (256 at most).' },
  { env: 'JOBQ_ENTITY_ID_PATTERN', key: 'entityIdPattern', type: { kind: 'string', regex: true }, default: '', for: ['api'], description: 'A regular expression every entity_id must match, e.g. ^[A-Za-z0-9_-]+$ (control characters are always refused).' },
  { env: 'JOBQ_TASK_PATTERN', key: 'taskPattern', type: { kind: 'string', regex: true }, default: '', for: ['api'], description: 'A regular expression task (handler) names must match, on top of the built-in 1-128 of A-Z a-z 0-9 _ . : -.' },
  { env: 'JOBQ_MAX_ARGS_BYTES', key: 'maxArgsBytes', type: int(2, 64 * 1024 * 1024), default: 65_536, for: ['api'], description: 'Largest args, kwargs and metadata of a job, each, as JSON bytes.' },
  { env: 'JOBQ_MAX_JSON_DEPTH', key: 'maxJsonDepth', type: int(1, 1000), default: 100, for: ['api'], description: 'How deep args, kwargs and metadata may nest arrays and objects.' },
  { env: 'JOBQ_MAX_PAGE_SIZE', key: 'maxPageSize', type: int(1, 1000), default: 1000, for: ['api'], description: 'Largest page of GET /queue?list= (1000 at most).' },
  { env: 'JOBQ_RATE_LIMIT', key: 'rateLimit', type: int(0, 1_000_000), default: 0, for: ['api'], description: 'Requests per minute per bearer key (per client address without keys), shared by all API processes through Redis; 0 turns it off. Over it: 429 with Retry-After.' },
  { env: 'JOBQ_REQUEST_TIMEOUT_MS', key: 'requestTimeoutMs', type: int(1000, 600_000), default: 30_000, for: ['api'], description: 'Longest time a client may take to send a whole request (slow clients are cut off).' },
  { env: 'JOBQ_HEADERS_TIMEOUT_MS', key: 'headersTimeoutMs', type: int(1000, 600_000), default: 10_000, for: ['api'], description: 'Longest time a client may take to send its request headers.' },
  { env: 'JOBQ_MAX_CONNECTIONS', key: 'maxConnections', type: int(1, 1_000_000), default: 10_000, for: ['api'], description: 'Open connections the API accepts at once; more are refused.' },
  { env: 'JOBQ_EVENTS_RETENTION', key: 'eventsRetention', type: int(100, 100_000_000), default: 100_000, for: both, description: 'How many of the latest job events each queue keeps for GET /events (a client resuming from an older one is told it missed some); trimmed by the API every few seconds and by a worker after every 500 jobs it runs, so briefly a little more.' },
  { env: 'JOBQ_EVENTS_HEARTBEAT_MS', key: 'eventsHeartbeatMs', type: int(1000, 15_000), default: 15_000, for: ['api'], description: 'How often an idle event stream (GET /events) gets a comment line, so proxies keep it open.' },
  { env: 'JOBQ_EVENTS_CLIENT_BUFFER_BYTES', key: 'eventsClientBufferBytes', type: int(4096, 64 * 1024 * 1024), default: 1024 * 1024, for: ['api'], description: 'Bytes of events an event stream client may leave unread before the API drops it (it stopped reading).' },
  { env: 'JOBQ_COMPLETED_RETENTION_MS', key: 'completedRetentionMs', type: int(0, 365 * DAY), default: 3_600_000, for: both, description: 'How long completed and cancelled jobs stay readable.' },
  { env: 'JOBQ_FAILED_RETENTION_MS', key: 'failedRetentionMs', type: int(0, 365 * DAY), default: 7 * DAY, for: both, description: 'How long failed jobs (the dead-letter set) stay readable and retryable.' },
  { env: 'JOBQ_CONCURRENCY', key: 'concurrency', type: int(1, 10_000), default: 16, for: ['worker'], description: 'Callbacks in flight per worker process.' },
  { env: 'JOBQ_PROCESSES', key: 'processes', type: int(1, 256), default: 1, for: both, description: 'Processes the supervisor forks and keeps alive: workers for jobq worker; for jobq api, API processes that share its port (node:cluster).' },
  { env: 'JOBQ_METRICS_PORT', key: 'metricsPort', type: int(0, 65535), default: 0, for: ['worker'], description: 'Port of a worker\'s Prometheus /metrics (0: none). With --processes N, process i serves on this port + i - 1.' },
  { env: 'JOBQ_LEASE_MS', key: 'leaseMs', type: int(1000, DAY), default: 30_000, for: both, description: 'Lease on a claimed job; renewed while its callback runs, taken back when it lapses.' },
  { env: 'JOBQ_SHUTDOWN_GRACE_MS', key: 'shutdownGraceMs', type: int(0, DAY), default: 10_000, for: ['worker'], description: 'On SIGTERM, how long in-flight callbacks may finish before their jobs are put back.' },
  { env: 'JOBQ_RESULT_LIMIT', key: 'resultLimit', type: int(0, 16 * 1024 * 1024), default: 65_536, for: both, description: 'Largest handler response body kept as a job\'s result, in bytes (of a 2xx answer; an async handler\'s POST .../complete with a larger result is refused, 400).' },
  { env: 'JOBQ_REDIS_SERVER', key: 'redisServer', type: { kind: 'bool' }, default: false, for: ['start'], description: 'jobq start only (npm start sets it): when nothing answers at a loopback REDIS_URL and redis-server is on the PATH, run a private one for this run, listening on loopback only, with its append-only file in JOBQ_REDIS_SERVER_DIR, and stop it on exit.' },
  { env: 'JOBQ_REDIS_SERVER_DIR', key: 'redisServerDir', type: { kind: 'string' }, default: '.jobq/redis', for: ['start'], description: 'Where the private redis-server of JOBQ_REDIS_SERVER keeps its data and append-only file (relative to the working directory).' }
] as const satisfies readonly Setting[]

/**
 * Settings of the client commands (`jobq enqueue`, `jobq status`, `jobq queue`, ...), which talk to
 * a running API instead of Redis. Kept apart from SETTINGS so the server never takes them as its own
 * (`jobq api --url` is an unknown option), yet known to it, so setting them never stops a server.
 */
export const CLIENT_SETTINGS = [
  { env: 'JOBQ_URL', key: 'url', type: { kind: 'url', protocols: ['http:', 'https:'] }, default: 'http://127.0.0.1:3000', for: ['client'], description: 'Where the API the client commands talk to is.' },
  { env: 'JOBQ_API_KEY', key: 'apiKey', type: { kind: 'string', pattern: /^[\x21-\x7e]{1,256}$/, hint: '1-256 printable ASCII characters' }, default: '', secret: true, for: ['client'], description: 'Bearer key the client commands send (one of JOBQ_API_KEYS, or of JOBQ_ADMIN_KEYS for handlers).' },
  { env: 'JOBQ_CLIENT_TIMEOUT_MS', key: 'clientTimeoutMs', type: int(100, 600_000), default: 10_000, for: ['client'], description: 'How long a client command waits for each answer of the API.' }
] as const satisfies readonly Setting[]
