# syslogtls.m4 - the project's own configure checks: a C++17 compiler and POSIX threads.

# SYSLOGTLS_CXX17
# ---------------
# Finds the flag that makes $CXX compile C++17: none, then -std=c++17, then
# -std=gnu++17. The probe uses structured bindings, if constexpr and
# std::optional, so a compiler that only claims C++17 in __cplusplus fails it.
# Appends the flag to CXX (so that every C++ compile and link uses it) and
# stops configure with an error naming what was tried when none works.
AC_DEFUN([SYSLOGTLS_CXX17], [
  AC_LANG_PUSH([C++])
  AC_CACHE_CHECK([for the flag $CXX needs for C++17], [syslogtls_cv_cxx17_flag], [
    syslogtls_cv_cxx17_flag=unsupported
    syslogtls_save_CXX=$CXX
    for syslogtls_flag in none -std=c++17 -std=gnu++17; do
      AS_IF([test "x$syslogtls_flag" = xnone],
        [CXX=$syslogtls_save_CXX],
        [CXX="$syslogtls_save_CXX $syslogtls_flag"])
      AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[
#include <optional>
#include <utility>
#if !defined(__cplusplus) || __cplusplus < 201703L
#error not C++17
#endif
template <typename T>
int width() {
  if constexpr (sizeof(T) > 4) return 8; else return 4;
}
]], [[
  std::pair<int, long> p{1, 2L};
  auto [a, b] = p;
  std::optional<int> o;
  if (!o.has_value()) o = a + static_cast<int>(b);
  return *o + width<long>() == 0;
]])], [syslogtls_cv_cxx17_flag=$syslogtls_flag])
      CXX=$syslogtls_save_CXX
      test "x$syslogtls_cv_cxx17_flag" = xunsupported || break
    done])
  AS_CASE([$syslogtls_cv_cxx17_flag],
    [unsupported], [AC_MSG_ERROR([$CXX does not compile C++17 (tried no flag, -std=c++17 and -std=gnu++17); install a C++17 compiler, e.g. the Debian package g++])],
    [none], [],
    [CXX="$CXX $syslogtls_cv_cxx17_flag"])
  AC_LANG_POP([C++])
])

# SYSLOGTLS_PTHREAD
# -----------------
# Checks that compiling and linking with -pthread gives a program that links
# pthread_create, and sets PTHREAD_CFLAGS (compile flags) and PTHREAD_LIBS
# (link flags) to -pthread. Stops configure with an error otherwise.
AC_DEFUN([SYSLOGTLS_PTHREAD], [
  AC_LANG_PUSH([C])
  AC_CACHE_CHECK([whether $CC -pthread links pthread_create], [syslogtls_cv_pthread], [
    syslogtls_save_CFLAGS=$CFLAGS
    syslogtls_save_LIBS=$LIBS
    CFLAGS="$CFLAGS -pthread"
    LIBS="-pthread $LIBS"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <pthread.h>
static void *run(void *arg) { return arg; }
]], [[
  pthread_t t;
  if (pthread_create(&t, 0, run, 0) != 0) return 1;
  return pthread_join(t, 0);
]])], [syslogtls_cv_pthread=yes], [syslogtls_cv_pthread=no])
    CFLAGS=$syslogtls_save_CFLAGS
    LIBS=$syslogtls_save_LIBS])
  AS_IF([test "x$syslogtls_cv_pthread" != xyes],
    [AC_MSG_ERROR([POSIX threads are required: $CC -pthread does not link pthread_create (install the Debian package libc6-dev)])])
  PTHREAD_CFLAGS=-pthread
  PTHREAD_LIBS=-pthread
  AC_SUBST([PTHREAD_CFLAGS])
  AC_SUBST([PTHREAD_LIBS])
  AC_LANG_POP([C])
])
