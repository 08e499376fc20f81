--[[
  Heartbeat: pushes back the lease deadline of every job the caller still holds, in one call.
  KEYS[1] processing  ZSET  jobq:{q}:processing   score = lease deadline (ms)
  KEYS[2] jobs        HASH  jobq:{q}:jobs          key -> record; the set holds keys (includes/job.lua)
  ARGV[1] now (ms)  ARGV[2] lease (ms)  ARGV[3..] job id, lease token, job id, lease token, ...
  Returns the job ids (as given) whose lease is no longer the caller's (lapsed and taken back, or
  finished, or handed to its async handler, whose lease it is now: see reportAttempt).
  A job pushed to an idle worker (includes/pickup.lua) is confirmed here: its pickup lease becomes
  the plain token the worker holds, with a whole lease.
  Works while Redis is at maxmemory: Redis refuses a script's first write there only when it is a
  command that may grow memory, so the deadline is moved by ZREM then ZADD (ZADD first would be
  refused, every lease of a callback longer than JOBQ_LEASE_MS would lapse and its job run again).
]]
--- @include "job"

local processingKey, jobsKey = KEYS[1], KEYS[2]
local deadline = tonumber(ARGV[1]) + tonumber(ARGV[2])
local lost = {}
for i = 3, #ARGV, 2 do
  local key, job = findJob(jobsKey, ARGV[i])
  -- A worker's heartbeat may still name a job its callback just handed off (202): the lease the
  -- handler asked for is not the worker's to shorten or lengthen.
  if job and job[STATUS] == 'processing' and holdsLease(job, ARGV[i + 1]) and not job[HELD_UNTIL] then
    if rcall('ZREM', processingKey, key) == 1 then
      rcall('ZADD', processingKey, deadline, key)
      if job[LEASE] ~= ARGV[i + 1] then
        job[LEASE] = ARGV[i + 1]
        saveJob(jobsKey, key, job)
      end
    end
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
