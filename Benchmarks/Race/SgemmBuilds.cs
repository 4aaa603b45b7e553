using System.Diagnostics;
using System.Runtime.Loader;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race sgemm-builds DIR[@T],DIR[@T][,…] [--threads N] [--rounds R]</c>: the square products of <c>race sgemm</c> from several
/// builds of the library in one process, call by call in turn, each build's <c>NeuralPipelines.Models.dll</c> loaded
/// from its own folder (e.g. <c>Benchmarks/bin/Release/net10.0</c> of main and of a branch) into its own load context.
/// </summary>
/// <remarks>
/// Why: on the shared machine two processes run minutes apart see different neighbours, and the same build moved
/// ±15 % between runs; alternating the builds every 50 ms inside one process gives both the same minutes. Each build
/// keeps the best of its rounds: neighbours only ever slow a round down. On one thread the figure is GFLOP per CPU-second
/// of the calling thread (the load cannot add to it), on more the process's CPU time and the wall clock.
/// </remarks>
public static class SgemmBuilds
{
    private delegate void Multiply(bool ta, bool tb, int m, int n, int k, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate);

    public static void Run(TextWriter output, string[] folders, int threads, int rounds)
    {
        output.WriteLine($"cpu: {Cpu.Description}");
        // DIR@T runs that build on T threads (e.g. main on one thread beside a branch on two).
        var builds = folders.Select(folder => folder.Split('@') is [var dir, var t] ? Load(dir, int.Parse(t, System.Globalization.CultureInfo.InvariantCulture)) : Load(folder, threads)).ToArray();
        var alone = folders.Select(folder => folder.Split('@') is [_, var t] ? t == "1" : threads == 1).ToArray();
        foreach (int n in new[] { 256, 512, 1024, 2048 })
        {
            var rng = new Random(42);
            var a = new float[n * n]; var b = new float[n * n]; var c = new float[n * n];
            for (int i = 0; i < a.Length; i++) { a[i] = (float)(rng.NextDouble() * 2 - 1); b[i] = (float)(rng.NextDouble() * 2 - 1); }
            double flop = 2.0 * n * n * n;
            var cpu = new double[builds.Length]; var wall = new double[builds.Length];
            foreach (var multiply in builds) for (int i = 0; i < 3; i++) multiply(false, false, n, n, n, a, n, b, n, c, n, false);
            var load = MachineLoad.Start();
            for (int round = 0; round < rounds; round++)
                for (int v = 0; v < builds.Length; v++)
                {
                    double cpu0 = alone[v] ? ThreadCpu.Nanoseconds : ProcessCpu();
                    var sw = Stopwatch.StartNew();
                    int calls = 0;
                    while (calls < 2 || sw.Elapsed.TotalSeconds < 0.05) { builds[v](false, false, n, n, n, a, n, b, n, c, n, false); calls++; }
                    double seconds = ((alone[v] ? ThreadCpu.Nanoseconds : ProcessCpu()) - cpu0) / 1e9;
                    cpu[v] = Math.Max(cpu[v], flop * calls / seconds / 1e9);
                    wall[v] = Math.Max(wall[v], flop * calls / sw.Elapsed.TotalSeconds / 1e9);
                }
            for (int v = 0; v < builds.Length; v++)
                output.WriteLine($"RESULT sgemm-builds n={n} {folders[v]}: best of {rounds}: {cpu[v]:F1} GFLOP per CPU-s, {wall[v]:F1} GFLOP/s wall " +
                                 $"[other processes {load.OtherCores:F2} cores]");
        }
    }

    private static double ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds * 1e6;

    private static Multiply Load(string folder, int threads)
    {
        string directory = Path.GetFullPath(folder);
        var context = new AssemblyLoadContext(directory);
        context.Resolving += (self, name) =>
            File.Exists(Path.Combine(directory, name.Name + ".dll")) ? self.LoadFromAssemblyPath(Path.Combine(directory, name.Name + ".dll")) : null;
        var gemm = context.LoadFromAssemblyPath(Path.Combine(directory, "NeuralPipelines.Models.dll"))
            .GetType("NeuralPipelines.Models.Kernels.Gemm", throwOnError: true)!;
        gemm.GetProperty("Threads")!.SetValue(null, threads);
        return gemm.GetMethod("Multiply")!.CreateDelegate<Multiply>();
    }
}
