--[[
  Counts of every state and the runtime statistics, read in one consistent step (read only).
  KEYS[1] queued      ZSET  jobq:{q}:queued
  KEYS[2] processing  ZSET  jobq:{q}:processing
  KEYS[3] scheduled   ZSET  jobq:{q}:scheduled
  KEYS[4] completed   ZSET  jobq:{q}:completed
  KEYS[5] failed      ZSET  jobq:{q}:failed
  KEYS[6] cancelled   ZSET  jobq:{q}:cancelled
  KEYS[7] stats       HASH  jobq:{q}:stats
  KEYS[8] jobs        HASH  jobq:{q}:jobs
  KEYS[9] paused      STRING jobq:{q}:paused
  Returns { queued, priority 1, priority 2, priority 3, processing, scheduled, completed, failed,
            cancelled, processed, runtime sum, runtime min, runtime max, oldest queued_at or false,
            1 when paused else 0 }
]]
--- @include "job"

local queuedKey = KEYS[1]
local reply = { rcall('ZCARD', queuedKey) }
for p = 1, 3 do
  reply[#reply + 1] = rcall('ZCOUNT', queuedKey, p * BAND, '(' .. ((p + 1) * BAND))
end
for i = 2, 6 do reply[#reply + 1] = rcall('ZCARD', KEYS[i]) end
local stats = rcall('HMGET', KEYS[7], 'processed', 'runtime_sum', 'runtime_min', 'runtime_max')
for i = 1, 4 do reply[#reply + 1] = tonumber(stats[i]) or false end

-- Within a band jobs wait in first-enqueue order, so the oldest job is the first of some band.
local oldest = false
for p = 1, 3 do
  local first = rcall('ZRANGEBYSCORE', queuedKey, p * BAND, '(' .. ((p + 1) * BAND), 'LIMIT', 0, 1)[1]
  local job = first and loadJob(KEYS[8], first)
  if job and (not oldest or job[QUEUED_AT] < oldest) then oldest = job[QUEUED_AT] end
end
reply[#reply + 1] = oldest
reply[#reply + 1] = rcall('EXISTS', KEYS[9])
return reply
