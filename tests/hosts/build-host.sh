#!/bin/sh
# build-host.sh TARBALL - builds an rsyslog release from its source tarball
# into the host cache, once, and prints the installation prefix (DIR, with
# DIR/sbin/rsyslogd and its own modules in DIR/lib/rsyslog) as the last line
# on stdout. Progress and the build time go to stderr.
#
# Cache: ${SYSLOGTLS_HOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rsyslog-tls/hosts},
# one directory per tarball named VERSION-SHA256PREFIX. A build runs in a
# temporary directory inside the cache and its result is renamed into place
# only after "make install" succeeded, so an interrupted build leaves no
# half host; a lock (flock) keeps two runs from building the same host.
# The build dependencies are installed by contrib/install-deps.sh.
set -eu

tarball=${1:?usage: build-host.sh TARBALL}
[ -f "$tarball" ] || { echo "build-host: $tarball not found" >&2; exit 1; }
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
name=$(basename "$tarball" .tar.gz)
version=${name#rsyslog-}
case $version in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) echo "build-host: cannot read a version from $name (expected rsyslog-X.Y.Z.tar.gz)" >&2; exit 1 ;;
esac

cache=${SYSLOGTLS_HOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rsyslog-tls/hosts}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
sum=$(sha256sum "$tarball" | cut -c1-16)
prefix="$cache/$version-$sum"

if [ -x "$prefix/sbin/rsyslogd" ]; then
  echo "build-host: $version cached in $prefix" >&2
  echo "$prefix"
  exit 0
fi

# One builder per host; a second run waits here, then finds the result.
exec 9>"$cache/.$version-$sum.lock"
flock 9
if [ -x "$prefix/sbin/rsyslogd" ]; then
  echo "build-host: $version cached in $prefix (built by another run)" >&2
  echo "$prefix"
  exit 0
fi

work=$(mktemp -d "$cache/.build-$version.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start=$(date +%s)
echo "build-host: building rsyslog $version into $prefix (log: $work/build.log while it runs)" >&2
(
  cd "$work"
  tar xzf "$tarball"
  cd "$name"
  autoreconf -fi
  # The prefix is the final directory: rsyslogd finds its modules there.
  ./configure --prefix="$prefix" --enable-gnutls --disable-libcurl --disable-liblogging-stdlog \
    --enable-imfile --enable-impstats --disable-default-tests --disable-klog \
    --disable-fmhttp --disable-libsystemd
  make -j"$(nproc)"
  make install DESTDIR="$work/dest"
) >"$work/build.log" 2>&1 || {
  echo "build-host: building rsyslog $version failed; end of the build log:" >&2
  tail -n 40 "$work/build.log" >&2
  exit 1
}
[ -x "$work/dest$prefix/sbin/rsyslogd" ] || { echo "build-host: no sbin/rsyslogd after make install" >&2; exit 1; }
rm -rf "$prefix"
mv "$work/dest$prefix" "$prefix"
echo "build-host: built rsyslog $version in $(($(date +%s) - start)) s" >&2
echo "$prefix"
