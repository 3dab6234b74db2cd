# ctest helper: the library must export RegisterCustomOps and nothing else (run with -DLIBRARY=<path> -DNM=<nm>).
execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}" OUTPUT_VARIABLE symbols RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIBRARY}")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${symbols}")
set(exported "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^[0-9a-fA-F]* *[A-Za-z] " "" name "${line}")
  string(REGEX REPLACE "@.*$" "" name "${name}")  # RegisterCustomOps@@VERS_1.0.0
  if(NOT name MATCHES "^VERS_")  # the version node itself
    list(APPEND exported "${name}")
  endif()
endforeach()
if(NOT exported STREQUAL "RegisterCustomOps")
  message(FATAL_ERROR "${LIBRARY} must export only RegisterCustomOps, exports: ${exported}")
endif()
message(STATUS "${LIBRARY} exports only RegisterCustomOps")
