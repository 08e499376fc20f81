--[[
  Whether this version can read the queue's data, asked by every API and worker process before it
  uses the queue. A queue with no data yet is marked with this version's format. An older queue is
  brought to format 4 here, once, step by step:
  - format 1 (before flow control): its queued jobs enter their handlers' ready sets and the
    handlers' in-flight and scheduled counts are taken from the records: one step over every
    waiting job (about a second per 200,000 here), while nothing else runs;
  - format 2 kept every queued job twice, in its handler's ready set and in the queue's `queued`
    zset; format 3 keeps only the ready sets, so the `queued` zset goes (UNLINK: freed off the
    main thread), and goes again at every later check should an older process have written it;
  - format 3 wrote each event stream entry as a field per value; format 4 packs them into one
    (includes/job.lua emitEvent). Entries already written stay as they are (this version reads
    both), so only the mark changes: a format 3 API would misread the new entries.
  KEYS[1] format      STRING  jobq:{q}:format
  KEYS[2] jobs        HASH    jobq:{q}:jobs
  KEYS[3] seq         STRING  jobq:{q}:seq
  KEYS[4] queued      ZSET    jobq:{q}:queued     formats 1 and 2 only
  KEYS[5] processing  ZSET    jobq:{q}:processing
  KEYS[6] scheduled   ZSET    jobq:{q}:scheduled
  KEYS[7] ready       PREFIX  jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[8] heads       ZSET    jobq:{q}:heads
  KEYS[9] throttled   ZSET    jobq:{q}:throttled
  KEYS[10] flow       HASH    jobq:{q}:flow
  Returns { this version's format, the queue's format or false when its data has no mark }: equal
  when the queue can be used.
]]
--- @include "job"
--- @include "flow"

local formatKey, jobsKey, seqKey = KEYS[1], KEYS[2], KEYS[3]
local mark = formatMark(formatKey, jobsKey, seqKey)
if mark == nil then
  rcall('SET', formatKey, DATA_FORMAT)
  mark = DATA_FORMAT
end

if mark == '1' then
  local flow = newFlow(KEYS[7], KEYS[8], KEYS[9], KEYS[10])
  local tasks = {}
  -- The records decide, not the zset: a process of this version may have cancelled a job or
  -- changed its priority on this queue before it was upgraded, writing the record but not `queued`.
  local queued = rcall('ZRANGE', KEYS[4], 0, -1)
  for _, key in ipairs(queued) do
    local job = loadJob(jobsKey, key)
    if job and job[STATUS] == 'queued' then
      rcall('ZADD', flow.ready .. job[TASK], queueScore(job), key)
      tasks[job[TASK]] = true
    end
  end
  for task in pairs(tasks) do refreshHead(flow, task) end
  for _, pair in ipairs({ { KEYS[5], 'inflight:' }, { KEYS[6], 'scheduled:' } }) do
    for _, key in ipairs(rcall('ZRANGE', pair[1], 0, -1)) do
      local job = loadJob(jobsKey, key)
      if job then rcall('HINCRBY', flow.state, pair[2] .. job[TASK], 1) end
    end
  end
  mark = '2'
end
if mark == '2' then mark = '3' end
if mark == '3' then
  rcall('SET', formatKey, DATA_FORMAT)
  mark = DATA_FORMAT
end
-- Also once upgraded: a format 2 worker still running after the upgrade writes `queued` again
-- (its retries and releases), and nothing of this format would ever read or empty it.
if mark == DATA_FORMAT then rcall('UNLINK', KEYS[4]) end
return { DATA_FORMAT, mark }
