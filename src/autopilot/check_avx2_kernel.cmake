# Run after each build of mmdreg (src/CMakeLists.txt): fails when the avx2 JSON kernel's object
# defines a function the linker could share with the rest of the library (a weak or global symbol)
# that contains an instruction a plain x86-64 CPU lacks, except simdjson::haswell code, which every
# translation unit builds for AVX2 and only the avx2 kernel calls. See json_kernel_avx2.cpp.
# Usage: cmake -DOBJECTS=<list of mmdreg's objects> -DNM=<nm> -DOBJDUMP=<objdump> -P this file
foreach(object IN LISTS OBJECTS)
  if(object MATCHES "json_kernel_avx2\\.cpp\\.o(bj)?$")
    set(kernel_object "${object}")
  endif()
endforeach()
if(NOT kernel_object)
  return()  # not an x86-64 build with the avx2 kernel
endif()

execute_process(COMMAND "${NM}" --defined-only "${kernel_object}" OUTPUT_VARIABLE symbols
                RESULT_VARIABLE nm_failed)
if(nm_failed)
  message(FATAL_ERROR "check_avx2_kernel: ${NM} failed on ${kernel_object}")
endif()
string(REPLACE "\n" ";" symbols "${symbols}")
set(shared)
foreach(line IN LISTS symbols)
  # Weak (W, V), unique (u) and global (T) definitions; lowercase letters are local.
  if(line MATCHES "^[0-9a-fA-F]* [WVTu] (.+)$")
    set(name "${CMAKE_MATCH_1}")
    if(NOT name MATCHES "8simdjson7haswell")
      list(APPEND shared "${name}")
    endif()
  endif()
endforeach()

execute_process(COMMAND "${OBJDUMP}" -d --no-show-raw-insn "${kernel_object}"
                OUTPUT_VARIABLE disassembly RESULT_VARIABLE objdump_failed)
if(objdump_failed)
  message(FATAL_ERROR "check_avx2_kernel: ${OBJDUMP} failed on ${kernel_object}")
endif()
string(REPLACE "\n" ";" disassembly "${disassembly}")
set(current "")
set(checked 0)
set(violations "")
foreach(line IN LISTS disassembly)
  if(line MATCHES "^[0-9a-fA-F]+ <(.+)>:$")
    set(current "${CMAKE_MATCH_1}")
    list(FIND shared "${current}" index)
    if(index EQUAL -1)
      set(current "")
    else()
      math(EXPR checked "${checked} + 1")
    endif()
  elseif(current AND line MATCHES "^ *[0-9a-f]+:[ \t]+([a-z0-9]+)")
    set(mnemonic "${CMAKE_MATCH_1}")
    # VEX/EVEX-encoded (AVX, AVX2, AVX-512), BMI1/BMI2, LZCNT/TZCNT/POPCNT and CLMUL.
    if(mnemonic MATCHES "^v" OR mnemonic MATCHES
       "^(andn|bextr|blsi|blsmsk|blsr|bzhi|mulx|pdep|pext|rorx|sarx|shlx|shrx|lzcnt|tzcnt|popcnt|pclmul)")
      string(APPEND violations "\n  ${current}: ${mnemonic}")
      set(current "")
    endif()
  endif()
endforeach()
if(violations)
  message(FATAL_ERROR "check_avx2_kernel: ${kernel_object} defines shared functions with "
                      "instructions a plain x86-64 CPU lacks (the linker may pick them for code "
                      "that runs anywhere):${violations}")
endif()
