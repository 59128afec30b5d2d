# Partners bound to their orders, idempotency keys per caller (issue 17, defects 1 and 6).
if(TARGET ordertrackd)
  add_test(NAME adversarial.partners
    COMMAND "${CMAKE_CURRENT_LIST_DIR}/partners.sh" $<TARGET_FILE:ordertrackd>)
  set_tests_properties(adversarial.partners PROPERTIES LABELS adversarial TIMEOUT 120)
endif()
