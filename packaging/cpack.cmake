# A Debian package of the installed tree (cpack -G DEB; `make deb`). Build it
# from a tree configured with -DCMAKE_INSTALL_PREFIX=/usr: the unit files and
# the configuration path are written with the prefix at configure time.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rampart)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Rampart")
set(CPACK_PACKAGE_CONTACT "Rampart maintainers <rampart@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "hardened Microsoft RPC endpoint mapper (RPCSS equivalent) and client")
set(CPACK_PACKAGE_DESCRIPTION
    "rampartd serves the DCE/RPC endpoint mapper and management interface on TCP 135 and a local socket, verifying every message before it believes it; rampart is the matching client (dump, map, ping, ifids, princ, register) and PDU explainer.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_STRIP_FILES ON)  # the debug information stays in the build tree
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the binaries' libraries (dpkg-shlibdeps)
# systemd-sysusers creates the rampart user; deb-systemd-helper enables the sockets.
# gss-ntlmssp is the NTLM mechanism MIT's GSSAPI loads as a plugin (no library
# links it, so dpkg-shlibdeps cannot see it); rampartd's NTLMSSP and SPNEGO
# providers need it at start.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, init-system-helpers, gss-ntlmssp")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
