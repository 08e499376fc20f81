--[[
  Deletes a schedule. Jobs its ticks enqueued stay; a worker about to fire it finds it gone.
  KEYS[1] schedules HASH  jobq:{q}:schedules  name -> schedule JSON
  KEYS[2] ticks     ZSET  jobq:{q}:ticks      name -> next tick (ms)
  ARGV[1] name
  Returns 1 when deleted, 0 when there was no such schedule.
]]
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])
