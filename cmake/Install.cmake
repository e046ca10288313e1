# Install rules and the CMake package, the fmt way: exported namespaced
# targets, a config file that finds the dependencies again, a version file.
# `cpack -G DEB` (from the build directory) makes an installable .deb.
include(CMakePackageConfigHelpers)

set(GOLEAKCHECK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/goleakcheck)
# Every library (each stage's, and the goleakcheck::harness umbrella) and
# every stage's public header folder, as the stages registered them.
get_property(installed_targets GLOBAL PROPERTY GOLEAKCHECK_LIBRARIES)
get_property(header_dirs GLOBAL PROPERTY GOLEAKCHECK_HEADER_DIRS)
if(TARGET goleakcheck)
  list(APPEND installed_targets goleakcheck)
endif()

install(TARGETS ${installed_targets}
  EXPORT goleakcheckTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${header_dirs}
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT goleakcheckTargets NAMESPACE goleakcheck:: DESTINATION ${GOLEAKCHECK_CMAKE_DIR})

set(GOLEAKCHECK_WITH_GTEST $<TARGET_EXISTS:goleakcheck_gtest>)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/goleakcheckConfig.cmake.in
  ${PROJECT_BINARY_DIR}/goleakcheckConfig.cmake.configured
  INSTALL_DESTINATION ${GOLEAKCHECK_CMAKE_DIR})
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/goleakcheckConfig.cmake
  INPUT ${PROJECT_BINARY_DIR}/goleakcheckConfig.cmake.configured)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/goleakcheckConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/goleakcheckConfig.cmake ${PROJECT_BINARY_DIR}/goleakcheckConfigVersion.cmake
  DESTINATION ${GOLEAKCHECK_CMAKE_DIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME goleakcheck)
set(CPACK_PACKAGE_CONTACT "goleakcheck developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# What the CLI needs at run time, and what the CMake package finds again.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libboost-filesystem1.74.0, libre2-9, libfmt9, libboost-dev, libboost-filesystem-dev, libre2-dev, libfmt-dev")
include(CPack)
