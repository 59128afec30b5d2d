# The sources of ot_examples_common, relative to this folder; also compiled into the config
# and HTTP fuzz targets (fuzz/CMakeLists.txt), which build without examples.
set(OT_EXAMPLES_COMMON_SOURCES
  alertsconf.c
  courierconf.c
  courierdefs.c
  cron.c
  jsonconf.c
  log.c
  piiconf.c
  trackerconf.c
  worker.c
)
