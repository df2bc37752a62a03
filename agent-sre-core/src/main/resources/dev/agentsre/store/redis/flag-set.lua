-- Set a flag: KEYS[1] flag hash, KEYS[2] version counter.
-- ARGV[1] key, ARGV[2] encoded flag ("setAt|expiresAt|value", expiresAt -1 = never), ARGV[3] max flags,
-- ARGV[4] channel, ARGV[5] now ms
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  -- full: drop lapsed flags first
  local now = tonumber(ARGV[5])
  local flat = redis.call('HGETALL', KEYS[1])
  for i = 1, #flat, 2 do
    local expires = tonumber(string.match(flat[i + 1], '^%-?%d+|(%-?%d+)|'))
    if expires and expires >= 0 and expires <= now then redis.call('HDEL', KEYS[1], flat[i]) end
  end
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return redis.error_reply('FULL flag store holds its maximum of ' .. ARGV[3] .. ' flags') end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[4], ARGV[1])
return v
