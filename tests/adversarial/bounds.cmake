# Part "bounds" of issue 17: bounded orders (issues, substitutions, metadata, record size) and
# strict HTTP in ordertrackd (%00, order ids, NUL in headers, body framing, Last-Event-ID,
# short API keys). tests/adversarial/bounds.py drives the real binary over raw sockets.
if(TARGET ordertrackd)
  foreach(_case order_growth strict_http short_keys)
    add_test(NAME adversarial.bounds_${_case}
      COMMAND python3 "${CMAKE_CURRENT_LIST_DIR}/bounds.py" $<TARGET_FILE:ordertrackd> ${_case})
    set_tests_properties(adversarial.bounds_${_case} PROPERTIES LABELS adversarial TIMEOUT 60)
  endforeach()
endif()
