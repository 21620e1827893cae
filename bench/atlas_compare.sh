#!/usr/bin/env bash
# The atlas engine's full recompute next to the same pipeline in NetworkX, runs interleaved (engine,
# NetworkX, engine, NetworkX, ...) on the same synthetic graph, so both see the same machine load.
# Prints every run and the medians (the engine's cold run, process CPU and wall time).
#
#   bench/atlas_compare.sh BUILD_DIR MODEL MEMBERS TIES [ROUNDS] [NETWORKX_BUDGET_SECONDS]
#   e.g. bench/atlas_compare.sh build clustered 10000 100000 3 600
set -euo pipefail
build=${1:?build dir}
model=${2:?clustered or hubs}
members=${3:?members}
ties=${4:?ties}
rounds=${5:-3}
budget=${6:-600}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
edges=$(mktemp /tmp/atlas-edges.XXXXXX)
# NetworkX with SciPy, as its own documentation expects (see networkx_scipy.sh for why it is unpacked).
PYTHONPATH="$("$here/networkx_scipy.sh")${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
trap 'rm -f "$edges"' EXIT

"$build/bench/atlas_engine" recompute --model "$model" --members "$members" --ties "$ties" --runs 1 \
  --edges-out "$edges" > /dev/null
engine_ms=()
networkx_s=()
for round in $(seq 1 "$rounds"); do
  line=$("$build/bench/atlas_engine" recompute --model "$model" --members "$members" --ties "$ties" --runs 1 |
         grep '^RESULT')
  echo "round $round engine:   $line"
  engine_ms+=("$(sed -E 's/.*cold median ([0-9]+) ms.*/\1/' <<<"$line")")
  line=$(timeout $((budget + 120)) /usr/bin/python3 "$here/atlas_networkx.py" "$edges" --runs 1 --budget "$budget" |
         grep '^RESULT' || echo "RESULT networkx: median at least ${budget} s (timed out)")
  echo "round $round networkx: $line"
  networkx_s+=("$(sed -E 's/.*median (at least )?([0-9.]+) s.*/\2/' <<<"$line")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
engine=$(median "${engine_ms[@]}")
networkx=$(median "${networkx_s[@]}")
echo "MEDIANS $model $members/$ties: engine ${engine} ms, networkx ${networkx} s, ratio $(awk -v e="$engine" -v n="$networkx" 'BEGIN {printf "%.0f", n * 1000 / e}')x"
