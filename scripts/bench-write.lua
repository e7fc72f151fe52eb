-- wrk script for the write paths: posts a form as a signed-in person with their session
-- cookie and CSRF token. Every request puts a new key where the body says KEY, so each one
-- writes a row (a repeated idempotency key would only find the earlier row).
-- Set by scripts/bench through the environment: BENCH_PATH, BENCH_BODY (urlencoded, with
-- KEY and without the CSRF token), BENCH_COOKIE, BENCH_CSRF, BENCH_ORIGIN, BENCH_RUN.
local counter = 0
thread_tag = "0"
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local path = os.getenv("BENCH_PATH")
local template = os.getenv("BENCH_BODY")
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Cookie"] = os.getenv("BENCH_COOKIE"),
  ["Origin"] = os.getenv("BENCH_ORIGIN"),
  ["Accept-Encoding"] = "gzip",
}
local csrf = os.getenv("BENCH_CSRF")

local threads_made = 0
function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_tag", tostring(threads_made))
end

request = function()
  counter = counter + 1
  local key = "bench-" .. run .. "-" .. thread_tag .. "-" .. counter
  local body = (template:gsub("KEY", key)) .. "&csrf_token=" .. csrf
  return wrk.format("POST", path, headers, body)
end
