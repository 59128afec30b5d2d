-- wrk: GET /tracking/orders/ord-N cycling over orders 1..args[1].
local n, count = 0, 1
function init(args) count = tonumber(args[1]) or 1 end
wrk.headers["Authorization"] = "Bearer bench-admin-key-01"
function request()
  local path = string.format("/tracking/orders/ord-%07d", n % count + 1)
  n = n + 1
  return wrk.format("GET", path)
end
