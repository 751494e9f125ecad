// Defaults for the sanitizer runtimes when rampartd is built with
// RAMPART_SANITIZE (make asan-build); inert otherwise, since only the
// sanitizer runtimes look these symbols up.
//
// gss-ntlmssp 1.2 fetches OpenSSL digests on every NTLM exchange and never
// frees them (docs/security.md). The suppression names the plugin's module
// only, so a leak in Rampart's own code still fails the ASan interop runs;
// the slow unwinder is needed to see past libcrypto, built without frame
// pointers, up to the plugin's frames.
extern "C" const char* __lsan_default_suppressions() { return "leak:gssntlmssp.so\n"; }
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
