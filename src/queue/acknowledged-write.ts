import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisClient } from './redis.js'
import { NotReplicatedError } from './errors.js'

/**
 * The scripts whose effect a caller is told of: with JOBQ_WAIT_REPLICAS, acknowledged only once
 * replicated. A schedule's tick is among them: a worker counts a tick as fired only once replicas
 * have it, as the API acknowledges an enqueue.
 */
export type AcknowledgedWrite = 'enqueueJobs' | 'updatePriority' | 'cancelJob' | 'retryJob' | 'completeAndClaim' | 'failJob'
  | 'pauseQueue' | 'reportAttempt' | 'putSchedule' | 'pauseSchedule' | 'deleteSchedule' | 'fireSchedule'

/** JOBQ_WAIT_REPLICAS and JOBQ_WAIT_TIMEOUT_MS: replicas that must have a write before it is acknowledged (0: none). */
export interface ReplicaWait {
  replicas: number
  timeoutMs: number
}

export const NO_REPLICA_WAIT: ReplicaWait = { replicas: 0, timeoutMs: 1000 }

/** Cluster replies that mean the command did not run and belongs to another node (now). */
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/

/**
 * Runs a script whose effect the caller acknowledges. With replicas to wait for, WAIT follows it in
 * the same pipeline (so, on a cluster, on the same master) and a write too few replicas confirmed in
 * time is JQ_ERR_NOT_REPLICATED (503), with the script's reply as `reply`: it ran, but a failover
 * now could still lose it. Every such script is safe to send again. Redis errors are thrown as the
 * client gave them; the caller sorts them (toQueueError).
 */
export async function writeAcknowledged (redis: RedisClient, wait: ReplicaWait, script: AcknowledgedWrite,
  keysAndArgs: Array<string | number>): Promise<any> {
  if (wait.replicas === 0) return redis[script](...keysAndArgs)
  for (let redirections = 0; ; redirections++) {
    const results = await redis.pipeline()[script](...keysAndArgs).wait(wait.replicas, wait.timeoutMs).exec()
    const [[scriptErr, reply], [waitErr, acked]] = results as Array<[Error | null, unknown]>
    // A cluster pipeline whose slot moved (a failover) is not redirected by ioredis when its
    // other command answered. The script did not run: a plain command on the same key lets the
    // client learn where the slot is now, and the pair is sent again.
    if (scriptErr && REDIRECTED.test(scriptErr.message) && redirections < 30) {
      await sleep(100)
      await redis.exists(String(keysAndArgs[0])).catch(() => {})
      continue
    }
    if (scriptErr) throw scriptErr
    if (waitErr) throw waitErr
    if ((acked as number) < wait.replicas) {
      throw Object.assign(new NotReplicatedError(acked as number, wait.replicas, wait.timeoutMs), { reply })
    }
    return reply
  }
}

/**
 * How many replicas have everything this client's connection to `key`'s master wrote so far, as
 * WAIT answers it: for a group of writes sent without a wait of their own, so that N writes cost one
 * wait, not N in turn (Redis blocks a connection in WAIT, so N waits on one connection add up).
 * True when at least `wait.replicas` confirmed within the timeout.
 */
export async function replicasConfirm (redis: RedisClient, wait: ReplicaWait, key: string): Promise<boolean> {
  // The keyed command routes the pipeline, WAIT included, to the connection that sent the writes.
  const results = await redis.pipeline().exists(key).wait(wait.replicas, wait.timeoutMs).exec()
  const [, [waitErr, acked]] = results as Array<[Error | null, unknown]>
  if (waitErr) throw waitErr
  return (acked as number) >= wait.replicas
}
