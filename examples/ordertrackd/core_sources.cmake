# The sources of ordertrackd's pure logic (ordertrackd_core), relative to this folder; also
# compiled into the HTTP fuzz target (fuzz/CMakeLists.txt), which builds without examples.
set(OTD_CORE_SOURCES
  app.c
  auth.c
  config.c
  custview.c
  dispatchconf.c
  handlers.c
  http_errors.c
  live.c
  metrics.c
  outboxconf.c
  pageconf.c
  pagerender.c
  pageroutes.c
  ratelimit.c
  reconcileconf.c
  router.c
  body.c
  storage_probe.c
  tracklink.c
  webhooks.c
)
