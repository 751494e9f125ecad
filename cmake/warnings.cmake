# Project code builds warning-free with -Wall -Wextra (and -Werror by default).
#
# GCC 12 reports -Wmaybe-uninitialized on the padding octets of an error
# moved out of std::expected at -O2 (GCC PR 105562 and its duplicates); the
# warning names compiler-generated temporaries, not project variables, so it
# is turned off for GCC only. Clang builds keep their full warning set.
function(rampart_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra $<$<BOOL:${RAMPART_WERROR}>:-Werror>
    $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
endfunction()
