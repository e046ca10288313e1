# add_go_program(): Go modules built by CMake, for the examples and the tests.
find_program(GO_EXECUTABLE go REQUIRED)

# add_go_program(<target> [MODULE dir] [GO go-executable] [GO_VERSION 1.N]
#                [ENV VAR=value...]):
# builds the Go module in `dir` (default: <target>, relative to the current
# source dir) into bin/<target>, with the machine's go unless GO names
# another. GO_VERSION builds it as a module that declares `go 1.N` (through
# a generated -modfile), as a user's module on that release is built: the
# go line sets the language version and the runtime's GODEBUG defaults.
function(add_go_program name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "MODULE;GO;GO_VERSION" "ENV")
  if(NOT arg_MODULE)
    set(arg_MODULE ${name})
  endif()
  if(NOT arg_GO)
    set(arg_GO ${GO_EXECUTABLE})
  endif()
  set(module_dir ${CMAKE_CURRENT_SOURCE_DIR}/${arg_MODULE})
  file(GLOB sources CONFIGURE_DEPENDS ${module_dir}/*.go ${module_dir}/go.mod)
  set(binary ${CMAKE_CURRENT_BINARY_DIR}/bin/${name})
  # GOTOOLCHAIN=local: never download a toolchain. Paths are kept
  # (no -trimpath) so that reports point at the real source files.
  set(go_flags "")
  if(arg_GO_VERSION)
    # The module's own go.mod (its requirements, which a vendor/ directory
    # must match) with its go line replaced.
    file(READ ${module_dir}/go.mod go_mod)
    string(REGEX REPLACE "\ngo [0-9.]+\n" "\ngo ${arg_GO_VERSION}\n" go_mod "${go_mod}")
    set(modfile ${CMAKE_CURRENT_BINARY_DIR}/modfiles/${name}.go.mod)
    file(WRITE ${modfile} "${go_mod}")
    set(go_flags -modfile=${modfile})
  endif()
  set(go_env GOTOOLCHAIN=local GOWORK=off GOFLAGS=${go_flags} ${arg_ENV})
  if(NOT DEFINED ENV{HOME} AND NOT DEFINED ENV{GOCACHE})
    list(APPEND go_env GOCACHE=${CMAKE_BINARY_DIR}/go-build-cache)
  endif()
  add_custom_command(
    OUTPUT ${binary}
    COMMAND ${CMAKE_COMMAND} -E env ${go_env} ${arg_GO} build -o ${binary} .
    WORKING_DIRECTORY ${module_dir}
    DEPENDS ${sources}
    COMMENT "go build ${name} (${arg_GO})"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${binary})
  set_target_properties(${name} PROPERTIES BINARY ${binary} GO_MODULE_DIR ${module_dir})
endfunction()
