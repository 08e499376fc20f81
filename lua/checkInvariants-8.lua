--[[
  Audits a queue's keys and returns every broken invariant as a sentence (read only, O(N): for tests,
  the fault suite and operators, not for hot paths).
  - every member of a state set has a record whose status is that state, and is in no other set;
  - every record is in exactly the set its status names;
  - the entity index points at records of that entity, and an active job is its entity's latest;
  - no entity has two active jobs.
  KEYS[1] queued  KEYS[2] processing  KEYS[3] scheduled  KEYS[4] completed  KEYS[5] failed
  KEYS[6] cancelled  (ZSETs jobq:{q}:<state>)  KEYS[7] jobs HASH  KEYS[8] entities HASH
  Returns { violation, ... } (empty when the queue is sound).
]]
--- @include "job"

local states = { 'queued', 'processing', 'scheduled', 'completed', 'failed', 'cancelled' }
local jobsKey, entitiesKey = KEYS[7], KEYS[8]
local problems = {}
local function problem(text) problems[#problems + 1] = text end

local memberOf = {}
for i, state in ipairs(states) do
  for _, id in ipairs(rcall('ZRANGE', KEYS[i], 0, -1)) do
    if memberOf[id] then problem(id .. ' is in both ' .. memberOf[id] .. ' and ' .. state) end
    memberOf[id] = state
  end
end

local activeByEntity = {}
local all = rcall('HGETALL', jobsKey)
for i = 1, #all, 2 do
  local id, job = all[i], decodeRecord(all[i + 1])
  local status = job[STATUS]
  if memberOf[id] ~= status then
    problem(id .. ' has status ' .. tostring(status) .. ' but is in set ' .. tostring(memberOf[id]))
  end
  memberOf[id] = nil
  if isActive(job) then
    local entity = job[ENTITY]
    if activeByEntity[entity] then problem('entity ' .. entity .. ' has two active jobs') end
    activeByEntity[entity] = id
    if rcall('HGET', entitiesKey, entity) ~= id then problem('entity index of ' .. entity .. ' does not name its active job ' .. id) end
  end
end
for id, state in pairs(memberOf) do problem(id .. ' is in ' .. state .. ' but has no record') end

local entities = rcall('HGETALL', entitiesKey)
for i = 1, #entities, 2 do
  local job = loadJob(jobsKey, entities[i + 1])
  if not job then
    problem('entity index of ' .. entities[i] .. ' names missing job ' .. entities[i + 1])
  elseif job[ENTITY] ~= entities[i] then
    problem('entity index of ' .. entities[i] .. ' names job ' .. entities[i + 1] .. ' of another entity')
  end
end
return problems
