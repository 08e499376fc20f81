--[[
  Gives a handler a new signing secret. Its current secrets stay valid until now + grace, so
  callbacks carry both signatures meanwhile (Standard Webhooks allows several) and a handler can
  switch over without dropping one. Secrets already past their expiry are dropped.
  KEYS[1] handlers  HASH  jobq:{q}:handlers   name -> handler JSON
  ARGV[1] name  ARGV[2] new secret  ARGV[3] now (ms)  ARGV[4] grace (ms)
  Returns the handler JSON, or false when there is no such handler.
]]
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local now, expiry = tonumber(ARGV[3]), tonumber(ARGV[3]) + tonumber(ARGV[4])
local handler = cjson.decode(raw)
local secrets = { { secret = ARGV[2], expires_at = false } }
for _, s in ipairs(handler.secrets) do
  local expires = s.expires_at
  if not expires or expires > expiry then expires = expiry end
  if expires > now then secrets[#secrets + 1] = { secret = s.secret, expires_at = expires } end
end
handler.secrets = secrets
handler.updated_at = now
raw = cjson.encode(handler)
redis.call('HSET', KEYS[1], ARGV[1], raw)
return raw
