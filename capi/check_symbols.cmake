# Compares the dynamic mmdreg_* symbols that LIBRARY defines with the committed list EXPECTED (one
# per line).
find_program(NM nm REQUIRED)
execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY} OUTPUT_VARIABLE raw RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${raw}")
set(actual "")
foreach(line ${lines})
  # "<address> <type> <name>[@@VERSION]". Every defined symbol named mmdreg_* counts whatever its
  # type (T, D, B, R, but also W/V weak, i indirect, u unique...): any of them is ABI.
  if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] (mmdreg_[^@ ]*)")
    list(APPEND actual ${CMAKE_MATCH_1})
  endif()
endforeach()
list(SORT actual)
file(STRINGS ${EXPECTED} expected)
list(SORT expected)
if(NOT actual STREQUAL expected)
  set(added ${actual})
  list(REMOVE_ITEM added ${expected})
  set(removed ${expected})
  list(REMOVE_ITEM removed ${actual})
  message(FATAL_ERROR "the exported symbols differ from ${EXPECTED}\n"
    "exported but not listed: ${added}\nlisted but not exported: ${removed}\n"
    "If the change is intended, update the list (and follow the ABI policy in mmdreg.h).")
endif()
list(LENGTH actual count)
message(STATUS "${count} exported symbols match ${EXPECTED}")
