-- Reserve: hold ARGV amount in every scope, or refuse naming the first scope without room.
-- KEYS[1] lease zset, KEYS[2] reservation hash, KEYS[3..2+n] scope hashes
-- ARGV[1] reservation id, ARGV[2] amount, ARGV[3] now ms ('' = server TIME), ARGV[4] lease ms,
-- ARGV[5] settled ttl ms, ARGV[6] reservation key prefix, ARGV[7] n,
-- ARGV[8..7+n] limits ('-1' = unlimited), ARGV[8+n..7+2n] retain-until ms
local amount = ARGV[2]
local now = now_ms(ARGV[3])
reclaim(KEYS[1], now, ARGV[6], ARGV[5])
local n = tonumber(ARGV[7])
local scopes = {}
for i = 1, n do scopes[i] = KEYS[2 + i] end

local st = redis.call('HGET', KEYS[2], 'st')
if st then
  if st == 'held' then return balances('GRANTED', 0, scopes) end
  return {'SETTLED', '0'}
end

local amt = tonumber(amount)
for i = 1, n do
  local limit = ARGV[7 + i]
  if limit ~= '-1' then
    local v = redis.call('HMGET', scopes[i], 'spent', 'held')
    local used = tonumber(v[1] or '0') + tonumber(v[2] or '0')
    if used + amt > tonumber(limit) then return balances('REFUSED', i, scopes) end
  end
end

local lease_until = now + tonumber(ARGV[4])
local record = {'st', 'held', 'amt', amount, 'n', tostring(n), 'exp', tostring(lease_until)}
for i = 1, n do
  if amount ~= '0' then
    redis.call('HINCRBY', scopes[i], 'held', amount)
  else
    redis.call('HSETNX', scopes[i], 'held', '0')
  end
  redis.call('PEXPIRE', scopes[i], ttl_until(ARGV[7 + n + i], now))
  record[#record + 1] = 'k' .. i
  record[#record + 1] = scopes[i]
  record[#record + 1] = 'r' .. i
  record[#record + 1] = ARGV[7 + n + i]
end
redis.call('HSET', KEYS[2], unpack(record))
redis.call('ZADD', KEYS[1], lease_until, ARGV[1])
return balances('GRANTED', 0, scopes)
