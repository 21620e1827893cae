#!/usr/bin/env bash
# Discussions at scale over HTTP (issue 4): with 50,000 topics and 1,000,000 replies, the server-side
# p95 of a topic page, a group's topic list and a full-text search, and the topic page's requests/s
# next to the home page's in the same run. Builds nothing: build knooppunt and discussions_bench first.
#
#   bench/discussions.sh sqlite:/tmp/knooppunt-bench-discussions.db [ROUNDS]
#   bench/discussions.sh postgresql://postgres@127.0.0.1:PORT/knooppunt_bench [ROUNDS]
#   KNOOPPUNT_BINARY=build/knooppunt DISCUSSIONS_BENCH=build/bench/discussions DURATION=10s ...
#
# The database is filled once by `discussions fill` (minutes) and reused. Two phases, each in
# interleaved rounds so that a noisy neighbour hurts every target alike:
#  1. latency: each target with 2 connections (LATENCY_CONNECTIONS); the server's own duration of every request comes from
#     its access log (the time from the parsed request to the written response), p50/p95 per target;
#  2. throughput: the home page and the topic page with 64 connections, access log off, requests/s;
#     the topic page both as a visitor (the anonymous page cache serves it) and as the signed-in demo
#     member (rendered for every request: the cache is for visitors only), and the home page as that
#     member too, so that the member's topic page has a like-for-like ratio (member / member).
# Targets: `/` (home), `/onderwerpen/ID` and `?pagina=4` of a topic with 200 replies (the page shows
# 50 posts), the topic list `/groepen/N/G/discussies`, and search `/zoeken?q=...` as a visitor
# (the groups are public in the bench database), and the topic page and home page as a signed-in member.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
url="${1:?usage: bench/discussions.sh DATABASE_URL [ROUNDS]}"
rounds="${2:-${ROUNDS:-3}}"
duration="${DURATION:-10s}"
latency_duration="${LATENCY_DURATION:-8s}"
# Concurrent clients in phase 1: 2 by default (two requests contend for the 2 cores with the database);
# 1 gives the time one request takes alone.
latency_connections="${LATENCY_CONNECTIONS:-2}"
binary="${KNOOPPUNT_BINARY:-${repo_root}/build/knooppunt}"
bench="${DISCUSSIONS_BENCH:-${repo_root}/build/bench/discussions}"

die() {
  echo "bench: $*" >&2
  exit 1
}
[[ -x "${binary}" ]] || die "${binary} not found"
[[ -x "${bench}" ]] || die "${bench} not found: cmake --build BUILD --target discussions_bench"
for tool in wrk curl python3; do command -v "${tool}" >/dev/null || die "${tool} not found"; done

work="$(mktemp -d "${TMPDIR:-/tmp}/knooppunt-bench-discussions.XXXXXX")"
server_pid=""
stop_server() {
  if [[ -n "${server_pid}" ]] && kill -0 "${server_pid}" 2>/dev/null; then
    kill -TERM "${server_pid}" 2>/dev/null || true
    wait "${server_pid}" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "${work}"' EXIT

"${bench}" fill "${url}"
eval "$("${bench}" info "${url}")"  # hot_topic, group_path, topics, replies
echo "database ${url%%\?*}: ${topics} topics, ${replies} replies; topic ${hot_topic} has 200 replies; group ${group_path}"

start_server() {  # $1: extra flags
  rm -f "${work}/port"
  mkdir -p "${work}/data"
  # shellcheck disable=SC2086
  "${binary}" serve --listen 127.0.0.1:0 --port-file "${work}/port" --database "${url}" \
    --data-dir "${work}/data" $1 >"${work}/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    [[ -s "${work}/port" ]] && break
    kill -0 "${server_pid}" 2>/dev/null || { cat "${work}/server.log" >&2; die "knooppunt exited at start-up"; }
    sleep 0.1
  done
  [[ -s "${work}/port" ]] || die "no port file within 60 s"
  base="http://127.0.0.1:$(cat "${work}/port")"
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
                                      else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# A member's session cookie: sign in as the demo member through the form, as a browser does.
sign_in() {
  local jar="${work}/cookies"
  rm -f "${jar}"
  curl -fsS -c "${jar}" -o /dev/null "${base}/inloggen"
  local csrf
  csrf="$(awk '$6 == "csrf" { print $7 }' "${jar}")"
  curl -fsS -b "${jar}" -c "${jar}" -o /dev/null -X POST \
    --data-urlencode "email=lid@kkp-demo.nl" --data-urlencode "password=knooppunt-demo" \
    --data-urlencode "csrf=${csrf}" "${base}/inloggen"
  awk '$6 ~ /sessie$/ { print $6 "=" $7 }' "${jar}"
}

declare -A paths=(
  [home]="/"
  [topic_page]="/onderwerpen/${hot_topic}"
  [topic_page_4]="/onderwerpen/${hot_topic}?pagina=4"
  [topic_list]="${group_path}/discussies"
  [search]="/zoeken?q=algemene+voorwaarden"
  [topic_member]="/onderwerpen/${hot_topic}?pagina=2"
  [home_member]="/"
)
latency_targets=(home topic_page topic_page_4 topic_list search topic_member home_member)
# Targets requested with the demo member's session cookie.
is_member() { [[ "$1" == topic_member || "$1" == home_member ]]; }

# --- phase 1: server-side latency from the access log
start_server ""
cookie="$(sign_in)"
[[ -n "${cookie}" ]] || die "could not sign in as the demo member"
for target in "${latency_targets[@]}"; do  # every page answers 200 before we measure it
  header=()
  is_member "${target}" && header=(-H "Cookie: ${cookie}")
  status="$(curl -s -o /dev/null -w '%{http_code}' "${header[@]}" "${base}${paths[${target}]}")"
  [[ "${status}" == 200 ]] || die "${paths[${target}]} answered ${status}"
done
echo
echo "phase 1: server-side latency, wrk -t1 -c${latency_connections} -d${latency_duration}, ${rounds} interleaved round(s)"
printf '%-6s %-14s %10s %10s %10s %9s\n' round target requests p50_ms p95_ms p99_ms
for round in $(seq 1 "${rounds}"); do
  for target in "${latency_targets[@]}"; do
    before="$(wc -l <"${work}/server.log")"
    header=()
    is_member "${target}" && header=(-H "Cookie: ${cookie}")
    wrk -t1 -c"${latency_connections}" -d"${latency_duration}" "${header[@]}" "${base}${paths[${target}]}" >"${work}/wrk.txt" 2>&1 ||
      { cat "${work}/wrk.txt" >&2; die "wrk failed"; }
    # Access log lines: ... "GET /path" 200 1234B 3.21ms
    tail -n +"$((before + 1))" "${work}/server.log" | grep -F "\"GET ${paths[${target}]}\"" |
      awk '{ v = $NF; sub(/ms$/, "", v); print v }' | sort -g >"${work}/durations"
    n="$(wc -l <"${work}/durations")"
    [[ "${n}" -gt 0 ]] || die "no access-log lines for ${target}"
    pct() { awk -v p="$1" -v n="${n}" 'NR == int(p * n + 0.999999) { printf "%.2f", $1 }' "${work}/durations"; }
    p50="$(pct 0.50)"
    p95="$(pct 0.95)"
    p99="$(pct 0.99)"
    printf '%-6s %-14s %10s %10s %10s %9s\n' "${round}" "${target}" "${n}" "${p50}" "${p95}" "${p99}"
    echo "${p50}" >>"${work}/p50-${target}"
    echo "${p95}" >>"${work}/p95-${target}"
  done
done
stop_server

# --- phase 2: requests/s, access log off
start_server "--no-access-log"
cookie="$(sign_in)"
echo
echo "phase 2: throughput, wrk -t2 -c64 -d${duration}, ${rounds} interleaved round(s)"
printf '%-6s %-14s %12s %8s\n' round target requests/s errors
for round in $(seq 1 "${rounds}"); do
  for target in home home_member topic_page topic_member; do
    header=()
    is_member "${target}" && header=(-H "Cookie: ${cookie}")
    wrk -t2 -c64 -d"${duration}" "${header[@]}" "${base}${paths[${target}]}" >"${work}/wrk.txt" 2>&1 ||
      { cat "${work}/wrk.txt" >&2; die "wrk failed"; }
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "${work}/wrk.txt")"
    errors="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
                   END { print n + 0 }' "${work}/wrk.txt")"
    printf '%-6s %-14s %12s %8s\n' "${round}" "${target}" "${rps}" "${errors}"
    echo "${rps}" >>"${work}/rps-${target}"
  done
done
stop_server

echo
echo "medians over ${rounds} round(s)"
printf '%-14s %10s %10s %10s\n' target p50_ms p95_ms goal_p95
declare -A goals=([topic_page]=15 [topic_page_4]=15 [topic_member]=15 [topic_list]=10 [search]=30 [home]=-
                  [home_member]=-)
for target in "${latency_targets[@]}"; do
  printf '%-14s %10s %10s %10s\n' "${target}" "$(median <"${work}/p50-${target}")" \
    "$(median <"${work}/p95-${target}")" "${goals[${target}]}"
done
home_rps="$(median <"${work}/rps-home")"
topic_rps="$(median <"${work}/rps-topic_page")"
member_rps="$(median <"${work}/rps-topic_member")"
home_member_rps="$(median <"${work}/rps-home_member")"
echo
echo "requests/s: home ${home_rps}, topic page ${topic_rps} (visitor), ${member_rps} (signed-in member)"
echo "requests/s: home ${home_member_rps} (signed-in member)"
awk -v a="${topic_rps}" -v b="${home_rps}" 'BEGIN { printf "ratio topic page / home: %.2f  (goal: at least 0.40)\n", a / b }'
awk -v a="${member_rps}" -v b="${home_rps}" 'BEGIN { printf "ratio member topic page / home: %.2f\n", a / b }'
awk -v a="${member_rps}" -v b="${home_member_rps}" \
  'BEGIN { printf "ratio member topic page / member home: %.2f  (like for like)\n", a / b }'
