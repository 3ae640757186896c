#!/bin/sh
# get-syslog-ng.sh DEST - unpacks Debian's syslog-ng-core (3.38 on Debian 12)
# and the libraries it needs that are not installed under DEST, without
# installing it: the syslog-ng package conflicts with rsyslog. The benchmark
# runs DEST/usr/sbin/syslog-ng with LD_LIBRARY_PATH pointing into DEST.
# Uses apt-get download (the package lists must be current: apt-get update).
set -eu
DEST=${1:?usage: get-syslog-ng.sh DEST}
mkdir -p "$DEST/debs"
cd "$DEST/debs"
PKGS=syslog-ng-core
for lib in libivykis0 libnet1 libwrap0 libjson-c5 libpcre3 libglib2.0-0 libcap2; do
    dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "install ok installed" || PKGS="$PKGS $lib"
done
# shellcheck disable=SC2086
apt-get download $PKGS
for deb in ./*.deb; do
    dpkg -x "$deb" "$DEST"
done
LD_LIBRARY_PATH=$DEST/usr/lib/syslog-ng:$DEST/usr/lib/x86_64-linux-gnu \
    "$DEST/usr/sbin/syslog-ng" --version | head -1
