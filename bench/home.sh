#!/usr/bin/env bash
# Benchmarks the home page and /healthz of build/knooppunt (SQLite, demo network) side by side with
# nginx serving the very same bytes as static files, with wrk. Builds nothing: run `make build` first.
#
#   bench/home.sh [ROUNDS]        ROUNDS interleaved rounds, 3 by default
#   DURATION=10s THREADS=2 CONNECTIONS=64 KNOOPPUNT_BINARY=build/knooppunt bench/home.sh
#
# Everything runs on 127.0.0.1 and stops by itself; see bench/README.md for how to read the output.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-${ROUNDS:-3}}"
duration="${DURATION:-10s}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-64}"
binary="${KNOOPPUNT_BINARY:-${repo_root}/build/knooppunt}"
nginx_binary="${NGINX:-/usr/sbin/nginx}"

die() {
  echo "bench: $*" >&2
  exit 1
}

[[ "${rounds}" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number, not '${rounds}'"
[[ -x "${binary}" ]] || die "${binary} not found: run 'make build' first"
[[ -x "${nginx_binary}" ]] || die "nginx not found at ${nginx_binary}: run scripts/install-deps.sh"
for tool in wrk curl python3; do
  command -v "${tool}" >/dev/null 2>&1 || die "${tool} not found: run scripts/install-deps.sh"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/knooppunt-bench.XXXXXX")"
chmod 755 "${work}"  # nginx's workers read the static copy from here
server_pid=""
nginx_pid=""
cleanup() {
  if [[ -n "${server_pid}" ]] && kill -0 "${server_pid}" 2>/dev/null; then
    kill -TERM "${server_pid}" 2>/dev/null || true
    wait "${server_pid}" 2>/dev/null || true
  fi
  if [[ -n "${nginx_pid}" ]] && kill -0 "${nginx_pid}" 2>/dev/null; then
    kill -QUIT "${nginx_pid}" 2>/dev/null || true
    wait "${nginx_pid}" 2>/dev/null || true
  fi
  rm -rf "${work}"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rss_kib() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# --- knooppunt on a fresh SQLite database with the demo network. The access log is off on both sides.
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
ours="http://127.0.0.1:$(cat "${work}/port")"

# The idle server's memory once seeding is done and one page has been rendered.
curl -fsS -o /dev/null "${ours}/"
sleep 2
idle_rss_kib="$(rss_kib "${server_pid}")"

# --- nginx serving the exact bytes of our home page and of our /healthz answer.
mkdir -p "${work}/www" "${work}/nginx-temp"
curl -fsS -o "${work}/www/index.html" "${ours}/"
curl -fsS -o "${work}/www/healthz.json" "${ours}/healthz"
nginx_port="$(free_port)"
nginx_user_line=""
[[ "$(id -u)" -eq 0 ]] && nginx_user_line="user root;"  # workers run as whoever runs the benchmark
cat >"${work}/nginx.conf" <<EOF
${nginx_user_line}
worker_processes auto;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path ${work}/nginx-temp/body;
  proxy_temp_path ${work}/nginx-temp/proxy;
  fastcgi_temp_path ${work}/nginx-temp/fastcgi;
  uwsgi_temp_path ${work}/nginx-temp/uwsgi;
  scgi_temp_path ${work}/nginx-temp/scgi;
  server {
    listen 127.0.0.1:${nginx_port};
    root ${work}/www;
    location = / { default_type "text/html; charset=utf-8"; try_files /index.html =404; }
    location = /healthz { default_type application/json; try_files /healthz.json =404; }
  }
}
EOF
"${nginx_binary}" -p "${work}" -e "${work}/nginx-error.log" -c "${work}/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
theirs="http://127.0.0.1:${nginx_port}"
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "${theirs}/" 2>/dev/null && break
  kill -0 "${nginx_pid}" 2>/dev/null || { cat "${work}/nginx-error.log" >&2; die "nginx did not start"; }
  sleep 0.1
done
cmp -s "${work}/www/index.html" <(curl -fsS "${theirs}/") || die "nginx does not serve our home page's bytes"

# --- wrk, interleaved so that a noisy neighbour hurts every target alike.
targets=(home home_nginx healthz healthz_nginx)
declare -A urls=([home]="${ours}/" [home_nginx]="${theirs}/" [healthz]="${ours}/healthz"
                 [healthz_nginx]="${theirs}/healthz")

# wrk prints latencies as 812.00us, 3.45ms or 1.02s: convert to milliseconds.
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

echo "knooppunt ${ours} (pid ${server_pid}) vs nginx ${theirs}; wrk -t${threads} -c${connections} -d${duration} --latency; ${rounds} round(s)"
echo "home page: $(wc -c <"${work}/www/index.html") bytes; /healthz: $(wc -c <"${work}/www/healthz.json") bytes"
printf '%-6s %-14s %12s %10s %8s\n' round target requests/s p99_ms errors
for round in $(seq 1 "${rounds}"); do
  for target in "${targets[@]}"; do
    out="${work}/wrk-${target}-${round}.txt"
    if ! wrk -t"${threads}" -c"${connections}" -d"${duration}" --latency "${urls[${target}]}" >"${out}" 2>&1; then
      cat "${out}" >&2
      kill -0 "${server_pid}" 2>/dev/null || { tail -n 20 "${work}/knooppunt.log" >&2; die "knooppunt stopped during the load"; }
      die "wrk failed against ${urls[${target}]}"
    fi
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "${out}")"
    p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "${out}")")"
    errors="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
                   END { print n + 0 }' "${out}")"
    printf '%-6s %-14s %12s %10s %8s\n' "${round}" "${target}" "${rps}" "${p99}" "${errors}"
    echo "${rps}" >>"${work}/rps-${target}"
    echo "${p99}" >>"${work}/p99-${target}"
  done
done
loaded_rss_kib="$(rss_kib "${server_pid}")"

echo
echo "medians over ${rounds} round(s)"
printf '%-14s %12s %10s\n' target requests/s p99_ms
for target in "${targets[@]}"; do
  printf '%-14s %12s %10s\n' "${target}" "$(median <"${work}/rps-${target}")" "$(median <"${work}/p99-${target}")"
done
ratio() {
  awk -v a="$(median <"${work}/rps-$1")" -v b="$(median <"${work}/rps-$2")" 'BEGIN { printf "%.2f", a / b }'
}
home_ratio="$(ratio home home_nginx)"
home_p99="$(median <"${work}/p99-home")"
echo
echo "ratio home/nginx:       ${home_ratio}  (goal: at least 0.60)"
echo "ratio healthz/nginx:    $(ratio healthz healthz_nginx)"
echo "home p99:               ${home_p99} ms  (goal: under 10 ms)"
echo "idle RSS after seeding: $((idle_rss_kib / 1024)) MiB (${idle_rss_kib} kB; goal: under 50 MiB)"
echo "RSS after the load:     $((loaded_rss_kib / 1024)) MiB (${loaded_rss_kib} kB)"
