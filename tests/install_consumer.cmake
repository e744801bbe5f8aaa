# Script behind the install_consumer test (see install.cmake).
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

set(flags "")
if(SANITIZE)
  set(flags "-fsanitize=address,undefined")
endif()

# CMake package.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/consumer -B ${WORK_DIR}/cmake -G Ninja
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_C_COMPILER=${CC}
    "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_C_FLAGS=${flags}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake)
run(${WORK_DIR}/cmake/consumer ${WORK_DIR}/cmake-consumer.db)
set(cxx_consumer_output "Microsoft365Managed_Kiosk-Shared Modern Workplace Autopilot Profile Shared rejected=1 registry=ok")
if(NOT last_output MATCHES "${cxx_consumer_output}")
  message(FATAL_ERROR "unexpected output from the CMake consumer: ${last_output}")
endif()

# The C ABI: a strict C11 program including <mmdreg.h> and linking mmdreg::mmdreg_c.
set(c_consumer_output "^mmdreg_c [0-9]+\\.[0-9]+\\.[0-9]+ Microsoft365Managed_Kiosk-Shared Modern Workplace Autopilot Profile Shared rejected=1\n$")
if(CAPI)
  if(NOT EXISTS ${WORK_DIR}/cmake/consumer_c)
    message(FATAL_ERROR "the installed package has no mmdreg::mmdreg_c: consumer_c was not built")
  endif()
  run(${WORK_DIR}/cmake/consumer_c)
  if(NOT last_output MATCHES "${c_consumer_output}")
    message(FATAL_ERROR "unexpected output from the CMake C consumer: ${last_output}")
  endif()
endif()

# pkg-config, exactly as the README shows it (no --static: the .pc file must be enough as it is).
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig:${prefix}/lib/x86_64-linux-gnu/pkgconfig)
run(${PKG_CONFIG} --cflags --libs mmdreg)
string(STRIP "${last_output}" pc_flags)
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(flag_list UNIX_COMMAND "${flags}")
run(${CXX} ${flag_list} ${SOURCE_DIR}/examples/consumer/main.cpp -o ${WORK_DIR}/consumer_pc ${pc_flags})
run(${WORK_DIR}/consumer_pc ${WORK_DIR}/pc-consumer.db)
if(NOT last_output MATCHES "${cxx_consumer_output}")
  message(FATAL_ERROR "unexpected output from the pkg-config consumer: ${last_output}")
endif()

# pkg-config for the C ABI: mmdreg_c.pc, a shared library outside the loader's search path, found at
# run time through the run path the .pc file adds (no LD_LIBRARY_PATH, no flag of our own).
if(CAPI)
  run(${PKG_CONFIG} --cflags --libs mmdreg_c)
  string(STRIP "${last_output}" pc_c_flags)
  separate_arguments(pc_c_flags UNIX_COMMAND "${pc_c_flags}")
  run(${CC} ${flag_list} -std=c11 -pedantic-errors -Wall -Wextra -Werror
      ${SOURCE_DIR}/examples/consumer/main.c -o ${WORK_DIR}/consumer_c_pc ${pc_c_flags})
  unset(ENV{LD_LIBRARY_PATH})
  run(${WORK_DIR}/consumer_c_pc)
  if(NOT last_output MATCHES "${c_consumer_output}")
    message(FATAL_ERROR "unexpected output from the pkg-config C consumer: ${last_output}")
  endif()
endif()
