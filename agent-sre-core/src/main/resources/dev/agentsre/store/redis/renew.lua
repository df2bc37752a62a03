-- Renew the lease of an open reservation.
-- KEYS[1] lease zset, KEYS[2] reservation hash; ARGV[1] id, ARGV[2] now ms ('' = server TIME), ARGV[3] lease ms
if redis.call('HGET', KEYS[2], 'st') ~= 'held' then return 0 end
local lease_until = now_ms(ARGV[2]) + tonumber(ARGV[3])
redis.call('HSET', KEYS[2], 'exp', tostring(lease_until))
redis.call('ZADD', KEYS[1], 'XX', lease_until, ARGV[1])
return 1
