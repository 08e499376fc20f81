--[[
  Pauses or resumes a queue. Paused, no job is claimed (callbacks in flight finish, enqueues,
  priority changes and cancels go on, jobs keep their places); resumed, idle workers are woken.
  KEYS[1] paused  STRING   jobq:{q}:paused   present while the queue is paused
  KEYS[2] wake    CHANNEL  jobq:{q}:wake     not a key: published to on resume
  ARGV[1] '1' to pause, '0' to resume
  Returns 1 when the queue is now paused, 0 when it runs. Repeating either changes nothing.
]]
if ARGV[1] == '1' then
  redis.call('SET', KEYS[1], '1')
  return 1
end
if redis.call('DEL', KEYS[1]) == 1 then redis.call('PUBLISH', KEYS[2], '') end
return 0
