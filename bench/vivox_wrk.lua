-- wrk script for bench/vivox_http_bench.sh: Vivox admin lookups spread over stored names.
--
--   wrk ... -s bench/vivox_wrk.lua http://127.0.0.1:PORT/ -- KIND TOKEN NAMES_FILE MISS_PCT [verify]
--
-- KIND       search  -> /api2/viv_chan_search.php?cond_channame=NAME&auth_token=T   (spec §5.8)
--            acct    -> /api2/viv_get_acct.php?auth_token=T&user_name=NAME          (spec §5.3)
-- NAMES_FILE one stored channel / account name per line (written by vivox_seed.py)
-- MISS_PCT   share of requests (0-99) for names that do not exist (random UUID / account names)
-- verify     also parse every response and count hits / misses / anything else ("bad");
--            costs some client CPU, so leave it off for peak numbers.
--
-- Requests look like the module's (spec §3): GET, Content-Length: 0, no Accept / User-Agent.
-- Extra headers (e.g. -H "Connection: close") come from the wrk command line.
-- done() prints one machine-readable line starting with "WRKSUMMARY".

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

local hex = "0123456789abcdef"
local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

local function random_chars(alphabet, n)
  local out = {}
  for i = 1, n do
    local k = math.random(#alphabet)
    out[i] = alphabet:sub(k, k)
  end
  return table.concat(out)
end

-- Lower-case hyphenated UUID, like a parcel GlobalID (never stored: the seeder uses uuid4,
-- and these carry a fixed "beef" marker in the last group).
local function miss_channel_name()
  return random_chars(hex, 8) .. "-" .. random_chars(hex, 4) .. "-4" .. random_chars(hex, 3) ..
         "-a" .. random_chars(hex, 3) .. "-beef" .. random_chars(hex, 8)
end

-- Module-style account name: "x" + 22 base64url chars + "==" (spec §0.2).
local function miss_account_name()
  return "xMiSs" .. random_chars(b64, 18) .. "=="
end

hits, misses, bad = 0, 0, 0

function init(args)
  local kind, token, file = args[1], args[2], args[3]
  local miss_pct = tonumber(args[4] or "0")
  local verify = args[5] == "verify"
  if kind ~= "search" and kind ~= "acct" then error("KIND must be search or acct") end

  math.randomseed(os.time() + 7919 * (thread_id or 1) + math.floor(os.clock() * 1e6))

  local function path_for(name)
    if kind == "search" then
      return "/api2/viv_chan_search.php?cond_channame=" .. name .. "&auth_token=" .. token
    end
    return "/api2/viv_get_acct.php?auth_token=" .. token .. "&user_name=" .. name
  end

  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Length"] = "0"

  -- Pre-build every request (wrk's advice: request() must be cheap).
  pool = {}
  local stored = 0
  for line in io.lines(file) do
    if #line > 0 then
      stored = stored + 1
      pool[#pool + 1] = wrk.format("GET", path_for(line), headers)
    end
  end
  if stored == 0 then error("no names in " .. file) end
  local wanted_misses = math.floor(stored * miss_pct / (100 - miss_pct) + 0.5)
  for _ = 1, wanted_misses do
    local name = kind == "search" and miss_channel_name() or miss_account_name()
    pool[#pool + 1] = wrk.format("GET", path_for(name), headers)
  end
  pool_size = #pool

  if verify then
    if kind == "search" then
      response = function(status, _, body)
        if status ~= 200 or not body:find("<status>OK</status>", 1, true) then
          bad = bad + 1
        elseif body:find("<count>0</count>", 1, true) then
          misses = misses + 1
        elseif body:find("<type>positional_M</type>", 1, true) then
          hits = hits + 1
        else
          bad = bad + 1
        end
      end
    else
      response = function(status, _, body)
        if status ~= 200 then
          bad = bad + 1
        elseif body:find("<status>OK</status>", 1, true) then
          hits = hits + 1
        elseif body:find("<code>403</code>", 1, true) then
          misses = misses + 1
        else
          bad = bad + 1
        end
      end
    end
  end
end

function request()
  return pool[math.random(pool_size)]
end

function done(summary, latency, requests)
  local h, m, b = 0, 0, 0
  for _, t in ipairs(threads) do
    h = h + (t:get("hits") or 0)
    m = m + (t:get("misses") or 0)
    b = b + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "WRKSUMMARY requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d " ..
    "max_us=%d mean_us=%.0f err_connect=%d err_read=%d err_write=%d err_status=%d " ..
    "err_timeout=%d hits=%d misses=%d bad=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean, e.connect, e.read, e.write, e.status,
    e.timeout, h, m, b))
end
