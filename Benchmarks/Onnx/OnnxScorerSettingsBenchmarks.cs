using BenchmarkDotNet.Attributes;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>The batched scorer alone on the 10k-row MLP workload, across batch size, intra-op threads (0 = one per core)
/// and thread spinning: how the defaults were chosen.</summary>
/// <remarks><c>dotnet run -c Release --project Benchmarks -- --filter '*OnnxScorerSettings*'</c></remarks>
[Config(typeof(RateColumns.Config))]
public class OnnxScorerSettingsBenchmarks
{
    private ScoringWorkload _work = null!;
    private OnnxScorer _scorer = null!;
    private float[] _output = [];

    [Params(256, 1024)]
    public int BatchSize { get; set; }

    [Params(1, 0)]
    public int Threads { get; set; }

    [Params(true, false)]
    public bool Spinning { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _work = new ScoringWorkload();
        _scorer = new OnnxScorer(_work.Onnx, new OnnxScorerOptions
        {
            PreferCuda = false, BatchSize = BatchSize, IntraOpNumThreads = Threads == 0 ? Environment.ProcessorCount : Threads, AllowSpinning = Spinning,
        });
        _output = new float[ScoringWorkload.Rows * _scorer.OutputLength];
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    public double Images => ScoringWorkload.Rows;

    [Benchmark]
    public float Score()
    {
        _scorer.Score(_work.Pixels, ScoringWorkload.Rows, _output);
        return _output[^1];
    }
}
