--[[
  One page of the jobs in a state set, in that set's order (lease deadline for `processing`,
  failure time for `failed`, then the job's key), after a cursor. Read only. (Queued jobs have no
  set of their own: lua/listQueued-5.lua.)
  KEYS[1] set     ZSET  jobq:{q}:processing or :failed   members are keys (includes/job.lua)
  KEYS[2] jobs    HASH  jobq:{q}:jobs
  ARGV[1] cursor score or '' for the first page  ARGV[2] cursor member  ARGV[3] page size
  The cursor is the last listed (score, member): a key, not a job_id, so that it compares with the
  set's members as Redis orders them, and a job gone since the last page still marks the place.
  Returns { next cursor score or false, next cursor member or false, job reply... } with job replies
  as in includes/job.lua pushJob (code 1).
]]
--- @include "job"

local setKey, jobsKey = KEYS[1], KEYS[2]
local limit = tonumber(ARGV[3])
local page = {}

-- Whether a sorts after b as Redis orders members of one score: by bytes. Lua's `>` on strings
-- follows the server's locale (strcoll), which may fold the case of mixed-case keys.
local function after(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end

-- Members sharing the cursor's score come in lexical order; take those after the cursor's member.
if ARGV[1] ~= '' then
  local same = rcall('ZRANGEBYSCORE', setKey, ARGV[1], ARGV[1], 'WITHSCORES')
  for i = 1, #same, 2 do
    if #page / 2 < limit and after(same[i], ARGV[2]) then
      page[#page + 1] = same[i]
      page[#page + 1] = same[i + 1]
    end
  end
end
local left = limit - #page / 2
if left > 0 then
  local from = '-inf'
  if ARGV[1] ~= '' then from = '(' .. ARGV[1] end
  local rest = rcall('ZRANGEBYSCORE', setKey, from, '+inf', 'WITHSCORES', 'LIMIT', 0, left)
  for i = 1, #rest do page[#page + 1] = rest[i] end
end

local reply = {false, false}
if #page / 2 == limit then
  local more = rcall('ZRANGEBYSCORE', setKey, '(' .. page[#page], '+inf', 'LIMIT', 0, 1)
  local sameScoreAfter = rcall('ZRANGEBYSCORE', setKey, page[#page], page[#page])
  if #more > 0 or after(sameScoreAfter[#sameScoreAfter], page[#page - 1]) then
    reply[1], reply[2] = page[#page], page[#page - 1]
  end
end
for i = 1, #page, 2 do
  local key = page[i]
  local job = loadJob(jobsKey, key)
  -- Neither processing nor failed jobs have positions.
  if job then pushJob(reply, 1, key, job, false, false) end
end
return reply
