# ASan+UBSan for sanitizer builds; libFuzzer instrumentation for fuzz builds.
# UBSan does not recover, so any undefined behaviour fails the test or fuzzer.
set(RAMPART_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
# Sanitizer and fuzz builds exist to run checks, not to ship: -O1 with line
# tables only keeps ASan's and UBSan's reports symbolized (file:line in every
# frame) and libFuzzer's recommended optimization, and compiles in about half
# the time of -O2 -g, which keeps `make test` on a fresh clone well inside its
# budget. -DRAMPART_SANITIZER_FULL_DEBUG_INFO=ON restores -O2 -g for a debugger.
option(RAMPART_SANITIZER_FULL_DEBUG_INFO "sanitizer and fuzz builds at -O2 -g" OFF)
if((RAMPART_FUZZ OR RAMPART_SANITIZE) AND NOT RAMPART_SANITIZER_FULL_DEBUG_INFO)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -gline-tables-only -DNDEBUG")
  else()
    set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -g1 -DNDEBUG")
  endif()
endif()
if(RAMPART_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "RAMPART_FUZZ needs clang (use clang++-19)")
  endif()
  # Asio 1.22 enables coroutines under clang + libstdc++ only when told to.
  add_compile_definitions(ASIO_HAS_CO_AWAIT=1 ASIO_HAS_STD_COROUTINE=1)
  add_compile_options(${RAMPART_SANITIZER_FLAGS} -fsanitize=fuzzer-no-link)
  add_link_options(${RAMPART_SANITIZER_FLAGS})
elseif(RAMPART_SANITIZE)
  add_compile_options(${RAMPART_SANITIZER_FLAGS})
  add_link_options(${RAMPART_SANITIZER_FLAGS})
endif()
# The sanitizer defaults (known leaks of gss-ntlmssp and MIT krb5 suppressed by
# frame, the slow unwinder) that every program running the GSSAPI providers
# links: rampart_sanitizer_defaults(TARGET).
set(RAMPART_SANITIZER_DEFAULTS ${CMAKE_CURRENT_LIST_DIR}/../src/sanitizer_defaults.cpp)
function(rampart_sanitizer_defaults target)
  target_sources(${target} PRIVATE ${RAMPART_SANITIZER_DEFAULTS})
endfunction()
