#!/usr/bin/python3
"""Peer of `race gmmn`: one GMMN step in Debian's python3-torch (1.13), the same work as Benchmarks/Race/GmmnRace.cs.

usage: /usr/bin/python3 Benchmarks/peers/gmmn_torch.py [MNIST_DIR] [--threads N]
  1,000 noise vectors u ~ U(-1, 1)^10 through 10-64-256-256-1024-784 (ReLU, sigmoid out); C = sqrt(MMD^2) (biased,
  Gaussian kernels sigma = 2, 5, 10, 20, 40, 80, squared distances as |x|^2 + |y|^2 - 2 x.y) against 1,000 real digits
  (pixels in [0, 1]); backward; Adam lr 1e-3. 3 warm-up and 20 timed steps; the median.
"""
import gzip, os, statistics, struct, sys, time

import numpy as np
import torch
import torch.nn as nn

BATCH, NOISE, WARM_UP, STEPS = 1000, 10, 3, 20
SIGMAS = [2.0, 5.0, 10.0, 20.0, 40.0, 80.0]


def images(folder):
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz")) as f:
        _, n, h, w = struct.unpack(">IIII", f.read(16))
        return torch.from_numpy(np.frombuffer(f.read(), dtype=np.uint8).reshape(n, h * w).astype(np.float32) / 255.0)


def kernel_sum(x, y):
    d = (x * x).sum(1)[:, None] + (y * y).sum(1)[None, :] - 2.0 * x @ y.t()
    return sum(torch.exp(-d / (2.0 * s * s)) for s in SIGMAS).mean()


def main():
    args = [a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and sys.argv[i - 1] != "--threads"]
    if "--threads" in sys.argv:
        torch.set_num_threads(int(sys.argv[sys.argv.index("--threads") + 1]))
    here = os.path.dirname(os.path.abspath(__file__))
    folder = args[0] if args else os.path.join(here, "..", "..", "..", "shared", "data", "mnist-10k")
    real_all = images(folder)
    torch.manual_seed(42)
    widths = [NOISE, 64, 256, 256, 1024]
    layers = []
    for a, b in zip(widths, widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    g = nn.Sequential(*layers, nn.Linear(1024, real_all.shape[1]), nn.Sigmoid())
    adam = torch.optim.Adam(g.parameters(), lr=1e-3)
    times, last = [], 0.0
    for s in range(WARM_UP + STEPS):
        t0 = time.perf_counter()
        start = s * BATCH % (real_all.shape[0] - BATCH)
        real = real_all[start:start + BATCH]
        z = torch.rand(BATCH, NOISE) * 2 - 1
        fake = g(z)
        mmd2 = kernel_sum(fake, fake) + kernel_sum(real, real) - 2 * kernel_sum(fake, real)
        loss = torch.sqrt(torch.clamp(mmd2, min=0) + 1e-10)
        adam.zero_grad()
        loss.backward()
        adam.step()
        last = loss.item()
        if s >= WARM_UP:
            times.append(time.perf_counter() - t0)
    print(f"RESULT torch {torch.__version__} gmmn step: median {1e3 * statistics.median(times):.1f} ms/step "
          f"(min {1e3 * min(times):.1f}, max {1e3 * max(times):.1f}; {STEPS} steps after {WARM_UP} warm-up), "
          f"batch {BATCH}, {torch.get_num_threads()} threads; last sqrt(MMD^2) {last:.4f}")


if __name__ == "__main__":
    main()
