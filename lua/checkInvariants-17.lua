--[[
  Audits a queue's keys and returns every broken invariant as a sentence (read only, O(N): for tests,
  the fault suite and operators, not for hot paths).
  - every member of a state set has a record whose status is that state, and is in no other set;
  - every record is in exactly the set its status names, under the key its seq gives;
  - the entity index points at records of that entity, and an active job is its entity's latest;
  - no entity has two active jobs;
  - no record's seq is past the sequence counter (the next enqueue would reuse its key);
  - a queue that holds jobs carries its format mark; a job names a schedule and a tick, or neither;
  - flow control (includes/flow.lua): every queued job is in its handler's ready set with its score
    and nothing else is; `heads` holds exactly the handlers with ready jobs that are not held, at
    their first job's score; a handler held by its rate is in `throttled`, and only then; the
    in-flight and scheduled counts of each handler are its jobs in those states;
  - schedules (src/queue/schedule-store.ts): each record is whole and stored under its own name;
    `ticks` holds exactly the schedules that are not paused and have a next run, scored by it (a
    paused one, or one whose expression never matches again, has none); its last run, outcome and
    job are all empty before its first firing, and a job is named unless the outcome was no_handler.
  - direct delivery (includes/pickup.lua): only a processing job has a pickup lease; a pickup list
    holds wake-up markers and jobs processing under a pickup lease of its own worker, each once; a
    worker registered in `idle` has no job waiting in its list.
  KEYS[1] processing  KEYS[2] scheduled  KEYS[3] completed  KEYS[4] failed  KEYS[5] cancelled
  (ZSETs jobq:{q}:<state>; queued jobs are in their handlers' ready sets)  KEYS[6] jobs HASH
  KEYS[7] entities HASH  KEYS[8] seq STRING  KEYS[9] format STRING
  KEYS[10] ready       PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[11] heads       ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[12] throttled   ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[13] flow        HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[14] schedules   HASH   jobq:{q}:schedules  name -> schedule JSON
  KEYS[15] ticks       ZSET   jobq:{q}:ticks      name -> next tick (ms), schedules not paused only
  KEYS[16] idle        ZSET   jobq:{q}:idle       workers waiting on their pickup list
  KEYS[17] pickup      PREFIX jobq:{q}:pickup:    not a key: the prefix of each worker's pickup list (found by SCAN)
  Returns { violation, ... } (empty when the queue is sound). Sentences name a job by its job_id
  while it has a record, else by its key.
]]
--- @include "job"
--- @include "flow"

local states = { 'processing', 'scheduled', 'completed', 'failed', 'cancelled' }
local jobsKey, entitiesKey, seqKey, formatKey = KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local lastSeq = tonumber(rcall('GET', seqKey) or 0)
local problems = {}
local function problem(text) problems[#problems + 1] = text end
local function name(key)
  local job = loadJob(jobsKey, key)
  return job and publicId(key, job) or ('key ' .. key)
end

local all = rcall('HGETALL', jobsKey)
local flow = newFlow(KEYS[10], KEYS[11], KEYS[12], KEYS[13])
-- Every handler the queue's data names: the tasks of its records and of its flow-control keys.
local tasks = {}
local function noteTask(task) tasks[task] = true end
for i = 2, #all, 2 do noteTask(decodeRecord(all[i])[TASK]) end
for _, task in ipairs(rcall('ZRANGE', flow.heads, 0, -1)) do noteTask(task) end
for _, task in ipairs(rcall('ZRANGE', flow.throttled, 0, -1)) do noteTask(task) end
local state = rcall('HGETALL', flow.state)
local stateOf = {}
for i = 1, #state, 2 do
  local kind, task = string.match(state[i], '^([a-z]+):(.*)$')
  if kind then
    noteTask(task)
    stateOf[state[i]] = state[i + 1]
  else
    problem('flow field ' .. state[i] .. ' is not of the form kind:task')
  end
end

-- The set each key is in, by the status it stands for; a queued job's set is its handler's ready set.
local memberOf, setOf = {}, {}
local function member(key, status, set)
  if memberOf[key] then problem(name(key) .. ' is in both ' .. setOf[key] .. ' and ' .. set) end
  memberOf[key], setOf[key] = status, set
end
for i, status in ipairs(states) do
  for _, key in ipairs(rcall('ZRANGE', KEYS[i], 0, -1)) do member(key, status, status) end
end
for task in pairs(tasks) do
  for _, key in ipairs(rcall('ZRANGE', flow.ready .. task, 0, -1)) do member(key, 'queued', 'the ready set of ' .. task) end
end

local activeByEntity = {}
for i = 1, #all, 2 do
  local key, job = all[i], decodeRecord(all[i + 1])
  local id, status = publicId(key, job), job[STATUS]
  if key ~= base62(job[SEQ], 1) then problem(id .. ' is stored under key ' .. key .. ', not that of seq ' .. job[SEQ]) end
  if job[SEQ] > lastSeq then problem(id .. ' has seq ' .. job[SEQ] .. ', past the sequence counter ' .. lastSeq) end
  if (job[SCHEDULE] == false) ~= (job[TICK] == false) then
    problem(id .. ' names schedule ' .. tostring(job[SCHEDULE]) .. ' with tick ' .. tostring(job[TICK]))
  end
  if memberOf[key] ~= status then
    problem(id .. ' has status ' .. tostring(status) .. ' but is in set ' .. tostring(memberOf[key]))
  end
  memberOf[key] = nil
  if isActive(job) then
    local entity = job[ENTITY]
    if activeByEntity[entity] then problem('entity ' .. entity .. ' has two active jobs') end
    activeByEntity[entity] = key
    if rcall('HGET', entitiesKey, entity) ~= key then problem('entity index of ' .. entity .. ' does not name its active job ' .. id) end
  end
end
for key, state in pairs(memberOf) do problem('key ' .. key .. ' is in ' .. state .. ' but has no record') end

local entities = rcall('HGETALL', entitiesKey)
for i = 1, #entities, 2 do
  local job = loadJob(jobsKey, entities[i + 1])
  if not job then
    problem('entity index of ' .. entities[i] .. ' names missing key ' .. entities[i + 1])
  elseif job[ENTITY] ~= entities[i] then
    problem('entity index of ' .. entities[i] .. ' names job ' .. publicId(entities[i + 1], job) .. ' of another entity')
  end
end
-- Flow control, counted from the records: per task, its queued jobs (key -> score) and counts.
local queuedOf, counted = {}, { inflight = {}, scheduled = {} }
for i = 1, #all, 2 do
  local job = decodeRecord(all[i + 1])
  local task, status = job[TASK], job[STATUS]
  if status == 'queued' then
    queuedOf[task] = queuedOf[task] or {}
    queuedOf[task][all[i]] = queueScore(job)
  elseif status == 'processing' then
    counted.inflight[task] = (counted.inflight[task] or 0) + 1
  elseif status == 'scheduled' then
    counted.scheduled[task] = (counted.scheduled[task] or 0) + 1
  end
end
for task in pairs(tasks) do
  local readyKey = flow.ready .. task
  local expected = queuedOf[task] or {}
  local ready = rcall('ZRANGE', readyKey, 0, -1, 'WITHSCORES')
  local inReady = {}
  for i = 1, #ready, 2 do
    inReady[ready[i]] = true
    if expected[ready[i]] == nil then
      problem('key ' .. ready[i] .. ' is in the ready set of ' .. task .. ' but is not a queued job of it')
    elseif expected[ready[i]] ~= tonumber(ready[i + 1]) then
      problem(name(ready[i]) .. ' has score ' .. ready[i + 1] .. ' in the ready set of ' .. task .. ', not ' .. string.format('%.0f', expected[ready[i]]))
    end
  end
  for key in pairs(expected) do
    if not inReady[key] then problem(name(key) .. ' is queued but not in the ready set of ' .. task) end
  end
  local held = stateOf['held:' .. task]
  local head = tonumber(rcall('ZSCORE', flow.heads, task))
  if held and head then problem('handler ' .. task .. ' is held (' .. held .. ') and in heads') end
  if not held and ready[1] and head ~= tonumber(ready[2]) then
    problem('handler ' .. task .. ' has ready jobs from ' .. ready[2] .. ' but its head is ' .. (head and string.format('%.0f', head) or 'none'))
  end
  if not ready[1] and head then problem('handler ' .. task .. ' is in heads with no ready job') end
  local throttled = rcall('ZSCORE', flow.throttled, task)
  if (held == 'rate') ~= (throttled ~= false) then
    problem('handler ' .. task .. ' is held ' .. tostring(held) .. ' but throttled ' .. tostring(throttled))
  end
  for kind, byTask in pairs(counted) do
    local stored = tonumber(stateOf[kind .. ':' .. task]) or 0
    if stored ~= (byTask[task] or 0) then
      problem('handler ' .. task .. ' counts ' .. stored .. ' ' .. kind .. ' jobs, not ' .. (byTask[task] or 0))
    end
  end
end

-- Schedules: their records against the `ticks` zset workers wait on.
local ticks = {}
local tickList = rcall('ZRANGE', KEYS[15], 0, -1, 'WITHSCORES')
for i = 1, #tickList, 2 do ticks[tickList[i]] = tonumber(tickList[i + 1]) end
local function isNull(v) return v == nil or v == cjson.null end
local function shown(v) return isNull(v) and 'null' or tostring(v) end
local function isTime(v) return type(v) == 'number' and v == math.floor(v) and v >= 0 end
local OUTCOMES = { created = true, priority_raised = true, exists = true, processing = true, no_handler = true }
local schedules = rcall('HGETALL', KEYS[14])
for i = 1, #schedules, 2 do
  local field, what = schedules[i], 'schedule ' .. schedules[i]
  local tick = ticks[field]
  ticks[field] = nil
  local decoded, s = pcall(cjson.decode, schedules[i + 1])
  if not decoded or type(s) ~= 'table' then
    problem(what .. ' is not a JSON object')
  else
    if s.name ~= field then problem(what .. ' is named ' .. shown(s.name) .. ' in its record') end
    if type(s.cron) ~= 'string' or type(s.timezone) ~= 'string' then problem(what .. ' lacks its cron expression or timezone') end
    if s.catch_up ~= 'last' and s.catch_up ~= 'none' then problem(what .. ' has catch_up ' .. shown(s.catch_up)) end
    local job = s.job
    if type(job) ~= 'table' or type(job.task) ~= 'string' or type(job.entity_id) ~= 'string'
        or (job.priority ~= 1 and job.priority ~= 2 and job.priority ~= 3)
        or type(job.args) ~= 'string' or type(job.kwargs) ~= 'string' or type(job.metadata) ~= 'string' then
      problem(what .. ' lacks a whole job (task, entity_id, priority 1-3, and args, kwargs, metadata as JSON text)')
    end
    if type(s.revision) ~= 'number' or s.revision < 1 or s.revision ~= math.floor(s.revision) then
      problem(what .. ' has revision ' .. shown(s.revision))
    end
    if not isTime(s.created_at) or not isTime(s.updated_at) or s.updated_at < s.created_at then
      problem(what .. ' was created at ' .. shown(s.created_at) .. ' and updated at ' .. shown(s.updated_at))
    end
    if type(s.paused) ~= 'boolean' then problem(what .. ' has paused ' .. shown(s.paused)) end
    if s.paused == true and not isNull(s.next_run_at) then problem(what .. ' is paused but runs next at ' .. shown(s.next_run_at)) end
    if isNull(s.next_run_at) then
      if tick then problem(what .. ' has no next run but waits in ticks for ' .. tick) end
    elseif not isTime(s.next_run_at) then
      problem(what .. ' runs next at ' .. shown(s.next_run_at) .. ', not a time')
    elseif tick ~= s.next_run_at then
      problem(what .. ' runs next at ' .. s.next_run_at .. ' but waits in ticks for ' .. shown(tick))
    end
    if isNull(s.last_run_at) ~= isNull(s.last_outcome) or (not isNull(s.last_run_at) and not isTime(s.last_run_at)) then
      problem(what .. ' last ran at ' .. shown(s.last_run_at) .. ' with outcome ' .. shown(s.last_outcome))
    end
    if not isNull(s.last_outcome) and not OUTCOMES[s.last_outcome] then problem(what .. ' has last outcome ' .. shown(s.last_outcome)) end
    if isNull(s.last_job_id) ~= (isNull(s.last_outcome) or s.last_outcome == 'no_handler') then
      problem(what .. ' has last outcome ' .. shown(s.last_outcome) .. ' with job ' .. shown(s.last_job_id))
    end
  end
end
for orphan, at in pairs(ticks) do problem('ticks waits for ' .. orphan .. ' at ' .. at .. ' but there is no such schedule') end

-- Direct delivery: pickup leases from the records, against every pickup list there is.
local pickupOf = {}
for i = 1, #all, 2 do
  local job = decodeRecord(all[i + 1])
  if isPickup(job[LEASE]) then
    if job[STATUS] ~= 'processing' then
      problem(publicId(all[i], job) .. ' is ' .. tostring(job[STATUS]) .. ' with the pickup lease ' .. job[LEASE])
    end
    pickupOf[all[i]] = pickupWorker(job[LEASE])
  end
end
local idleWorkers = {}
for _, worker in ipairs(rcall('ZRANGE', KEYS[16], 0, -1)) do idleWorkers[worker] = true end
local pickupPrefix = KEYS[17]
local pattern = string.gsub(pickupPrefix, '([%*%?%[%]\\])', '\\%1') .. '*'
local cursor = '0'
repeat
  local page = rcall('SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000)
  cursor = page[1]
  for _, listKey in ipairs(page[2]) do
    local worker = string.sub(listKey, #pickupPrefix + 1)
    local seen = {}
    for _, entry in ipairs(rcall('LRANGE', listKey, 0, -1)) do
      if entry ~= '' then
        local key, id = string.match(entry, '^(%S+) (%S+) ')
        local job = key and loadJob(jobsKey, key)
        if not job or publicId(key, job) ~= id then
          problem('the pickup list of ' .. worker .. ' holds ' .. string.sub(entry, 1, 40) .. ', which names no job')
        else
          if pickupOf[key] ~= worker then
            problem(id .. ' waits in the pickup list of ' .. worker .. ' but is ' .. tostring(job[STATUS]) .. ' with lease ' .. tostring(job[LEASE]))
          end
          if seen[key] then problem(id .. ' is in the pickup list of ' .. worker .. ' twice') end
          if idleWorkers[worker] then problem('worker ' .. worker .. ' is registered idle with ' .. id .. ' waiting in its pickup list') end
          seen[key] = true
        end
      end
    end
  end
until cursor == '0'

local mark = formatMark(formatKey, jobsKey, seqKey)
if mark == false then problem('the queue holds jobs but no format mark') end
if mark and mark ~= DATA_FORMAT then problem('the queue is marked format ' .. mark .. ', not ' .. DATA_FORMAT) end
return problems
