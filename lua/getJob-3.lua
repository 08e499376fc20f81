--[[
  Reads one job and its positions in one consistent step (read only).
  KEYS[1] queued    ZSET  jobq:{q}:queued
  KEYS[2] jobs      HASH  jobq:{q}:jobs
  KEYS[3] entities  HASH  jobq:{q}:entities
  ARGV[1] job id or entity id
  Returns a job reply (includes/job.lua pushJob) with code 1. Errors -1 no such job.
]]
--- @include "job"

local key, job = resolveJob(KEYS[2], KEYS[3], ARGV[1])
if not key then return -1 end
return pushJob({}, 1, key, job, positions(KEYS[1], key, job))
