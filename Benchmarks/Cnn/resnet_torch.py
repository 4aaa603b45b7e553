"""Second opinion for `race resnet`: the same ResNet-8 training step in PyTorch (Debian's torch 1.13, /usr/bin/python3).

The libtorch 2.10 peer (../shared/peers/libtorch/run.sh) has no ResNet mode, so this script times the zoo's `resnet`
(Models/Zoo/ResNet.cs: conv3x3-16 + BN + ReLU stem, one basic block per stage at 16/32/64 channels, strided 1x1+BN
projections, global average pool, FC) with cross-entropy and SGD lr 0.05 momentum 0.9 at batch 64 on 1x28x28 inputs,
using as many threads as there are cores. Median of 7 repetitions of an inner loop of >= 0.25 s after 5 warm-up steps.
Usage: /usr/bin/python3 Benchmarks/Cnn/resnet_torch.py [--lenet] [--threads N]
(--threads 1 avoids the collapse of a spinning thread team when other processes hold the cores.)
Run it with glibc's heap kept (Benchmarks/race.sh exports MALLOC_MMAP_THRESHOLD_ and friends): by default every large
tensor is an mmap returned on free, and on some hosts the page faults made the step 3-4x slower.
"""
import os, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(42)
torch.set_num_threads(int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else os.cpu_count())


def unit(i, o, k, s, relu=True):
    layers = [nn.Conv2d(i, o, k, s, k // 2, bias=False), nn.BatchNorm2d(o)]
    return layers + ([nn.ReLU()] if relu else [])


class Block(nn.Module):
    def __init__(self, i, o, s):
        super().__init__()
        self.body = nn.Sequential(*unit(i, o, 3, s), *unit(o, o, 3, 1, relu=False))
        self.short = None if s == 1 and i == o else nn.Sequential(*unit(i, o, 1, s, relu=False))

    def forward(self, x):
        return F.relu(self.body(x) + (x if self.short is None else self.short(x)))


def resnet8():
    return nn.Sequential(*unit(1, 16, 3, 1), Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def lenet():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


name = "lenet" if "--lenet" in sys.argv else "resnet8"
model = lenet() if name == "lenet" else resnet8()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
x = torch.rand(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def step():
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(5):
    step()
t = time.perf_counter(); probe = 0
while time.perf_counter() - t < 0.05:
    step(); probe += 1
inner = max(1, int(probe * 0.25 / (time.perf_counter() - t)) + 1)
reps = []
for _ in range(7):
    t = time.perf_counter()
    for _ in range(inner):
        step()
    reps.append((time.perf_counter() - t) / inner)
reps.sort()
print(f"RESULT torch {torch.__version__} {name}_step: median {reps[3] * 1e3:.2f} ms per batch-64 step = {64 / reps[3]:.0f} img/s "
      f"(min {reps[0] * 1e3:.2f}, max {reps[-1] * 1e3:.2f} ms), threads {torch.get_num_threads()}")
