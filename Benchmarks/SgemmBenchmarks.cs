using BenchmarkDotNet.Attributes;
using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Benchmarks;

/// <summary>Square single-precision products C = A·B on the managed GEMM; the GFLOP/s column is 2n³ / mean time.</summary>
[MemoryDiagnoser]
[Config(typeof(RateColumns.Config))]
public class SgemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params(256, 512, 1024)]
    public int N { get; set; }

    /// <summary>GEMM threads (the default is the processor count, capped at 4).</summary>
    [Params(2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Gemm.Threads = Threads;
        var rng = new Random(42);
        _a = Fill(N * N); _b = Fill(N * N); _c = new float[N * N];
        float[] Fill(int length) => Race.RandomFloats.Uniform(rng, length);
    }

    [Benchmark]
    public void Sgemm() => Gemm.Multiply(false, false, N, N, N, _a, N, _b, N, _c, N);

    /// <summary>Floating-point operations of one call, for the GFLOP/s column.</summary>
    public double Flop => 2.0 * N * N * N;
}
