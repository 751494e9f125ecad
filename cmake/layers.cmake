# rampart_layer(NAME DEPS ...): a static library from src/NAME/*.cpp with the
# public headers under include/rampart/NAME/. A layer links only layers below
# it (docs/design.md), which keeps the dependency arrows pointing down.
# A layer with no sources yet is skipped, so later layers can land gradually.
function(rampart_layer name)
  cmake_parse_arguments(L "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  if(NOT sources)
    return()
  endif()
  set(deps)
  foreach(d IN LISTS L_DEPS)
    if(TARGET ${d} OR d MATCHES "::")
      list(APPEND deps ${d})
    endif()
  endforeach()
  add_library(rampart_${name} STATIC ${sources})
  target_include_directories(rampart_${name}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${PROJECT_SOURCE_DIR}/src/${name})
  target_link_libraries(rampart_${name} PUBLIC ${deps})
  rampart_warnings(rampart_${name})
  set_property(GLOBAL APPEND PROPERTY RAMPART_LAYERS rampart_${name})
endfunction()

# All layers that exist, for tests and tools that want the whole runtime.
function(rampart_all_layers out)
  get_property(layers GLOBAL PROPERTY RAMPART_LAYERS)
  set(${out} ${layers} PARENT_SCOPE)
endfunction()
