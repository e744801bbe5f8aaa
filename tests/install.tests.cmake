# Installs the library into a scratch prefix, then builds examples/consumer against it, with CMake
# (find_package) and with pkg-config, and runs both; the same for the C ABI (main.c against
# mmdreg::mmdreg_c and mmdreg_c.pc) when it is built.
add_test(NAME install_consumer
  COMMAND ${CMAKE_COMMAND}
    -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
    -DBUILD_DIR=${PROJECT_BINARY_DIR}
    -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install_consumer
    -DCXX=${CMAKE_CXX_COMPILER}
    -DCC=${CMAKE_C_COMPILER}
    -DCAPI=${MMDREG_BUILD_CAPI}
    -DSANITIZE=${MMDREG_SANITIZE}
    -P ${CMAKE_CURRENT_SOURCE_DIR}/install_consumer.cmake)
set_tests_properties(install_consumer PROPERTIES LABELS "install")
