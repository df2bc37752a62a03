-- Commit, release or charge, idempotent by id.
-- KEYS[1] lease zset, KEYS[2] reservation hash, KEYS[3..2+n] scope hashes (charge only)
-- ARGV[1] mode ('commit' | 'release' | 'charge'), ARGV[2] amount, ARGV[3] id, ARGV[4] settled ttl ms,
-- ARGV[5] now ms ('' = server TIME), ARGV[6] n, ARGV[7..6+n] retain-until ms (charge only)
local mode = ARGV[1]
local amount = ARGV[2]
local now = now_ms(ARGV[5])
local r = hash_of(KEYS[2])
local st = r['st']

if not st then
  if mode ~= 'charge' then return {'UNKNOWN', '0'} end
  local n = tonumber(ARGV[6])
  local scopes = {}
  local record = {'st', 'done', 'amt', amount, 'n', tostring(n)}
  for i = 1, n do
    scopes[i] = KEYS[2 + i]
    if amount ~= '0' then
      redis.call('HINCRBY', scopes[i], 'spent', amount)
    else
      redis.call('HSETNX', scopes[i], 'spent', '0')
    end
    redis.call('PEXPIRE', scopes[i], ttl_until(ARGV[6 + i], now))
    record[#record + 1] = 'k' .. i
    record[#record + 1] = scopes[i]
    record[#record + 1] = 'r' .. i
    record[#record + 1] = ARGV[6 + i]
  end
  redis.call('HSET', KEYS[2], unpack(record))
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  return balances('APPLIED', 0, scopes)
end

local scopes = stored_keys(r)
if st == 'done' then return balances('REPEATED', 0, scopes) end

-- held, or expired (its lease was reclaimed: no hold to drop, but a late commit still charges)
local minus = negate(r['amt'])
for j, sk in ipairs(scopes) do
  local exists = redis.call('EXISTS', sk) == 1
  if st == 'held' and minus and exists then redis.call('HINCRBY', sk, 'held', minus) end
  if mode ~= 'release' then
    if amount ~= '0' then redis.call('HINCRBY', sk, 'spent', amount) end
    if not exists then redis.call('PEXPIRE', sk, ttl_until(r['r' .. j], now)) end
  end
end
redis.call('HSET', KEYS[2], 'st', 'done')
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZREM', KEYS[1], ARGV[3])
if st == 'expired' and mode == 'release' then return balances('REPEATED', 0, scopes) end
return balances('APPLIED', 0, scopes)
