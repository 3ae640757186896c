# lib-capi.sh - sourced by the C API test scripts: the source and build
# trees, a tool check, and a throw-away PKI.
#   srcdir, builddir        the trees (abs_top_srcdir / abs_top_builddir)
#   capi_need_tool T...     each tool T must be on PATH: a missing one skips
#                           (77) on a developer's machine and fails under
#                           CI=true, where everything is installed
#   capi_pki NAME           sets $dir: a new directory (removed on exit)
#                           holding tests/certs/gen-certs.sh's PKI
set -u
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${abs_top_builddir:-$srcdir}

capi_need_tool() {
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 && continue
        if [ "${CI:-}" = true ]; then
            echo "FAIL: $t not installed (CI=true: a skip is a failure)"
            exit 1
        fi
        echo "SKIP: $t not installed"
        exit 77
    done
}

capi_pki() {
    dir=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 1
    trap 'rm -rf "$dir"' EXIT INT TERM
    sh "$srcdir/tests/certs/gen-certs.sh" "$dir" || { echo "FAIL: certificate generation"; exit 1; }
}
