// Defaults for the sanitizer runtimes of the programs that run the GSSAPI
// providers (rampartd, rampart, their tests) when built with
// RAMPART_SANITIZE or as fuzzers; inert otherwise, since only the
// sanitizer runtimes look these symbols up.
//
// gss-ntlmssp 1.2 fetches OpenSSL digests on every NTLM exchange and never
// frees them (docs/security.md). MIT krb5 1.20's SPNEGO, acquiring acceptor
// credentials from a cred store without a keytab, builds the krb5 service
// principal of the inner krb5 credential it then fails to acquire and never
// frees it (86 octets, once per acquisition). The suppressions name those
// frames only, so a leak in Rampart's own code still fails the ASan interop
// runs; the slow unwinder is needed to see past libcrypto, built without
// frame pointers, up to the plugin's frames.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:gssntlmssp.so\nleak:krb5_build_principal_alloc_va\n";
}
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
// The table of suppressions used would be printed at every exit, into the
// output a user or a test reads (rampart's --json); a real leak still is.
extern "C" const char* __lsan_default_options() { return "print_suppressions=0"; }
