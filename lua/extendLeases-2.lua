--[[
  Heartbeat: pushes back the lease deadline of every job the caller still holds, in one call.
  KEYS[1] processing  ZSET  jobq:{q}:processing   score = lease deadline (ms)
  KEYS[2] jobs        HASH  jobq:{q}:jobs
  ARGV[1] now (ms)  ARGV[2] lease (ms)  ARGV[3..] job id, lease token, job id, lease token, ...
  Returns the ids whose lease is no longer the caller's (lapsed and taken back, or finished).
]]
--- @include "job"

local processingKey, jobsKey = KEYS[1], KEYS[2]
local deadline = tonumber(ARGV[1]) + tonumber(ARGV[2])
local lost = {}
for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local job = loadJob(jobsKey, id)
  if job and job[STATUS] == 'processing' and job[LEASE] == token then
    rcall('ZADD', processingKey, 'XX', deadline, id)
  else
    lost[#lost + 1] = id
  end
end
return lost
