/**
 * The Lua scripts behind the Redis limiters. Each decision is one script run: Redis executes a script
 * atomically, so the check and the count cannot interleave with another instance's (Skipper's limiter
 * checks and adds in separate commands and over-admits under concurrency). Time comes from the shard's
 * own clock (TIME), so instances with skewed clocks still agree on window boundaries.
 */
import { createHash } from 'node:crypto';

/** A script with its SHA1, for EVALSHA with an EVAL fallback on NOSCRIPT. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

const NOW_MS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Reads a sliding-window key (needs `w` and `idx`): `known` whether it exists, `c` the count of window `idx`
 * and `p` of the one before, the stored window rolled forward to `idx` (an unknown key reads as empty).
 */
const READ_WINDOW = `local v = redis.call('HMGET', KEYS[1], 'i', 'c', 'p')
local known = v[1] ~= false and v[1] ~= nil
local i = tonumber(v[1]) or idx
local c = tonumber(v[2]) or 0
local p = tonumber(v[3]) or 0
if i < idx then
  if i == idx - 1 then p = c else p = 0 end
  c = 0
end
`;

/**
 * Sliding-window counter: one hash per key holding the index of the current fixed window (`i`), its count
 * (`c`) and the previous window's count (`p`). The estimate weights the previous window by the part of it
 * that still overlaps the sliding window. Only admitted requests are counted (as Skipper does).
 * KEYS[1] key; ARGV[1] window ms; ARGV[2] max hits; ARGV[3] hits to decide (concurrent decisions for one key
 * coalesced into one run; 1 when absent): as many are admitted as `n` single runs in a row would admit;
 * ARGV[4] hits to reserve for a lease (0 when absent) and ARGV[5] the divisor of the headroom (see lease.ts):
 * after the `n`, at most ⌊(max − estimate) ÷ divisor⌋ more are counted, none when any of the `n` was refused.
 * Returns {admitted count, retry-after ms of the first refused hit (0 when all admitted), current-window
 * count, the shard's clock in ms, reserved count, ms until the current window ends} (the clock indexes the
 * instance's admission shadow on the shard's windows).
 */
export const slidingWindow = script('sliding-window', `${NOW_MS}
local w = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local n = tonumber(ARGV[3]) or 1
local idx = math.floor(now / w)
${READ_WINDOW}local elapsed = now - idx * w
-- hit j (from 0) is admitted while estimate + j + 1 <= max: floor(max - estimate) of them, at most n
local room = max - (p * (w - elapsed) / w + c)
local k = math.floor(room)
if k > n then k = n end
if k < 0 then k = 0 end
local r = 0
if k == n then
  -- a lease takes a share of what is left, so that other holders still find room (lease.ts)
  r = math.floor((room - k) / (tonumber(ARGV[5]) or 1))
  local want = tonumber(ARGV[4]) or 0
  if r > want then r = want end
  if r < 0 then r = 0 end
end
if k + r > 0 then
  c = c + k + r
  redis.call('HSET', KEYS[1], 'i', idx, 'c', c, 'p', p)
  redis.call('PEXPIRE', KEYS[1], 2 * w)
end
local left = (idx + 1) * w - now
if k == n then return {k, 0, c, now, r, left} end
local retry
if c + 1 <= max then
  -- p > 0 here: the estimate falls as the previous window slides out
  retry = math.ceil(w - (max - c - 1) * w / p - elapsed)
else
  -- next window: c becomes the previous count and must have slid out far enough for one more hit
  local after = 0
  if max >= 1 then after = w * (1 - (max - 1) / c) else after = w end
  retry = math.ceil(w - elapsed + after)
end
if retry < 1 then retry = 1 end
return {k, retry, c, now, 0, left}
`);

/**
 * Gives back hits a lease reserved and did not use: KEYS[1] key; ARGV[1] window ms; ARGV[2] window index they
 * were counted in; ARGV[3] how many. Taken from `c` while that window is current, from `p` once it is the
 * previous one, dropped when it has slid out. Returns 1 when something was given back.
 */
export const slidingWindowRelease = script('sliding-window-release', `${NOW_MS}
local w = tonumber(ARGV[1])
local s = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local idx = math.floor(now / w)
${READ_WINDOW}if not known then return 0 end
if s == idx then
  c = math.max(0, c - n)
elseif s == idx - 1 then
  p = math.max(0, p - n)
else
  return 0
end
redis.call('HSET', KEYS[1], 'i', idx, 'c', c, 'p', p)
return 1
`);

/**
 * Adds one instance's admissions back into a sliding-window key of a shard that lost them (see
 * admission-shadow.ts): KEYS[1] key; ARGV[1] window ms; ARGV[2] window index of the counts; ARGV[3] count in
 * that window; ARGV[4] count in the window before. Counts for windows that have slid out are dropped.
 */
export const slidingWindowReseed = script('sliding-window-reseed', `${NOW_MS}
local w = tonumber(ARGV[1])
local s = tonumber(ARGV[2])
local cur = tonumber(ARGV[3])
local prev = tonumber(ARGV[4])
local idx = math.floor(now / w)
${READ_WINDOW}if s == idx then
  c = c + cur
  p = p + prev
elseif s == idx - 1 then
  p = p + cur
else
  return 0
end
redis.call('HSET', KEYS[1], 'i', idx, 'c', c, 'p', p)
redis.call('PEXPIRE', KEYS[1], 2 * w)
return 1
`);

/** The key that names a shard's data set (see {@link shardEpoch}). */
export const EPOCH_KEY = 'skj:epoch';

/**
 * The shard's epoch: a random id the first instance to connect stores, without expiry. A shard that comes
 * back with another epoch (or none) lost its counts — restarted without persistence, flushed — and gets every
 * instance's shadow re-seeded; one that kept its epoch kept its counts. KEYS[1] EPOCH_KEY; ARGV[1] the id to
 * store when there is none. Returns the epoch.
 */
export const shardEpoch = script('shard-epoch', `
local e = redis.call('GET', KEYS[1])
if e then return e end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`);

/**
 * The sliding-window estimate for a key without counting: KEYS[1] key; ARGV[1] window ms.
 * Returns the estimate rounded up.
 */
export const slidingWindowCount = script('sliding-window-count', `${NOW_MS}
local w = tonumber(ARGV[1])
local idx = math.floor(now / w)
${READ_WINDOW}if not known then return 0 end
return math.ceil(p * (w - (now - idx * w)) / w + c)
`);

/**
 * Leaky bucket with Skipper's semantics (clusterLeakyBucketRatelimit): the key stores when the bucket will
 * be empty (µs); an increment fits when capacity minus level covers it. KEYS[1] key; ARGV[1] capacity;
 * ARGV[2] emission µs (time to leak one unit); ARGV[3] increment.
 * Returns x: >= 0 added; < 0 refused, retry after -x µs.
 */
export const leakyBucket = script('leaky-bucket', `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local capacity = tonumber(ARGV[1])
local emission = tonumber(ARGV[2])
local increment = tonumber(ARGV[3])
local empty_at = tonumber(redis.call('GET', KEYS[1]) or now)
if empty_at < now then empty_at = now end
local x = (capacity - increment) * emission - (empty_at - now)
if x >= 0 then
  empty_at = empty_at + increment * emission
  redis.call('SET', KEYS[1], empty_at, 'PX', math.max(1, math.ceil((empty_at - now) / 1000)))
end
return x
`);
