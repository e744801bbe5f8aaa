# The release number is written once, in include/mmdreg/version.hpp; the C header repeats its macros
# because C cannot include that header. Fails (naming both files) when the two disagree.
# Included by capi/CMakeLists.txt at configure time and run with -P by a test:
#   cmake -DC_HEADER=<mmdreg.h> -DCXX_HEADER=<version.hpp> -P check_version.cmake

# The replacement text of macro `name` in `file`, continuation lines joined, spaces collapsed.
function(mmdreg_version_macro file name out)
  file(READ "${file}" content)
  if(NOT content MATCHES "#define ${name}[ \t]+(([^\n]*\\\\\n)*[^\n]*)")
    set(${out} "(not defined)" PARENT_SCOPE)
    return()
  endif()
  string(REGEX REPLACE "\\\\\n" " " value "${CMAKE_MATCH_1}")
  string(REGEX REPLACE "[ \t]+" " " value "${value}")
  string(STRIP "${value}" value)
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

function(mmdreg_check_version c_header cxx_header)
  set(differences "")
  foreach(part MAJOR MINOR PATCH NUMBER STRING)
    mmdreg_version_macro("${c_header}" MMDREG_VERSION_${part} c_value)
    mmdreg_version_macro("${cxx_header}" MMDREG_VERSION_${part} cxx_value)
    if(NOT c_value STREQUAL cxx_value)
      string(APPEND differences "\n  MMDREG_VERSION_${part}: ${c_value} in ${c_header}, "
                                "${cxx_value} in ${cxx_header}")
    endif()
  endforeach()
  if(differences)
    message(FATAL_ERROR "the version macros of ${c_header} differ from those of ${cxx_header} "
                        "(the single source of the version):${differences}")
  endif()
endfunction()

mmdreg_check_version("${C_HEADER}" "${CXX_HEADER}")
