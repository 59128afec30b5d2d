-- wrk: POST /tracking/orders/ord-N/init with N = 1, 2, 3... (run with -t1 so N is one
-- sequence; wrk calls request() once before sending, so 0 is never sent). After a run of R
-- requests orders ord-0000001..ord-R exist.
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer bench-admin-key-01"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"store_id":"store-1","customer_id":"cust-1","delivery_provider":"internal"}'
function request()
  local path = string.format("/tracking/orders/ord-%07d/init", n)
  n = n + 1
  return wrk.format(nil, path)
end
