#!/bin/bash
# One sitting of the race: our managed kernels and trainer, then libtorch 2.10 (../shared/peers/libtorch/run.sh beside the repository root),
# then Debian's torch 1.13, back to back, ROUNDS times. Usage: Benchmarks/race.sh [sgemm|mlp|all] [ROUNDS]
# RACE_WAIT=SECONDS: how long ours waits for a quiet machine (default 60, as run.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=${1:-all}; rounds=${2:-1}
# The peer sits beside the repository (../shared), wherever the checkout is; LIBTORCH_PEER overrides.
peer=${LIBTORCH_PEER:-../shared/peers/libtorch/run.sh}
dotnet build -c Release Benchmarks -nologo -v q >/dev/null
ours=Benchmarks/bin/Release/net10.0/NeuralPipelines.Benchmarks
echo "== $(date -u +%FT%TZ) $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; uptime:$(uptime | sed 's/.*load/ load/')"
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r"
  for m in sgemm mlp; do
    [[ $mode == all || $mode == "$m" ]] || continue
    "$ours" race "$m" --wait "${RACE_WAIT:-60}" 2>&1 | grep -E "RESULT|waited"
    "$peer" "$m" 2>&1 | grep -E "RESULT|quiet|busy"
    /usr/bin/python3 Benchmarks/peers/torch113.py "$m" 2>&1 | grep RESULT
    echo "   uptime:$(uptime | sed 's/.*load/ load/')"
  done
done
