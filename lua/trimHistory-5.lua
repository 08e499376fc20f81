--[[
  Drops finished jobs older than their retention, in bounded steps (called on a timer by the API).
  KEYS[1] completed  ZSET  jobq:{q}:completed
  KEYS[2] failed     ZSET  jobq:{q}:failed
  KEYS[3] cancelled  ZSET  jobq:{q}:cancelled
  KEYS[4] jobs       HASH  jobq:{q}:jobs
  KEYS[5] entities   HASH  jobq:{q}:entities
  ARGV[1] now (ms)  ARGV[2] completed retention (ms)  ARGV[3] failed retention (ms)  ARGV[4] limit
  Returns the number of jobs dropped.
]]
--- @include "job"

local now, limit = tonumber(ARGV[1]), tonumber(ARGV[4])
local dropped = trimFinished(KEYS[1], KEYS[4], KEYS[5], now - tonumber(ARGV[2]), limit)
dropped = dropped + trimFinished(KEYS[2], KEYS[4], KEYS[5], now - tonumber(ARGV[3]), limit)
dropped = dropped + trimFinished(KEYS[3], KEYS[4], KEYS[5], now - tonumber(ARGV[2]), limit)
return dropped
