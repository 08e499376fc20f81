--[[
  Audits a queue's keys and returns every broken invariant as a sentence (read only, O(N): for tests,
  the fault suite and operators, not for hot paths).
  - every member of a state set has a record whose status is that state, and is in no other set;
  - every record is in exactly the set its status names, under the key its seq gives;
  - the entity index points at records of that entity, and an active job is its entity's latest;
  - no entity has two active jobs;
  - no record's seq is past the sequence counter (the next enqueue would reuse its key);
  - a queue that holds jobs carries its format mark.
  KEYS[1] queued  KEYS[2] processing  KEYS[3] scheduled  KEYS[4] completed  KEYS[5] failed
  KEYS[6] cancelled  (ZSETs jobq:{q}:<state>)  KEYS[7] jobs HASH  KEYS[8] entities HASH
  KEYS[9] seq STRING  KEYS[10] format STRING
  Returns { violation, ... } (empty when the queue is sound). Sentences name a job by its job_id
  while it has a record, else by its key.
]]
--- @include "job"

local states = { 'queued', 'processing', 'scheduled', 'completed', 'failed', 'cancelled' }
local jobsKey, entitiesKey, seqKey, formatKey = KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local lastSeq = tonumber(rcall('GET', seqKey) or 0)
local problems = {}
local function problem(text) problems[#problems + 1] = text end
local function name(key)
  local job = loadJob(jobsKey, key)
  return job and publicId(key, job) or ('key ' .. key)
end

local memberOf = {}
for i, state in ipairs(states) do
  for _, key in ipairs(rcall('ZRANGE', KEYS[i], 0, -1)) do
    if memberOf[key] then problem(name(key) .. ' is in both ' .. memberOf[key] .. ' and ' .. state) end
    memberOf[key] = state
  end
end

local activeByEntity = {}
local all = rcall('HGETALL', jobsKey)
for i = 1, #all, 2 do
  local key, job = all[i], decodeRecord(all[i + 1])
  local id, status = publicId(key, job), job[STATUS]
  if key ~= base62(job[SEQ], 1) then problem(id .. ' is stored under key ' .. key .. ', not that of seq ' .. job[SEQ]) end
  if job[SEQ] > lastSeq then problem(id .. ' has seq ' .. job[SEQ] .. ', past the sequence counter ' .. lastSeq) end
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
local mark = formatMark(formatKey, jobsKey, seqKey)
if mark == false then problem('the queue holds jobs but no format mark') end
if mark and mark ~= DATA_FORMAT then problem('the queue is marked format ' .. mark .. ', not ' .. DATA_FORMAT) end
return problems
