# The CMake package users' projects find with find_package(Rampart):
#   Rampart::rampart      librampart (every layer; static), with its include
#                         directory, compile definitions and dependencies
#   Rampart::rampart_<layer>  one layer (base, pdu, ndr, ..., transport, dcom)
#   Rampart::rampart_interfaces, Rampart::rampart_gen_specs  the stubs generated
#                         from idl/ (rampart::spec::*)
#   Rampart::rampart-idl  the IDL compiler
#   rampart_idl()         the function that runs it (cmake/rampart_idl.cmake)
# installed under <libdir>/cmake/Rampart, with the IDL this project writes
# from the specifications under <datadir>/rampart/idl (for `import`).
include(CMakePackageConfigHelpers)
set(RAMPART_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Rampart)

rampart_all_layers(layers)
install(TARGETS ${layers} rampart_lib EXPORT RampartTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel)
# The stubs generated from the project's specification IDL (rampart::spec::*): the
# endpoint mapper and mgmt (rampart_interfaces, which the services and transport
# layers link) and DCOM (rampart_gen_specs, which the dcom layer's headers include),
# each library with its generated headers, found as <epm.hpp>, <orpc.hpp>, ... under
# include/rampart/spec.
foreach(generated rampart_interfaces rampart_gen_specs)
  if(TARGET ${generated})
    target_include_directories(${generated} PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/rampart/spec>)
    install(TARGETS ${generated} EXPORT RampartTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel)
    install(DIRECTORY ${PROJECT_BINARY_DIR}/idl/rampart_idl/${generated}/
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rampart/spec COMPONENT devel FILES_MATCHING PATTERN "*.hpp")
  endif()
endforeach()
install(TARGETS rampart-idl EXPORT RampartTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/man/rampart-idl.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(EXPORT RampartTargets NAMESPACE Rampart:: DESTINATION ${RAMPART_CMAKE_DIR} COMPONENT devel)

configure_package_config_file(cmake/RampartConfig.cmake.in ${PROJECT_BINARY_DIR}/RampartConfig.cmake
                              INSTALL_DESTINATION ${RAMPART_CMAKE_DIR} PATH_VARS CMAKE_INSTALL_DATADIR)
# 0.x: a minor release may change the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/RampartConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/RampartConfig.cmake ${PROJECT_BINARY_DIR}/RampartConfigVersion.cmake
              cmake/rampart_idl.cmake
        DESTINATION ${RAMPART_CMAKE_DIR} COMPONENT devel)
install(DIRECTORY idl/c706 idl/ms-dtyp idl/ms-dcom DESTINATION ${CMAKE_INSTALL_DATADIR}/rampart/idl
        COMPONENT devel FILES_MATCHING PATTERN "*.idl")
