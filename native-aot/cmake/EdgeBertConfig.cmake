# CMake package file of libedgebert (installed by native-aot/build.sh and scripts/package.sh as
# <prefix>/lib/cmake/EdgeBert/EdgeBertConfig.cmake). Usage:
#   find_package(EdgeBert 0.1 REQUIRED)          # with CMAKE_PREFIX_PATH=<prefix> or EdgeBert_DIR
#   target_link_libraries(app PRIVATE EdgeBert::edgebert)
# The prefix is derived from this file's location, so the tree can be moved anywhere.
get_filename_component(_edgebert_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET EdgeBert::edgebert)
  add_library(EdgeBert::edgebert SHARED IMPORTED)
  set_target_properties(EdgeBert::edgebert PROPERTIES
    IMPORTED_LOCATION "${_edgebert_prefix}/lib/libedgebert.so"
    # Link as -ledgebert so the program records "libedgebert.so", not this tree's absolute path.
    IMPORTED_NO_SONAME TRUE
    INTERFACE_INCLUDE_DIRECTORIES "${_edgebert_prefix}/include")
endif()
set(EdgeBert_INCLUDE_DIR "${_edgebert_prefix}/include")
set(EdgeBert_LIBRARY "${_edgebert_prefix}/lib/libedgebert.so")
unset(_edgebert_prefix)
