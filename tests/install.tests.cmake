# Installs the library into a scratch prefix, then builds examples/consumer against it, with CMake
# (find_package) and with pkg-config, and runs both.
add_test(NAME install_consumer
  COMMAND ${CMAKE_COMMAND}
    -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
    -DBUILD_DIR=${PROJECT_BINARY_DIR}
    -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install_consumer
    -DCXX=${CMAKE_CXX_COMPILER}
    -DSANITIZE=${MMDREG_SANITIZE}
    -P ${CMAKE_CURRENT_SOURCE_DIR}/install_consumer.cmake)
set_tests_properties(install_consumer PROPERTIES LABELS "install")
