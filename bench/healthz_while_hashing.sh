#!/usr/bin/env bash
# Does a burst of sign-ins starve the rest of the site? While 10 clients sign in at once, over and
# over, with valid credentials (each one an argon2id verification with interactive limits), wrk
# measures /healthz for the same window. Interleaved with a quiet baseline. Builds nothing.
#
#   bench/healthz_while_hashing.sh [ROUNDS]     ROUNDS interleaved rounds, 3 by default
#   DURATION=10s SIGNINS=10 HEALTHZ_CONNECTIONS=4 KNOOPPUNT_BINARY=build/knooppunt bench/healthz_while_hashing.sh
#
# Goal (issue 3): /healthz p99 under 50 ms while 10 sign-ins hash at once. Everything runs on
# 127.0.0.1 with the server's defaults (workers, hasher bound), SQLite and the demo network.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-${ROUNDS:-3}}"
duration="${DURATION:-10s}"
signins="${SIGNINS:-10}"
healthz_connections="${HEALTHZ_CONNECTIONS:-4}"
binary="${KNOOPPUNT_BINARY:-${repo_root}/build/knooppunt}"

die() {
  echo "bench: $*" >&2
  exit 1
}

[[ "${rounds}" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number, not '${rounds}'"
[[ -x "${binary}" ]] || die "${binary} not found: run 'make build' first"
for tool in wrk curl; do
  command -v "${tool}" >/dev/null 2>&1 || die "${tool} not found: run scripts/install-deps.sh"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/knooppunt-bench.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "${server_pid}" ]] && kill -0 "${server_pid}" 2>/dev/null; then
    kill -TERM "${server_pid}" 2>/dev/null || true
    wait "${server_pid}" 2>/dev/null || true
  fi
  rm -rf "${work}"
}
trap cleanup EXIT

mkdir -p "${work}/data"
"${binary}" serve --listen 127.0.0.1:0 --port-file "${work}/port" \
  --database "sqlite:${work}/data/knooppunt.db" --data-dir "${work}/data" \
  --seed-demo-if-empty --no-access-log >"${work}/knooppunt.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 1200); do
  [[ -s "${work}/port" ]] && break
  kill -0 "${server_pid}" 2>/dev/null || { cat "${work}/knooppunt.log" >&2; die "knooppunt exited at start-up"; }
  sleep 0.1
done
[[ -s "${work}/port" ]] || die "knooppunt wrote no port file within 120 s"
base="http://127.0.0.1:$(cat "${work}/port")"

# One CSRF cookie and its token serve every sign-in POST (the token is per browser, not per form).
csrf="$(curl -fsS -D - -o /dev/null "${base}/inloggen" | awk -F'[=;]' 'tolower($1) ~ /^set-cookie: csrf$/ { print $2 }')"
[[ -n "${csrf}" ]] || die "no CSRF cookie from /inloggen"
status="$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: csrf=${csrf}" \
  --data-urlencode "csrf=${csrf}" --data-urlencode "email=lid@kkp-demo.nl" \
  --data-urlencode "password=knooppunt-demo" "${base}/inloggen")"
[[ "${status}" == "303" ]] || die "a demo sign-in answered ${status}, not 303"

cat >"${work}/signin.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrf=${csrf}"
wrk.body = "csrf=${csrf}&email=lid%40kkp-demo.nl&password=knooppunt-demo&next=%2F"
EOF

to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else { sub(/s$/, "", v); printf "%.3f", v * 1000 } }'
}
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
                                      else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
errors_in() {
  awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
       END { print n + 0 }' "$1"
}
healthz_run() {  # $1: output file
  wrk -t1 -c"${healthz_connections}" -d"${duration}" --latency "${base}/healthz" >"$1" 2>&1 ||
    { cat "$1" >&2; die "wrk failed against /healthz"; }
}

echo "knooppunt ${base} (pid ${server_pid}), $(nproc) cores; /healthz: wrk -t1 -c${healthz_connections} -d${duration} --latency;"
echo "sign-ins: wrk -t1 -c${signins} POST /inloggen (valid demo credentials) for the same window; ${rounds} round(s)"
printf '%-6s %-9s %12s %10s %10s %8s %12s %10s %10s %8s\n' round load healthz/s p50_ms p99_ms errors signins/s signin_p50 \
  signin_p99 s_errors
for round in $(seq 1 "${rounds}"); do
  # Quiet: /healthz alone.
  out="${work}/quiet-${round}.txt"
  healthz_run "${out}"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "${out}")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "${out}")")"
  printf '%-6s %-9s %12s %10s %10s %8s %12s %10s %10s %8s\n' "${round}" quiet \
    "$(awk '/^Requests\/sec:/ { print $2 }' "${out}")" "${p50}" "${p99}" "$(errors_in "${out}")" - - - -
  echo "${p99}" >>"${work}/p99-quiet"

  # Hashing: the sign-in load starts first and outlasts the /healthz window on both ends.
  signin_out="${work}/signin-${round}.txt"
  # Sign-ins queue for the hasher by design, so they get a longer timeout than wrk's 2 s.
  wrk -t1 -c"${signins}" -d"$(( ${duration%s} + 4 ))s" --timeout 20s --latency -s "${work}/signin.lua" "${base}/inloggen" \
    >"${signin_out}" 2>&1 &
  signin_pid=$!
  sleep 2
  out="${work}/hashing-${round}.txt"
  healthz_run "${out}"
  wait "${signin_pid}" || { cat "${signin_out}" >&2; die "wrk failed against /inloggen"; }
  kill -0 "${server_pid}" 2>/dev/null || { tail -n 20 "${work}/knooppunt.log" >&2; die "knooppunt stopped during the load"; }
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "${out}")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "${out}")")"
  printf '%-6s %-9s %12s %10s %10s %8s %12s %10s %10s %8s\n' "${round}" hashing \
    "$(awk '/^Requests\/sec:/ { print $2 }' "${out}")" "${p50}" "${p99}" "$(errors_in "${out}")" \
    "$(awk '/^Requests\/sec:/ { print $2 }' "${signin_out}")" "$(to_ms "$(awk '$1 == "50%" { print $2 }' "${signin_out}")")" \
    "$(to_ms "$(awk '$1 == "99%" { print $2 }' "${signin_out}")")" "$(errors_in "${signin_out}")"
  echo "${p99}" >>"${work}/p99-hashing"
  awk '/^Requests\/sec:/ { print $2 }' "${signin_out}" >>"${work}/signins"
done

quiet="$(median <"${work}/p99-quiet")"
hashing="$(median <"${work}/p99-hashing")"
echo
echo "median /healthz p99, quiet:               ${quiet} ms"
echo "median /healthz p99, ${signins} sign-ins hashing: ${hashing} ms  (goal: under 50 ms)"
echo "median sign-ins per second:               $(median <"${work}/signins")"
awk -v p="${hashing}" 'BEGIN { exit !(p < 50) }' && echo "goal met" || { echo "goal NOT met"; exit 2; }
