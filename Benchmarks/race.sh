#!/bin/bash
# One sitting of the race: our managed kernels and trainer, then libtorch 2.10 (../shared/peers/libtorch/run.sh beside the repository root),
# then Debian's torch 1.13, back to back, ROUNDS times. Usage: Benchmarks/race.sh [sgemm|mlp|all] [ROUNDS]
# RACE_WAIT=SECONDS: how long ours waits for a quiet machine (default 60, as run.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=${1:-all}; rounds=${2:-1}
# The peer sits beside the repository (../shared), wherever the checkout is; LIBTORCH_PEER overrides.
peer=${LIBTORCH_PEER:-../shared/peers/libtorch/run.sh}
# The peers at their best: glibc serves large blocks by mmap and returns them on free, so a framework that allocates its
# tensors every step (libtorch, PyTorch) takes page faults on every step. On some hosts that made PyTorch's ResNet-8 step
# 3–4× slower (84–147 ms against 33–37 with these settings; docs/BENCHMARKS.md, "the peers' malloc"). Keep the heap
# instead, for every process of the sitting (ours allocates nothing in a step: the same times either way); PEER_MALLOC=default
# runs them as they come.
if [[ ${PEER_MALLOC:-heap} == heap ]]; then
  export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=1073741824
fi
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
