-- Add a delta to a window: KEYS[1] window hash.
-- ARGV[1] bucket ms, ARGV[2] size, ARGV[3] lifetime total, ARGV[4] lifetime bad, ARGV[5] first event ms
-- ('' = none), ARGV[6] time to live ms, then triples (index, total, bad) of the delta's buckets.
-- Fields: m (bucket ms), s (size), n (newest index), lt, lb, fe, t<index>, b<index>.
-- Returns {reset (1 when a window of another layout was dropped), the hash's fields and values...}.
local h = KEYS[1]
local size = tonumber(ARGV[2])
local reset = 0
local layout = redis.call('HMGET', h, 'm', 's', 'n')
if layout[1] and (layout[1] ~= ARGV[1] or layout[2] ~= ARGV[2]) then
  redis.call('DEL', h)
  layout = {false, false, false}
  reset = 1
end
redis.call('HSET', h, 'm', ARGV[1], 's', ARGV[2])
if ARGV[3] ~= '0' then redis.call('HINCRBY', h, 'lt', ARGV[3]) end
if ARGV[4] ~= '0' then redis.call('HINCRBY', h, 'lb', ARGV[4]) end
if ARGV[5] ~= '' then
  local first = redis.call('HGET', h, 'fe')
  if (not first) or tonumber(ARGV[5]) < tonumber(first) then redis.call('HSET', h, 'fe', ARGV[5]) end
end

local previous = layout[3] and tonumber(layout[3]) or nil
local newest = previous
for i = 7, #ARGV, 3 do
  local index = tonumber(ARGV[i])
  if (not newest) or index > newest then newest = index end
end
if newest then
  local oldest_kept = newest - size + 1
  for i = 7, #ARGV, 3 do
    if tonumber(ARGV[i]) >= oldest_kept then
      if ARGV[i + 1] ~= '0' then redis.call('HINCRBY', h, 't' .. ARGV[i], ARGV[i + 1]) end
      if ARGV[i + 2] ~= '0' then redis.call('HINCRBY', h, 'b' .. ARGV[i], ARGV[i + 2]) end
    end
  end
  if previous and newest > previous then
    -- buckets that fell out of the ring: at most `size` of them can exist
    for index = previous - size + 1, math.min(oldest_kept - 1, previous) do
      local name = string.format('%d', index)
      redis.call('HDEL', h, 't' .. name, 'b' .. name)
    end
  end
  redis.call('HSET', h, 'n', string.format('%d', newest))
end
redis.call('PEXPIRE', h, ARGV[6])
local out = {tostring(reset)}
local flat = redis.call('HGETALL', h)
for i = 1, #flat do out[#out + 1] = flat[i] end
return out
