# rampart_idl(TARGET <target> FILES <file.idl>... [IMPORT_DIRS <dir>...] [ORPC]
#             [NAMESPACE <parent>] [DESCRIBE_HOOKS <type>=<header>:<function>...])
#
# DESCRIBE_HOOKS passes --describe-hook to rampart-idl: the structure
# <type>'s describe_to() calls <function>(out, indent, value) from <header>
# (docs/idl.md, "Describe hooks"); the target must link what defines it.
#
# NAMESPACE puts the generated code in <parent>::<stem> instead of
# rampart::<stem>; files that import each other must share it.
# Runs rampart-idl on each IDL file and adds the generated <stem>.cpp to
# <target> (a library or executable that already exists); the generated
# headers are found through <target>'s include path. Generated files go to
# the build tree (${CMAKE_CURRENT_BINARY_DIR}/rampart_idl/<target>), never
# to the source tree. The target must link librampart's ndr and runtime
# layers (rampart_ndr, rampart_runtime; Rampart::rampart when installed).
#
# Inside this tree the compiler is the rampart-idl target; from an
# installed package it is the imported Rampart::rampart-idl executable, or
# RAMPART_IDL_EXECUTABLE if set.
function(rampart_idl)
  cmake_parse_arguments(A "ORPC" "TARGET;NAMESPACE" "FILES;IMPORT_DIRS;DESCRIBE_HOOKS" ${ARGN})
  if(NOT A_TARGET OR NOT A_FILES)
    message(FATAL_ERROR "rampart_idl: TARGET and FILES are required")
  endif()
  if(RAMPART_IDL_EXECUTABLE)
    set(compiler ${RAMPART_IDL_EXECUTABLE})
    set(compiler_dep)
  elseif(TARGET rampart-idl)
    set(compiler $<TARGET_FILE:rampart-idl>)
    set(compiler_dep rampart-idl)
  elseif(TARGET Rampart::rampart-idl)
    set(compiler $<TARGET_FILE:Rampart::rampart-idl>)
    set(compiler_dep Rampart::rampart-idl)
  else()
    message(FATAL_ERROR "rampart_idl: no rampart-idl (build it, install Rampart, or set RAMPART_IDL_EXECUTABLE)")
  endif()
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/rampart_idl/${A_TARGET})
  set(flags)
  foreach(dir IN LISTS A_IMPORT_DIRS)
    get_filename_component(dir ${dir} ABSOLUTE)
    list(APPEND flags -I ${dir})
  endforeach()
  if(A_ORPC)
    list(APPEND flags --orpc)
  endif()
  if(A_NAMESPACE)
    list(APPEND flags --namespace ${A_NAMESPACE})
  endif()
  foreach(hook IN LISTS A_DESCRIBE_HOOKS)
    list(APPEND flags --describe-hook ${hook})
  endforeach()
  foreach(file IN LISTS A_FILES)
    get_filename_component(path ${file} ABSOLUTE)
    get_filename_component(stem ${file} NAME_WE)
    # Imports can change the output; depend on every IDL beside and under
    # the import directories (a conservative, cheap approximation).
    get_filename_component(file_dir ${path} DIRECTORY)
    file(GLOB_RECURSE idl_deps CONFIGURE_DEPENDS ${file_dir}/*.idl)
    foreach(dir IN LISTS A_IMPORT_DIRS)
      get_filename_component(dir ${dir} ABSOLUTE)
      file(GLOB_RECURSE more CONFIGURE_DEPENDS ${dir}/*.idl)
      list(APPEND idl_deps ${more})
    endforeach()
    add_custom_command(
      OUTPUT ${out_dir}/${stem}.hpp ${out_dir}/${stem}.cpp
      COMMAND ${compiler} ${flags} -o ${out_dir} ${path}
      DEPENDS ${path} ${idl_deps} ${compiler_dep}
      COMMENT "rampart-idl ${file}"
      VERBATIM)
    target_sources(${A_TARGET} PRIVATE ${out_dir}/${stem}.cpp ${out_dir}/${stem}.hpp)
  endforeach()
  target_include_directories(${A_TARGET} PUBLIC $<BUILD_INTERFACE:${out_dir}>)
endfunction()
