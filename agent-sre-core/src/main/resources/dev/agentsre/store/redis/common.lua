-- Shared by the budget scripts. Money travels as decimal strings and is only ever handed to Redis
-- as the strings it came in (Lua 5.1 numbers are doubles: tostring would turn 1e14 into "1e+14").
-- Comparisons use tonumber, exact below 2^53 nano-dollars (the stores' MAX_AMOUNT_NANOS).

local function now_ms(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Milliseconds from now until a scope's retain-until (which is on the store's clock, like now), at
-- least a minute: keys expire relative to the same clock the leases use.
local function ttl_until(retain, now)
  local t = tonumber(retain) - now
  if t < 60000 then t = 60000 end
  return string.format('%d', t)
end

-- '-' .. amount, or nil for zero ("-0" is not an integer to HINCRBY)
local function negate(amount)
  if amount == '0' then return nil end
  return '-' .. amount
end

local function hash_of(key)
  local flat = redis.call('HGETALL', key)
  local h = {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return h
end

-- {status, index, key1, spent1, held1, key2, spent2, held2, ...} for the scope keys in `keys`
local function balances(status, index, keys)
  local out = {status, tostring(index)}
  for _, k in ipairs(keys) do
    local v = redis.call('HMGET', k, 'spent', 'held')
    local at = #out
    out[at + 1] = k
    out[at + 2] = v[1] or '0'
    out[at + 3] = v[2] or '0'
  end
  return out
end

local function stored_keys(r)
  local keys = {}
  for j = 1, tonumber(r['n']) do keys[j] = r['k' .. j] end
  return keys
end

-- Reclaims up to 64 expired leases: drops their holds, remembers them as expired (a late commit still charges).
local function reclaim(leases, now, rprefix, ttl)
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, 64)
  for _, id in ipairs(expired) do
    local rk = rprefix .. id
    local r = hash_of(rk)
    if r['st'] == 'held' then
      local minus = negate(r['amt'])
      for j = 1, tonumber(r['n']) do
        local sk = r['k' .. j]
        if minus and redis.call('EXISTS', sk) == 1 then redis.call('HINCRBY', sk, 'held', minus) end
      end
      redis.call('HSET', rk, 'st', 'expired')
      redis.call('PEXPIRE', rk, ttl)
    end
    redis.call('ZREM', leases, id)
  end
end
