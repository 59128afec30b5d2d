# Health truth and partial failure (issue 17, 8): /healthz on a full disk and on a corrupt
# SQLite file, corruption answered 500 integrity_error; ordertrack-poller --once reporting
# partial failure in its result and exit status.
if(TARGET ordertrackd)
  foreach(_case full corrupt)
    add_test(NAME adversarial.healthz_${_case}
      COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/healthz_storage.sh" $<TARGET_FILE:ordertrackd> ${_case})
    # 77: no tmpfs could be mounted (full disk only; needs root and unshare -m)
    set_tests_properties(adversarial.healthz_${_case} PROPERTIES
      LABELS adversarial TIMEOUT 60 SKIP_RETURN_CODE 77)
  endforeach()
endif()
if(TARGET ordertrackd AND TARGET ordertrack_poller)
  add_test(NAME adversarial.poller_partial
    COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/poller_partial.sh" $<TARGET_FILE:ordertrackd>
            $<TARGET_FILE:ordertrack_poller> "${PROJECT_SOURCE_DIR}/tests/sim/courier_sim.py")
  set_tests_properties(adversarial.poller_partial PROPERTIES LABELS adversarial TIMEOUT 60)
endif()
