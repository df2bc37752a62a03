-- Clear a flag: KEYS[1] flag hash, KEYS[2] version counter; ARGV[1] key, ARGV[2] channel.
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if removed == 1 then
  redis.call('INCR', KEYS[2])
  redis.call('PUBLISH', ARGV[2], ARGV[1])
end
return removed
