--[[
  One page of the queued jobs in dispatch order (priority band, then first-enqueue order) after a
  cursor, with their positions. Read only. The queue's order is the merge of its handlers' ready
  sets by score (includes/flow.lua); a score is unique (it holds the job's seq), so the cursor's
  score alone marks the place, also when the job it names has left the queue since.
  KEYS[1] jobs         HASH   jobq:{q}:jobs
  KEYS[2] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[3] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[4] throttled    ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[5] flow         HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  ARGV[1] cursor score or '' for the first page  ARGV[2] cursor member (unused: the score is enough)
  ARGV[3] page size
  Returns { next cursor score or false, next cursor member or false, job reply... } with job replies
  as in includes/job.lua pushJob (code 1), as listJobs answers.
]]
--- @include "job"
--- @include "flow"

local jobsKey = KEYS[1]
local flow = newFlow(KEYS[2], KEYS[3], KEYS[4], KEYS[5])
local limit = tonumber(ARGV[3])
local from = '-inf'
if ARGV[1] ~= '' then from = '(' .. ARGV[1] end

-- The first limit + 1 of each handler hold the first limit + 1 of the merge (one more tells
-- whether there is a next page).
local merged = {}
for _, task in ipairs(waitingTasks(flow)) do
  local part = rcall('ZRANGEBYSCORE', flow.ready .. task, from, '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 1)
  for i = 1, #part, 2 do merged[#merged + 1] = { key = part[i], score = tonumber(part[i + 1]), raw = part[i + 1] } end
end
table.sort(merged, function (a, b) return a.score < b.score end)

local reply = { false, false }
local shown = math.min(#merged, limit)
if #merged > limit then reply[1], reply[2] = merged[shown].raw, merged[shown].key end
local position, band, inBand = nil, nil, nil
for i = 1, shown do
  local key = merged[i].key
  local job = loadJob(jobsKey, key)
  if job then
    -- The page's jobs follow one another in the queue: positions are counted once, then stepped.
    if not position then
      position, inBand = positions(flow, key, job)
      band = job[PRIORITY]
    else
      position = position + 1
      if job[PRIORITY] == band then inBand = inBand + 1 else band, inBand = job[PRIORITY], 1 end
    end
    pushJob(reply, 1, key, job, position, inBand)
  end
end
return reply
