include(CMakePackageConfigHelpers)

install(TARGETS mmdreg
  EXPORT mmdregTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(MMDREG_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mmdreg)
install(EXPORT mmdregTargets NAMESPACE mmdreg:: DESTINATION ${MMDREG_CMAKE_DIR})
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/mmdregConfig.cmake.in
  ${PROJECT_BINARY_DIR}/mmdregConfig.cmake
  INSTALL_DESTINATION ${MMDREG_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/mmdregConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/mmdregConfig.cmake
  ${PROJECT_BINARY_DIR}/mmdregConfigVersion.cmake
  DESTINATION ${MMDREG_CMAKE_DIR})

# The .pc file finds its prefix relative to itself, so an installed tree can be moved.
file(RELATIVE_PATH MMDREG_PC_RELATIVE_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
get_target_property(MMDREG_LIBRARY_TYPE mmdreg TYPE)
if(MMDREG_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
  set(MMDREG_PC_REQUIRES_FIELD Requires)
else()
  set(MMDREG_PC_REQUIRES_FIELD Requires.private)
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/mmdreg.pc.in ${PROJECT_BINARY_DIR}/mmdreg.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mmdreg.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The C ABI: libmmdreg_c is in the export set (mmdreg::mmdreg_c, see capi/CMakeLists.txt); C programs
# built without CMake find it through mmdreg_c.pc. The shared library carries the C++ core and its
# dependencies inside, so the file names no other package.
if(TARGET mmdreg_c)
  configure_file(${PROJECT_SOURCE_DIR}/capi/mmdreg_c.pc.in ${PROJECT_BINARY_DIR}/mmdreg_c.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/mmdreg_c.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
