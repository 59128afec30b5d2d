# Part "conns" of issue 17: connection floods and slow clients, event-stream scope and
# limits, SIGTERM with keep-alive clients, SIGXFSZ (tests/adversarial/conns.py; loopback
# addresses 127.0.0.2-127.0.0.9, each case under 60 s).
if(TARGET ordertrackd)
  foreach(_case flood total slow_body stream_scope stream_limits sigterm sigxfsz)
    add_test(NAME adversarial.conns.${_case}
      COMMAND /usr/bin/python3 "${CMAKE_CURRENT_SOURCE_DIR}/conns.py" ${_case})
    set_tests_properties(adversarial.conns.${_case} PROPERTIES
      LABELS adversarial TIMEOUT 60
      ENVIRONMENT "ORDERTRACKD=$<TARGET_FILE:ordertrackd>;PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()
