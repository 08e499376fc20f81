import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ClientContext, Result } from 'ioredis'
import type { RedisClient } from './redis.js'

/** Where the Lua scripts live; the same relative path from src/queue and dist/queue. */
export const luaDir = join(import.meta.dirname, '../../lua')

const SCRIPT_FILE = /^([a-z][A-Za-z]+)-(\d+)\.lua$/
const INCLUDE = /^--- @include "([a-z-]+)"$/gm

export interface ScriptSource {
  name: string
  numberOfKeys: number
  lua: string
}

/**
 * Reads lua/*.lua once. The file name gives the command name and its key count (`completeAndClaim-11.lua`),
 * so there is no second place to declare them; `--- @include "x"` lines inline lua/includes/x.lua.
 */
export function readScripts (dir = luaDir): ScriptSource[] {
  return readdirSync(dir).flatMap((file) => {
    const match = SCRIPT_FILE.exec(file)
    if (!match) return []
    const lua = readFileSync(join(dir, file), 'utf8').replace(INCLUDE, (_, include: string) =>
      readFileSync(join(dir, 'includes', `${include}.lua`), 'utf8'))
    return [{ name: match[1], numberOfKeys: Number(match[2]), lua }]
  })
}

let cached: ScriptSource[] | undefined

/** Defines every script as a command on the client; ioredis then calls EVALSHA and reloads on NOSCRIPT. */
export function defineScripts (redis: RedisClient): void {
  cached ??= readScripts()
  for (const script of cached) {
    redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua })
  }
}

type Arg = string | number

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    enqueueJobs(...args: Arg[]): Result<unknown, Context>
    completeAndClaim(...args: Arg[]): Result<unknown, Context>
    failJob(...args: Arg[]): Result<unknown, Context>
    extendLeases(...args: Arg[]): Result<unknown, Context>
    cancelJob(...args: Arg[]): Result<unknown, Context>
    updatePriority(...args: Arg[]): Result<unknown, Context>
    getJob(...args: Arg[]): Result<unknown, Context>
    getQueue(...args: Arg[]): Result<unknown, Context>
    listJobs(...args: Arg[]): Result<unknown, Context>
    listQueued(...args: Arg[]): Result<unknown, Context>
    retryJob(...args: Arg[]): Result<unknown, Context>
    putHandler(...args: Arg[]): Result<unknown, Context>
    rotateSecret(...args: Arg[]): Result<unknown, Context>
    trimHistory(...args: Arg[]): Result<unknown, Context>
    checkInvariants(...args: Arg[]): Result<unknown, Context>
    checkFormat(...args: Arg[]): Result<unknown, Context>
    pauseQueue(...args: Arg[]): Result<unknown, Context>
    pauseHandler(...args: Arg[]): Result<unknown, Context>
    deleteHandler(...args: Arg[]): Result<unknown, Context>
    reportAttempt(...args: Arg[]): Result<unknown, Context>
    putSchedule(...args: Arg[]): Result<unknown, Context>
    pauseSchedule(...args: Arg[]): Result<unknown, Context>
    deleteSchedule(...args: Arg[]): Result<unknown, Context>
    fireSchedule(...args: Arg[]): Result<unknown, Context>
    leaveIdle(...args: Arg[]): Result<unknown, Context>
  }
}
