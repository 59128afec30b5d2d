# ot_add_adapter(NAME SOURCES src... DEPS target... [PKGCONFIG]): an adapter library of
# libordertrack, built the one way every adapter is: one set of hidden-visibility objects
# made into libordertrack-NAME.so.1 (its own version script NAME's ordertrack-NAME.map) and
# libordertrack-NAME.a, linked to the core (shared to shared, static to static), exported as
# ordertrack::NAME and ordertrack::NAME_static (the CMake package's component NAME, in its own
# ordertrack-NAMETargets.cmake), installed with its header ordertrack/adapters/NAME.h as the
# install component NAME, and with PKGCONFIG its pkgconfig/ordertrack-NAME.pc.in configured
# and installed.
function(ot_add_adapter name)
  cmake_parse_arguments(A "PKGCONFIG" "" "SOURCES;DEPS" ${ARGN})
  set(_lib ordertrack_${name})
  set(_map "${CMAKE_CURRENT_SOURCE_DIR}/ordertrack-${name}.map")

  add_library(${_lib}_objects OBJECT ${A_SOURCES})
  set_target_properties(${_lib}_objects PROPERTIES
    POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
  target_compile_definitions(${_lib}_objects PRIVATE OT_BUILDING_LIBRARY)
  target_include_directories(${_lib}_objects PRIVATE
    "${PROJECT_SOURCE_DIR}/include" "${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(${_lib}_objects PRIVATE ${A_DEPS})

  add_library(${_lib} SHARED $<TARGET_OBJECTS:${_lib}_objects>)
  add_library(${_lib}_static STATIC $<TARGET_OBJECTS:${_lib}_objects>)
  add_library(ordertrack::${name} ALIAS ${_lib})
  add_library(ordertrack::${name}_static ALIAS ${_lib}_static)
  set_target_properties(${_lib} PROPERTIES
    OUTPUT_NAME ordertrack-${name} VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR} LINK_DEPENDS "${_map}" EXPORT_NAME ${name})
  set_target_properties(${_lib}_static PROPERTIES
    OUTPUT_NAME ordertrack-${name} EXPORT_NAME ${name}_static)
  target_link_options(${_lib} PRIVATE "-Wl,--version-script=${_map}")
  if(NOT OT_SANITIZE AND NOT OT_FUZZ)
    # Sanitizer runtimes are resolved by the executable, not the shared object.
    target_link_options(${_lib} PRIVATE "-Wl,--no-undefined")
  endif()
  target_link_libraries(${_lib} PUBLIC ordertrack PRIVATE ${A_DEPS} Threads::Threads)
  target_link_libraries(${_lib}_static PUBLIC ordertrack_static
                        PRIVATE ${A_DEPS} Threads::Threads)
  foreach(_t ${_lib} ${_lib}_static)
    target_include_directories(${_t} PUBLIC
      "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>"
      "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
  endforeach()

  install(TARGETS ${_lib} ${_lib}_static EXPORT ordertrack-${name}Targets COMPONENT ${name}
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
  install(EXPORT ordertrack-${name}Targets NAMESPACE ordertrack:: COMPONENT ${name}
          DESTINATION "${OT_CMAKE_DIR}")
  install(FILES "${PROJECT_SOURCE_DIR}/include/ordertrack/adapters/${name}.h" COMPONENT ${name}
          DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/ordertrack/adapters")
  if(A_PKGCONFIG)
    configure_file("${PROJECT_SOURCE_DIR}/pkgconfig/ordertrack-${name}.pc.in"
                   "${PROJECT_BINARY_DIR}/ordertrack-${name}.pc" @ONLY)
    install(FILES "${PROJECT_BINARY_DIR}/ordertrack-${name}.pc" COMPONENT ${name}
            DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
  endif()
endfunction()
