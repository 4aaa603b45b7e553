#!/usr/bin/python3
"""Second peer: Debian's python3-torch 1.13 (OpenBLAS), timed the way ../shared/peers/libtorch/run.sh times libtorch 2.10.

usage: /usr/bin/python3 Benchmarks/peers/torch113.py sgemm|mlp|all [MNIST_DIR] [--epochs N] [--threads N]
  sgemm  torch.mm of two N(0,1) float32 n x n matrices, n = 256, 512, 1024, 2048: 6 warm-up calls, then the median of
         7 repetitions of an inner loop sized to last >= 0.25 s. GFLOP/s = 2n^3 / seconds per call.
  mlp    784-100-10, ReLU, log-softmax + NLL, SGD lr 0.1 momentum 0.9, batch 64, pixels in [0, 1]; a warm-up epoch on a
         throwaway model, then N timed epochs (fresh shuffle each); images/s is the median over the epochs.
"""
import gzip, os, statistics, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def option(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def seconds_per_call(call, warm_up=6):
    for _ in range(warm_up):
        call()
    start, probe = time.perf_counter(), 0
    while time.perf_counter() - start < 0.05:
        call(); probe += 1
    inner = max(1, int(probe * 0.25 / (time.perf_counter() - start)) + 1)
    reps = []
    for _ in range(7):
        t = time.perf_counter()
        for _ in range(inner):
            call()
        reps.append((time.perf_counter() - t) / inner)
    reps.sort()
    return reps[3], reps[0], reps[-1]


def sgemm():
    torch.manual_seed(42)
    for n in (256, 512, 1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        c = torch.empty(n, n)
        median, low, high = seconds_per_call(lambda: torch.mm(a, b, out=c))
        flop = 2.0 * n ** 3
        print(f"RESULT torch1.13 sgemm n={n}: median {flop / median / 1e9:.1f} GFLOPS "
              f"(min {flop / high / 1e9:.1f}, max {flop / low / 1e9:.1f}; {median * 1e3:.3f} ms/call)", flush=True)


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mlp(folder, epochs):
    x = torch.from_numpy(idx(os.path.join(folder, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255.0).reshape(-1, 784)
    y = torch.from_numpy(idx(os.path.join(folder, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    tx = torch.from_numpy(idx(os.path.join(folder, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255.0).reshape(-1, 784)
    ty = torch.from_numpy(idx(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    n = x.shape[0]

    def make(seed):
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10), nn.LogSoftmax(1))
        return model, torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    def epoch(model, opt, generator):
        order = torch.randperm(n, generator=generator)
        for s in range(0, n, 64):
            i = order[s:s + 64]
            opt.zero_grad()
            loss = F.nll_loss(model(x[i]), y[i])
            loss.backward()
            opt.step()
            loss.item()

    warm, warm_opt = make(43)
    epoch(warm, warm_opt, torch.Generator().manual_seed(1))
    model, opt = make(42)
    g = torch.Generator().manual_seed(42)
    rates = []
    for e in range(epochs):
        t = time.perf_counter()
        epoch(model, opt, g)
        rates.append(n / (time.perf_counter() - t))
        print(f"  torch1.13 mlp epoch {e + 1}: {rates[-1]:.0f} img/s", flush=True)
    with torch.no_grad():
        accuracy = (model(tx).argmax(1) == ty).float().mean().item()
    print(f"RESULT torch1.13 mlp: train median {statistics.median(rates):.0f} img/s over {epochs} timed epochs "
          f"(min {min(rates):.0f}, max {max(rates):.0f}); test acc {100 * accuracy:.2f}%", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "all"
    torch.set_num_threads(option("--threads", os.cpu_count() or 1))
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}", flush=True)
    folder = next((a for a in sys.argv[2:] if not a.startswith("--") and os.path.isdir(a)),
                  os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Data", "files", "mnist-10k"))
    if mode in ("sgemm", "all"):
        sgemm()
    if mode in ("mlp", "all"):
        mlp(folder, option("--epochs", 10))
