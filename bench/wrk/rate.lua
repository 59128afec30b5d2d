-- wrk at a fixed rate (wrk has none of its own): each connection waits before its next
-- request, so that args[3] requests per second go out over args[4] connections (a little
-- fewer: the answers' own time adds to each wait). args[1]: "get" (GET /tracking/orders/ord-N),
-- a status to PUT (PUT /tracking/orders/ord-N/status) or a path starting with "/" (GET it,
-- for nginx's file); args[2]: orders ord-0000001..N to cycle over. scripts/bench measures
-- the latency at half the peak rate with it.
local n, count, kind, wait_ms = 0, 1, "get", 0
function init(args)
  kind = args[1] or "get"
  count = tonumber(args[2]) or 1
  local rate, conns = tonumber(args[3]) or 1000, tonumber(args[4]) or 1
  wait_ms = conns * 1000 / rate
end
wrk.headers["Authorization"] = "Bearer bench-admin-key-01"
wrk.headers["Content-Type"] = "application/json"
function delay() return wait_ms end
function request()
  local id = string.format("ord-%07d", n % count + 1)
  n = n + 1
  if kind:sub(1, 1) == "/" then
    return wrk.format("GET", kind)
  end
  if kind == "get" then
    return wrk.format("GET", "/tracking/orders/" .. id)
  end
  return wrk.format("PUT", "/tracking/orders/" .. id .. "/status", nil,
                    '{"status":"' .. kind .. '","updated_by":"bench"}')
end
