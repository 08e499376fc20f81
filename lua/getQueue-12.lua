--[[
  Counts of every state and the runtime statistics, read in one consistent step (read only).
  KEYS[1] processing  ZSET  jobq:{q}:processing
  KEYS[2] scheduled   ZSET  jobq:{q}:scheduled
  KEYS[3] completed   ZSET  jobq:{q}:completed
  KEYS[4] failed      ZSET  jobq:{q}:failed
  KEYS[5] cancelled   ZSET  jobq:{q}:cancelled
  KEYS[6] stats       HASH  jobq:{q}:stats
  KEYS[7] jobs        HASH  jobq:{q}:jobs
  KEYS[8] paused      STRING jobq:{q}:paused
  KEYS[9] ready       PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[10] heads      ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[11] throttled  ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[12] flow       HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  Returns { queued, priority 1, priority 2, priority 3, processing, scheduled, completed, failed,
            cancelled, processed, runtime sum, runtime min, runtime max, oldest queued_at or false,
            1 when paused else 0 }
]]
--- @include "job"
--- @include "flow"

local flow = newFlow(KEYS[9], KEYS[10], KEYS[11], KEYS[12])
local bands = bandCounts(flow)
local reply = { bands[1] + bands[2] + bands[3], bands[1], bands[2], bands[3] }
for i = 1, 5 do reply[#reply + 1] = rcall('ZCARD', KEYS[i]) end
local stats = rcall('HMGET', KEYS[6], 'processed', 'runtime_sum', 'runtime_min', 'runtime_max')
for i = 1, 4 do reply[#reply + 1] = tonumber(stats[i]) or false end

-- Within a band jobs wait in first-enqueue order, so the oldest queued job is the first of some
-- band: the lowest score of that band over the handlers' ready sets.
local oldest = false
for p = 1, 3 do
  local first, firstScore = nil, nil
  for _, task in ipairs(waitingTasks(flow)) do
    local head = rcall('ZRANGEBYSCORE', flow.ready .. task, p * BAND, below((p + 1) * BAND), 'WITHSCORES', 'LIMIT', 0, 1)
    if head[1] and (not firstScore or tonumber(head[2]) < firstScore) then first, firstScore = head[1], tonumber(head[2]) end
  end
  local job = first and loadJob(KEYS[7], first)
  if job and (not oldest or job[QUEUED_AT] < oldest) then oldest = job[QUEUED_AT] end
end
reply[#reply + 1] = oldest
reply[#reply + 1] = rcall('EXISTS', KEYS[8])
return reply
