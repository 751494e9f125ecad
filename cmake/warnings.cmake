# Project code builds warning-free with -Wall -Wextra (and -Werror by default).
function(rampart_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra $<$<BOOL:${RAMPART_WERROR}>:-Werror>)
endfunction()
