using System.Diagnostics;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race tiles</c>: each GEMM micro-kernel alone on one thread, on packed slivers that stay in L1 (KC = 256), in
/// GFLOP/s and as a fraction of the one-thread FMA ceiling of its width: how the register tile shapes compare before
/// packing, caches and threads come in. This is what chose 12×32 over 12×16 for the 512-bit path.
/// </summary>
public static unsafe class TileProbe
{
    public static void Run(TextWriter output)
    {
        output.WriteLine($"cpu: {Cpu.Description}");
        const int kc = GemmBlocking.KC, mr = GemmBlocking.MR, nr = GemmBlocking.NR;
        var rng = new Random(1);
        var a = GC.AllocateArray<float>(2 * mr * kc + 16, pinned: true);
        var b = GC.AllocateArray<float>(2 * nr * kc + 16, pinned: true);
        var c = GC.AllocateArray<float>(12 * 32 + 16, pinned: true);
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
        fixed (float* pa = a, pb = b, pc = c)
        {
            float* ia = pa, ib = pb, ic = pc;
            var tiles = new List<(string Name, SimdPath Width, int Flop, Action Call)>
            {
                ("6×16 Vector256", SimdPath.Vector256, 2 * 6 * 16 * kc, () => GemmMicroKernel.Tile(kc, ia, ib, ic, 32, mr, nr, false, vectorized: true)),
                ("12×16 Vector512", SimdPath.Vector512, 2 * 12 * 16 * kc, () => GemmMicroKernelWide.TilePair(kc, ia, ib, ic, 32, false)),
                ("12×32 Vector512", SimdPath.Vector512, 2 * 12 * 32 * kc, () => GemmMicroKernelWide.Tile12x32(kc, ia, ib, ic, 32, false)),
            };
            foreach (var (name, width, flop, call) in tiles)
            {
                if (!SimdWidth.Available(width)) { output.WriteLine($"RESULT tile {name}: not accelerated here"); continue; }
                double ceiling = CeilingProbe.Best(width, 1).Gflops, best = 0;
                for (int round = 0; round < 5; round++)
                {
                    for (int i = 0; i < 1000; i++) call();
                    var sw = Stopwatch.StartNew();
                    const int calls = 200_000;
                    for (int i = 0; i < calls; i++) call();
                    best = Math.Max(best, (double)flop * calls / sw.Elapsed.TotalSeconds / 1e9);
                }
                output.WriteLine($"RESULT tile {name}: {best:F1} GFLOP/s, {best / ceiling:P0} of the one-thread {(int)width}-bit ceiling {ceiling:F1}");
            }
        }
    }
}
