#!/usr/bin/env bash
# Makes SciPy available to bench/atlas_networkx.py without installing it: NetworkX 2.8 needs SciPy for
# its PageRank and for spring_layout above 500 members, but Debian 12's python3-scipy cannot be
# installed next to our build dependencies (it depends on python3-pythran, which pulls in
# libboost1.74-dev, and that conflicts with the libboost1.81-dev we build with). Pythran is only needed
# to build SciPy, so the package is downloaded from Debian and unpacked into a private directory; its
# run-time needs (python3-numpy, python3-decorator, BLAS/LAPACK) are installed as usual.
# Prints the directory to put on PYTHONPATH.
#
#   export PYTHONPATH=$(bench/networkx_scipy.sh)
set -euo pipefail
target=${KNOOPPUNT_SCIPY_DIR:-/var/tmp/knooppunt-scipy}
site="$target/root/usr/lib/python3/dist-packages"
if [ ! -d "$site/scipy" ]; then
  need=()
  for package in python3-networkx python3-numpy python3-decorator libblas3 liblapack3 libgfortran5; do
    dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
  done
  if [ ${#need[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2
  fi
  mkdir -p "$target"
  (cd "$target" && chmod 777 . && apt-get download python3-scipy >&2)
  dpkg -x "$target"/python3-scipy_*.deb "$target/root"
fi
echo "$site"
