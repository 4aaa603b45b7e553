using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>Scoring 10,000 MNIST rows with the MLP 784-100-10: our batched ONNX Runtime scorer (256 rows per call) against
/// ML.NET's ApplyOnnxModel, which runs ONNX Runtime once per row, through Transform and through a PredictionEngine.
/// All three run the same ONNX bytes on the CPU. The images/s column is 10,000 / mean.</summary>
/// <remarks><c>dotnet run -c Release --project Benchmarks -- --filter '*OnnxScoring*'</c></remarks>
[MemoryDiagnoser]
[Config(typeof(RateColumns.Config))]
public class OnnxScoringBenchmarks
{
    private ScoringWorkload _work = null!;
    private OnnxScorer _scorer = null!;
    private ITransformer _mlnet = null!;
    private PredictionEngine<ScoringWorkload.Row, ScoringWorkload.Prediction> _engine = null!;
    private float[] _output = [];

    [Params(256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _work = new ScoringWorkload();
        _scorer = new OnnxScorer(_work.Onnx, new OnnxScorerOptions
        {
            PreferCuda = false, BatchSize = BatchSize, IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1,
        });
        _output = new float[ScoringWorkload.Rows * _scorer.OutputLength];
        _mlnet = OnnxModelEstimators.Create(_work.Ml, _work.Onnx, "Features").Fit(_work.Data);
        _engine = _work.Ml.Model.CreatePredictionEngine<ScoringWorkload.Row, ScoringWorkload.Prediction>(_mlnet);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _scorer.Dispose();
    }

    /// <summary>Rows per call, for the images/s column.</summary>
    public double Images => ScoringWorkload.Rows;

    [Benchmark(Baseline = true, Description = "OnnxScorer (batched)")]
    public float BatchedScorer()
    {
        _scorer.Score(_work.Pixels, ScoringWorkload.Rows, _output);
        return _output[^1];
    }

    [Benchmark(Description = "ML.NET ApplyOnnxModel Transform")]
    public float MlNetTransform()
    {
        var scored = _mlnet.Transform(_work.Data);
        var column = scored.Schema[OnnxModelColumns.Score];
        using var cursor = scored.GetRowCursor([column]);
        var get = cursor.GetGetter<VBuffer<float>>(column);
        var score = default(VBuffer<float>);
        float last = 0;
        while (cursor.MoveNext())
        {
            get(ref score);
            last = score.GetValues()[0];
        }
        return last;
    }

    [Benchmark(Description = "ML.NET PredictionEngine")]
    public float MlNetPredictionEngine()
    {
        float last = 0;
        foreach (var row in _work.RowObjects) last = _engine.Predict(row).Score[0];
        return last;
    }
}
