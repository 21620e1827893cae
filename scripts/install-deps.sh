#!/usr/bin/env bash
# Installs what building, running and testing Knooppunt needs on Debian 12: Debian packages, then the
# npm packages of package.json. Idempotent and silent when nothing is missing, so `make run` and
# `make test` call it every time. Only Debian's archive and the npm registry are used: no browser or
# toolchain downloads (the browser tests drive Debian's /usr/bin/chromium).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# --- The Debian packages, in one place. Keep DESIGN.md's dependency table and this list in step.
packages=(
  # toolchain and build
  build-essential cmake ninja-build pkg-config git
  # libFuzzer: the fuzz targets are built with clang 14 and its runtime
  clang libclang-rt-14-dev
  # `make format`
  clang-format
  # HTTP: Boost.Beast/Asio and Boost.URL
  libboost1.81-dev libboost-url1.81-dev
  # storage: SQLite (default), PostgreSQL client library and server (the tests start a throwaway cluster)
  libsqlite3-dev libpq-dev postgresql
  # web: templates, Markdown
  libkainjow-mustache-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  # passwords and tokens, logs, command line, JSON, compression, Dutch stemming, e-mail over SMTP
  libsodium-dev libspdlog-dev libcli11-dev nlohmann-json3-dev zlib1g-dev libstemmer-dev
  libcurl4-openssl-dev
  # events: recurrence rules, time zones, iCalendar feeds
  libical-dev
  # tests: Atom feeds are parsed back with expat
  libexpat1-dev
  # atlas: graph analytics (igraph); NetworkX runs the same pipeline side by side in bench/atlas
  libigraph-dev python3-networkx
  # contacts: converting Windows-1252 / Latin-1 address lists to UTF-8 (ICU converters)
  libicu-dev
  # member photos: re-encoding (libvips) and type checks (libmagic)
  libvips-dev libmagic-dev
  # documents: the text of uploaded PDFs for search (pdftotext)
  poppler-utils
  # tests and benchmarks: GoogleTest/GoogleMock, Google Benchmark, a real SMTP server, the browser,
  # wrk and nginx for the side-by-side benchmark
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-aiosmtpd chromium wrk nginx-light
  # TLS roots for npm
  ca-certificates
)
# Node.js and npm run the browser tests and bundle assets. A machine that already has node keeps its
# own (Debian's npm would pull in a second Node.js), so these are only added when node is missing.
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

run_as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "install-deps: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing=()
for package in "${packages[@]}"; do
  is_installed "${package}" || missing+=("${package}")
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${#missing[@]} Debian package(s): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  for package in "${missing[@]}"; do
    if ! is_installed "${package}"; then
      echo "install-deps: ${package} did not install" >&2
      exit 1
    fi
  done
fi

# --- npm packages: reinstalled only when node_modules is missing or older than the lock file.
cd "${repo_root}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
stamp=node_modules/.package-lock.json  # npm rewrites it on every install
if [[ -f package-lock.json ]]; then
  if [[ ! -f "${stamp}" || package-lock.json -nt "${stamp}" ]]; then
    echo "install-deps: installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
elif [[ ! -d node_modules || package.json -nt "${stamp}" ]]; then
  echo "install-deps: installing npm packages (npm install)"
  npm install --no-audit --no-fund --loglevel=error
fi
