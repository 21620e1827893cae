#!/usr/bin/env bash
# GET /api/v1/atlas through the real server for one member of a synthetic network (goal: a 10,000-
# member network served in at most 200 ms; issue 5). The network is written into a fresh database by
# `atlas_engine fill`; the server computes its snapshot at start; then REQUESTS requests are timed one
# after another with curl (time to the last byte, on loopback) and the median and p95 printed.
#
#   bench/atlas_api.sh BUILD_DIR [sqlite|postgres] [MEMBERS] [TIES] [REQUESTS] [PAIRS]
#   e.g. bench/atlas_api.sh build sqlite 10000 100000 20
# Then bench/atlas_served_tie.py times PAIRS (default 5) confirmed ties reaching the served map through
# the same server (goal: <= 1 s at 10k members, <= 5 s at 100k); PAIRS=0 skips it.
# For postgres, KNOOPPUNT_BENCH_POSTGRES_URL names an empty database (e.g. one made with createdb).
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
backend=${2:-sqlite}
members=${3:-10000}
ties=${4:-100000}
requests=${5:-20}
pairs=${6:-5}
work=$(mktemp -d /tmp/knooppunt-bench-atlas-api.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

if [ "$backend" = postgres ]; then
  url=${KNOOPPUNT_BENCH_POSTGRES_URL:?an empty PostgreSQL database}
else
  url="sqlite:$work/knooppunt.db"
fi
"$build/bench/atlas_engine" fill --model clustered --members "$members" --ties "$ties" --database "$url"
token=$("$build/knooppunt" token create --database "$url" --email lid1@atlas-bench.nl --name bench | grep -Eo '[A-Za-z0-9_-]{30,}' | tail -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$build/knooppunt" serve --listen "127.0.0.1:$port" --database "$url" --data-dir "$work" --no-access-log \
  --api-rate-limit 100000 > "$work/server.log" 2>&1 &
server=$!
address="http://127.0.0.1:$port/api/v1/atlas?network=atlas-bench"
started=$(date +%s)
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$address")" = 200 ]; do
  if [ $(( $(date +%s) - started )) -gt 600 ]; then echo "no atlas after 600 s"; tail -20 "$work/server.log"; exit 1; fi
  sleep 0.5
done
echo "first answer after $(( $(date +%s) - started )) s (the server's first full run)"
times=()
for _ in $(seq 1 "$requests"); do
  times+=("$(curl -s -o "$work/atlas.json" -w '%{time_total}' -H "Authorization: Bearer $token" "$address")")
done
bytes=$(stat -c %s "$work/atlas.json")
printf '%s\n' "${times[@]}" | sort -g | awk -v n="$requests" -v bytes="$bytes" -v m="$members" -v t="$ties" -v b="$backend" '
  {a[NR] = $1 * 1000}
  END {printf "RESULT api %s %d/%d: GET /api/v1/atlas median %.0f ms, p95 %.0f ms, max %.0f ms over %d requests (%.1f MB)\n",
       b, m, t, a[int((NR + 1) / 2)], a[int(NR * 0.95 + 0.999)], a[NR], n, bytes / 1e6}'
# The path API through the same server (the engine's own search is timed by atlas_engine path): 20
# requests from member 1 to members across the network.
path_times=()
for i in $(seq 1 20); do
  path_times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/atlas/path?network=atlas-bench&from=1&to=$(( (i * 4099) % members + 2 ))")")
done
printf '%s\n' "${path_times[@]}" | sort -g | awk -v m="$members" -v b="$backend" '
  {a[NR] = $1 * 1000}
  END {printf "RESULT path %s %d: GET /api/v1/atlas/path median %.1f ms, p95 %.1f ms over %d requests\n",
       b, m, a[int((NR + 1) / 2)], a[int(NR * 0.95 + 0.999)], NR}'
if [ "$pairs" -gt 0 ]; then
  python3 "$(dirname "$0")/atlas_served_tie.py" "http://127.0.0.1:$port" "$build/knooppunt" "$url" atlas-bench \
    "$members" "$pairs"
fi
