# The validating proxy (openapi_proxy.py) for the shell end-to-end scripts (POSIX sh;
# sourced by lib.sh and ordertrackd_secrets.sh, from a folder beside tests/e2e). The caller
# has `tmp`, `port` (the daemon's) and the functions `ok` and `bad`; proxy_start points
# `base` at the proxy, proxy_finish turns each recorded violation into a failure.
proxy_pid=
e2e_dir=$(cd "$(dirname "$0")/../e2e" && pwd)
openapi_spec=$e2e_dir/../../docs/openapi.yaml

# proxy_start NAME: the validating proxy in front of the daemon on $port; sets base.
proxy_start() {
  proxy_report=$tmp/openapi-$1.jsonl
  proxy_log=$tmp/openapi-$1.log
  rm -f "$tmp/proxy.port" "$proxy_report"
  /usr/bin/python3 "$e2e_dir/openapi_proxy.py" --spec "$openapi_spec" \
    --upstream "127.0.0.1:$port" --port-file "$tmp/proxy.port" --report "$proxy_report" \
    2> "$proxy_log" &
  proxy_pid=$!
  for _ in $(seq 1 200); do
    [ -s "$tmp/proxy.port" ] && break
    kill -0 "$proxy_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ ! -s "$tmp/proxy.port" ]; then
    echo "FAIL: openapi_proxy.py did not start" >&2; cat "$proxy_log" >&2; exit 1
  fi
  base=http://127.0.0.1:$(cat "$tmp/proxy.port")
}

# proxy_finish: stop the proxy; each violation it recorded is a failure.
proxy_finish() {
  [ -n "$proxy_pid" ] || return 0
  kill -TERM "$proxy_pid" 2>/dev/null; wait "$proxy_pid"; prc=$?
  proxy_pid=
  grep '^openapi_proxy: [0-9]* answers checked' "$proxy_log" >&2
  if [ "$prc" -ne 0 ]; then bad "openapi_proxy.py exit $prc"; fi
  if [ -s "$proxy_report" ]; then
    while IFS= read -r line; do bad "openapi: $line"; done < "$proxy_report"
  else
    ok
  fi
}
