-- wrk: PUT /tracking/orders/ord-N/status {"status":"store_notified"} once per order, over the
-- first args[1] orders (created by init.lua, status submitted). Past the last order the
-- answers would be 409: wrk reports them as non-2xx, which scripts/bench checks.
local n, count = 0, 1
function init(args) count = tonumber(args[1]) or 1 end
wrk.method = "PUT"
wrk.headers["Authorization"] = "Bearer bench-admin-key-01"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"status":"store_notified","updated_by":"bench"}'
function request()
  local path = string.format("/tracking/orders/ord-%07d/status", n % count + 1)
  n = n + 1
  return wrk.format(nil, path)
end
