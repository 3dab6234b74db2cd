# ctest helper: the CUDA ops library must load where no CUDA is installed (its registration is checked there, and a GPU
# node's libraries are ORT's business): cudart is linked statically and opens the driver itself, so the library may
# need only the C runtime. Run with -DLIBRARY=<path> -DREADELF=<readelf>.
execute_process(COMMAND "${READELF}" -d "${LIBRARY}" OUTPUT_VARIABLE dynamic RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "readelf failed on ${LIBRARY}")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]]+\\]" entries "${dynamic}")
set(allowed "^(libc|libm|libdl|librt|libpthread)\\.so\\.[0-9]+$|^ld-linux")
foreach(entry IN LISTS entries)
  string(REGEX REPLACE ".*\\[([^]]+)\\]" "\\1" needed "${entry}")
  if(NOT needed MATCHES "${allowed}")
    message(FATAL_ERROR "${LIBRARY} needs ${needed}: only the C runtime is allowed (link CUDA statically)")
  endif()
  list(APPEND names "${needed}")
endforeach()
message(STATUS "${LIBRARY} needs only: ${names}")
