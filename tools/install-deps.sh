#!/usr/bin/env bash
# Installs the Debian packages glasscage needs to build and test, only if
# some are missing.  Uses sudo when not root.  Why each is needed:
#   gcc make pkg-config        compiler and build helpers
#   meson ninja-build          the build system
#   libyaml-dev                scenario files (YAML parser with line/column marks)
#   librandom123-dev           Philox counter-based random numbers (headers only)
#   libsqlite3-dev sqlite3     results.db; the CLI is used by the tests
#   libcmocka-dev              unit tests
#   python3                    end-to-end and statistical test scripts
#   python3-numpy python3-yaml the NumPy peer (bench/numpy_peer.py, test numpy_peer): NumPy for the
#                              vectorised model, PyYAML to read its rates from scenarios/default.yaml
#   valgrind                   the memory-check test
#   nodejs npm                 `npm ci` fetches the report's chart libraries (vega, vega-lite,
#                              vega-embed), inlined into report.html at build time; skipped when
#                              node and npm are already on the PATH (e.g. from NodeSource)
# With --test, also:
#   chromium                   the report test opens report.html in headless Chromium
#                              (driven by playwright-core from npm)
set -euo pipefail
pkgs=(gcc make pkg-config meson ninja-build libyaml-dev librandom123-dev libsqlite3-dev sqlite3
      libcmocka-dev python3 python3-numpy python3-yaml valgrind)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
[ "${1:-}" = "--test" ] && pkgs+=(chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "glasscage: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
