-- Blocks a host until Redis's clock passes now + ARGV[1] µs (a later block is kept).
-- KEYS: 1 block
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = tonumber(ARGV[1])
local till = now + wait
local current = tonumber(redis.call('GET', KEYS[1]))
if not current or current < till then
  redis.call('SET', KEYS[1], string.format('%d', till), 'PX', math.floor(wait / 1000) + 1)
end
return 1
