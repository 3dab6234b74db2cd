# ONNX Runtime's C/C++ headers. Neither Debian nor Maven Central ships them; npm's com.github.asus4.onnxruntime
# carries the Android AAR whose headers/ folder is the full API of the same release as the Java runtime (1.29.0,
# API version 29). Fetched once into the build folder (never committed) with `npm pack`; set LONGDOC_ORT_HEADERS_DIR
# to a folder holding onnxruntime_c_api.h to build offline.
#
# Sets LONGDOC_ORT_INCLUDE_DIR, and fails unless the headers' ORT_API_VERSION equals LONGDOC_ORT_API_VERSION: a
# library built against a newer API than the runtime it is loaded into would call functions the runtime lacks.

set(LONGDOC_ORT_NPM_PACKAGE "com.github.asus4.onnxruntime@0.4.9" CACHE STRING "npm package whose Android AAR holds the ORT headers")
set(LONGDOC_ORT_API_VERSION 29 CACHE STRING "ORT_API_VERSION of the Java runtime (ONNX Runtime 1.29.0 -> 29)")
set(LONGDOC_ORT_HEADERS_DIR "" CACHE PATH "Folder with onnxruntime_c_api.h; empty: fetch with npm into the build folder")

if(LONGDOC_ORT_HEADERS_DIR)
  set(LONGDOC_ORT_INCLUDE_DIR "${LONGDOC_ORT_HEADERS_DIR}")
else()
  set(LONGDOC_ORT_INCLUDE_DIR "${CMAKE_BINARY_DIR}/ort-headers")
  if(NOT EXISTS "${LONGDOC_ORT_INCLUDE_DIR}/onnxruntime_c_api.h")
    find_program(LONGDOC_NPM npm)
    if(NOT LONGDOC_NPM)
      message(FATAL_ERROR "npm is needed once to fetch the ONNX Runtime headers (${LONGDOC_ORT_NPM_PACKAGE}); "
                          "install it or pass -DLONGDOC_ORT_HEADERS_DIR=<folder with onnxruntime_c_api.h>")
    endif()
    set(_work "${CMAKE_BINARY_DIR}/ort-headers-download")
    file(REMOVE_RECURSE "${_work}")
    file(MAKE_DIRECTORY "${_work}")
    message(STATUS "Fetching ONNX Runtime headers: npm pack ${LONGDOC_ORT_NPM_PACKAGE}")
    execute_process(
      COMMAND "${LONGDOC_NPM}" pack "${LONGDOC_ORT_NPM_PACKAGE}" --silent --prefer-offline  # npm's cache serves rebuilds
      WORKING_DIRECTORY "${_work}"
      RESULT_VARIABLE _npm_result
      OUTPUT_VARIABLE _npm_output
      ERROR_VARIABLE _npm_error)
    file(GLOB _tarball "${_work}/*.tgz")
    if(NOT _npm_result EQUAL 0 OR NOT _tarball)
      message(FATAL_ERROR "npm pack ${LONGDOC_ORT_NPM_PACKAGE} failed (${_npm_result}): ${_npm_error}")
    endif()
    file(ARCHIVE_EXTRACT INPUT "${_tarball}" DESTINATION "${_work}" PATTERNS "package/Plugins/Android/onnxruntime.aar")
    set(_aar "${_work}/package/Plugins/Android/onnxruntime.aar")
    if(NOT EXISTS "${_aar}")
      message(FATAL_ERROR "${LONGDOC_ORT_NPM_PACKAGE} has no Plugins/Android/onnxruntime.aar")
    endif()
    file(ARCHIVE_EXTRACT INPUT "${_aar}" DESTINATION "${_work}/aar" PATTERNS "headers/*")
    file(MAKE_DIRECTORY "${LONGDOC_ORT_INCLUDE_DIR}")
    file(GLOB _headers "${_work}/aar/headers/*")
    file(COPY ${_headers} DESTINATION "${LONGDOC_ORT_INCLUDE_DIR}")
    # The tarball is 150 MB of binaries we do not need.
    file(REMOVE_RECURSE "${_work}")
  endif()
endif()

if(NOT EXISTS "${LONGDOC_ORT_INCLUDE_DIR}/onnxruntime_c_api.h")
  message(FATAL_ERROR "no onnxruntime_c_api.h in ${LONGDOC_ORT_INCLUDE_DIR}")
endif()
file(STRINGS "${LONGDOC_ORT_INCLUDE_DIR}/onnxruntime_c_api.h" _version_line REGEX "^#define ORT_API_VERSION [0-9]+")
string(REGEX REPLACE "^#define ORT_API_VERSION ([0-9]+).*" "\\1" LONGDOC_ORT_HEADERS_API_VERSION "${_version_line}")
if(NOT LONGDOC_ORT_HEADERS_API_VERSION STREQUAL LONGDOC_ORT_API_VERSION)
  message(FATAL_ERROR "ONNX Runtime headers in ${LONGDOC_ORT_INCLUDE_DIR} have ORT_API_VERSION ${LONGDOC_ORT_HEADERS_API_VERSION}, "
                      "the runtime needs ${LONGDOC_ORT_API_VERSION}")
endif()
message(STATUS "ONNX Runtime headers: ${LONGDOC_ORT_INCLUDE_DIR} (API version ${LONGDOC_ORT_HEADERS_API_VERSION})")
