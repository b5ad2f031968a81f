-- Reserves one cell of every quota that applies to an attempt: GCRA by virtual scheduling on
-- Redis's clock (TIME), so that every process of the account sees the same time.
--
-- KEYS: 1 block (host), 2 seen (host, operation), 3 probe (host, operation),
--       4 operation state, 5 operation learned quota, 6 host state, 7 host learned quota,
--       8 client state
-- ARGV: 1 longest wait accepted (µs, -1: any), 2 jitter margin (µs), 3 probe lifetime (ms),
--       4 operation interval (µs), 5 operation burst (0: none),
--       6 client interval (µs), 7 client burst (0: none)
-- Returns {1, wait µs} (go after the wait; the cells are taken), {0, wait µs} (the wait is
-- longer than accepted; nothing is taken) or {2, 0} (nothing is known about this operation on
-- this host and another worker's first call is waiting for its answer: ask again soon).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local start = now
local blocked = tonumber(redis.call('GET', KEYS[1]))
if blocked and blocked > start then start = blocked end

local entries = {}
local function add(state, interval, burst)
  if interval and burst and interval > 0 and burst > 0 then
    entries[#entries + 1] = {state, interval, burst}
  end
end
local op_learned = redis.call('HMGET', KEYS[5], 'interval', 'burst')
if op_learned[1] then
  add(KEYS[4], tonumber(op_learned[1]), tonumber(op_learned[2]))
else
  add(KEYS[4], tonumber(ARGV[4]), tonumber(ARGV[5]))
end
local host_learned = redis.call('HMGET', KEYS[7], 'interval', 'burst')
if host_learned[1] then add(KEYS[6], tonumber(host_learned[1]), tonumber(host_learned[2])) end
add(KEYS[8], tonumber(ARGV[6]), tonumber(ARGV[7]))

if #entries == 0 and redis.call('EXISTS', KEYS[2]) == 0 then
  if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[3]) then
    return {2, 0}
  end
end

local margin = tonumber(ARGV[2])
local at = start
local tats = {}
for i, e in ipairs(entries) do
  local tat = tonumber(redis.call('GET', e[1])) or now
  local tolerance = (e[3] - 1) * e[2]
  tolerance = tolerance - math.min(tolerance, margin)
  tats[i] = tat
  if tat - tolerance > at then at = tat - tolerance end
end
local wait = at - now
local max_wait = tonumber(ARGV[1])
if max_wait >= 0 and wait > max_wait then return {0, wait} end
for i, e in ipairs(entries) do
  local tat = math.max(tats[i], at) + e[2]
  redis.call('SET', e[1], string.format('%d', tat), 'PX', math.floor((tat - now) / 1000) + 1000)
end
return {1, wait}
