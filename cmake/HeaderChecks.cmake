# goleakcheck_check_headers(TARGET DIR): each public header of TARGET (in
# DIR/goleakcheck/) compiles on its own, with nothing but TARGET's usage
# requirements. A header that leans on another header being included first,
# or includes a header of a stage TARGET does not link (diff.hpp including
# report.hpp, say), fails the build.
function(goleakcheck_check_headers target dir)
  file(GLOB headers CONFIGURE_DEPENDS ${dir}/goleakcheck/*.hpp)
  set(units)
  foreach(header ${headers})
    get_filename_component(name ${header} NAME)
    set(unit ${CMAKE_CURRENT_BINARY_DIR}/header_checks/${target}/${name}.cpp)
    file(CONFIGURE OUTPUT ${unit} CONTENT "#include \"goleakcheck/${name}\"\n")
    list(APPEND units ${unit})
  endforeach()
  add_library(${target}_header_checks OBJECT ${units})
  target_link_libraries(${target}_header_checks PRIVATE ${target})
endfunction()
