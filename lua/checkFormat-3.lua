--[[
  Whether this version can read the queue's data, asked by every API and worker process before it
  uses the queue. A queue with no data yet is marked with this version's format.
  KEYS[1] format  STRING  jobq:{q}:format
  KEYS[2] jobs    HASH    jobq:{q}:jobs
  KEYS[3] seq     STRING  jobq:{q}:seq
  Returns { this version's format, the queue's format or false when its data has no mark }: equal
  when the queue can be used.
]]
--- @include "job"

local formatKey, jobsKey, seqKey = KEYS[1], KEYS[2], KEYS[3]
local mark = formatMark(formatKey, jobsKey, seqKey)
if mark == nil then
  rcall('SET', formatKey, DATA_FORMAT)
  mark = DATA_FORMAT
end
return { DATA_FORMAT, mark }
