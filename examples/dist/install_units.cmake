# Run by `cmake --install` (examples/dist/CMakeLists.txt sets OT_DIST_*): the systemd units
# with the paths of this installation under PREFIX/lib/systemd/system, the timer, and the
# sysusers.d entry of the `ordertrack` user.
foreach(dir BINDIR SYSCONFDIR DOCDIR)
  if(IS_ABSOLUTE "${OT_DIST_${dir}}")
    set(OT_UNIT_${dir} "${OT_DIST_${dir}}")
  elseif(dir STREQUAL "SYSCONFDIR" AND CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(OT_UNIT_${dir} "/etc")     # as GNUInstallDirs does
  else()
    set(OT_UNIT_${dir} "${CMAKE_INSTALL_PREFIX}/${OT_DIST_${dir}}")
  endif()
endforeach()
file(READ "${OT_DIST_SOURCE_DIR}/systemd/hardening.inc" OT_UNIT_HARDENING)
string(REGEX REPLACE "^#[^\n]*\n" "" OT_UNIT_HARDENING "${OT_UNIT_HARDENING}")
set(unitdir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
foreach(unit IN LISTS OT_DIST_UNITS)
  configure_file("${OT_DIST_SOURCE_DIR}/systemd/${unit}.in" "${OT_DIST_BINARY_DIR}/${unit}"
                 @ONLY)
  file(INSTALL "${OT_DIST_BINARY_DIR}/${unit}" DESTINATION "${unitdir}")
endforeach()
list(FIND OT_DIST_UNITS ordertrack-poller-once.service once)
if(once GREATER -1)
  file(INSTALL "${OT_DIST_SOURCE_DIR}/systemd/ordertrack-poller-once.timer"
       DESTINATION "${unitdir}")
endif()
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/sysusers.d" TYPE FILE
     RENAME ordertrack.conf FILES "${OT_DIST_SOURCE_DIR}/systemd/ordertrack.sysusers")
