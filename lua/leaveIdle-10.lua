--[[
  A worker stops waiting on its pickup list for good (shutdown): it leaves `idle`, and the jobs pushed
  to its list that it never popped go back to their place without counting the attempt
  (includes/pickup.lua). Safe to repeat: a second call finds nothing left.
  KEYS[1] idle        ZSET   jobq:{q}:idle        workers waiting on their pickup list
  KEYS[2] pickup      PREFIX jobq:{q}:pickup:     not a key: the prefix of each worker's pickup list
  KEYS[3] processing  ZSET   jobq:{q}:processing
  KEYS[4] jobs        HASH   jobq:{q}:jobs
  KEYS[5] ready       PREFIX jobq:{q}:ready:      not a key: the prefix of each handler's ready zset (includes/flow.lua)
  KEYS[6] heads       ZSET   jobq:{q}:heads
  KEYS[7] throttled   ZSET   jobq:{q}:throttled
  KEYS[8] flow        HASH   jobq:{q}:flow
  KEYS[9] events      STREAM jobq:{q}:events
  KEYS[10] wake       CHANNEL jobq:{q}:wake       not a key: published to when jobs go back
  ARGV[1] worker id  ARGV[2] now (ms)
  Returns how many jobs went back.
]]
--- @include "job"
--- @include "flow"
--- @include "pickup"

local worker, now = ARGV[1], tonumber(ARGV[2])
local pick = newPickup(KEYS[1], KEYS[2], KEYS[3], false, false, KEYS[4], KEYS[9])
local flow = newFlow(KEYS[5], KEYS[6], KEYS[7], KEYS[8])
rcall('ZREM', pick.idle, worker)
local listKey = pick.prefix .. worker
local entries = rcall('LRANGE', listKey, 0, -1)
rcall('DEL', listKey)
local returned = 0
for _, entry in ipairs(entries) do
  local key = string.match(entry, '^(%S+) ')
  local job = key and loadJob(pick.jobs, key)
  if job and job[STATUS] == 'processing' and not job[HELD_UNTIL] and pickupWorker(job[LEASE]) == worker then
    returnPickup(pick, flow, now, key, job)
    returned = returned + 1
  end
end
if returned > 0 then wakeWorkers(KEYS[10]) end
return returned
