# Finding what the tests and benchmarks need and running does not (the test packages of
# scripts/install-deps.sh). webvoxd alone, the default configuration, needs none of them; when
# WEBVOX_TESTS or WEBVOX_BENCH asks for one that is missing, CMake stops saying what to
# install, not with a bare "not found".

function(webvox_test_package_missing what package)
  message(FATAL_ERROR
    "${what} is not installed (Debian package ${package}); WEBVOX_TESTS and WEBVOX_BENCH need "
    "it. Run scripts/install-deps.sh --test as root, or configure without the tests and "
    "benchmarks (the default: webvoxd alone, as scripts/run.sh builds it).")
endfunction()

# libsrtp2, the reference SRTP that tests/rtc/srtp and bench/srtp_bench hold webvox's to:
# defines PkgConfig::SRTP2 for the calling directory.
macro(webvox_find_libsrtp2)
  find_package(PkgConfig QUIET)
  if(NOT PKG_CONFIG_FOUND)
    webvox_test_package_missing("pkg-config" pkg-config)
  endif()
  pkg_check_modules(SRTP2 QUIET IMPORTED_TARGET libsrtp2)
  if(NOT SRTP2_FOUND)
    webvox_test_package_missing("libsrtp2" libsrtp2-dev)
  endif()
endmacro()
