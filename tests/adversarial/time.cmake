# Issue 17, time sanity and record integrity: future timestamps (clamped, refused, recovered),
# invalid calendar dates, a record edited in the SQLite file (tests/adversarial/README.md).
if(TARGET ordertrackd)
  add_test(NAME adversarial.time_integrity
    COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/time_integrity.sh" $<TARGET_FILE:ordertrackd>)
  set_tests_properties(adversarial.time_integrity PROPERTIES LABELS adversarial TIMEOUT 90)
endif()
