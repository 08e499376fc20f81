import type { Config } from '../../config/config.js'

/** The event stream's settings, as both registrations of the route (top level and /queues/{queue}) take them. */
export function eventLimits (config: Config): { maxBufferBytes: number, heartbeatMs: number } {
  return { maxBufferBytes: config.eventsClientBufferBytes, heartbeatMs: config.eventsHeartbeatMs }
}
