using BenchmarkDotNet.Attributes;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Benchmarks.Onnx;

/// <summary>Serving 10,000 MNIST rows one request at a time from 8 threads through a <see cref="ModelPool{TIn, TOut}"/>
/// over the MLP's ML.NET zip: the shared ONNX Runtime session (the pool's fast path) against ML.NET PredictionEngines, one
/// per concurrent caller (the pool's general path, what PredictionEnginePool does), and, as the ceiling, the same rows
/// as one batched call. The images/s column is 10,000 / mean.</summary>
/// <remarks><c>dotnet run -c Release --project Benchmarks -- --filter '*ModelPool*'</c></remarks>
[MemoryDiagnoser]
[Config(typeof(RateColumns.Config))]
public class ModelPoolBenchmarks
{
    private const int Threads = 8;
    private ScoringWorkload _work = null!;
    private string _zip = null!;
    private ModelPool<ScoringWorkload.Row, ScoringWorkload.Prediction> _onnxRuntime = null!, _engines = null!;

    [GlobalSetup]
    public void Setup()
    {
        _work = new ScoringWorkload();
        _zip = Path.Combine(Path.GetTempPath(), $"np-modelpool-bench-{Environment.ProcessId}.zip");
        var model = OnnxModelEstimators.Create(_work.Ml, _work.Onnx, "Features").Fit(_work.Data);
        _work.Ml.Model.Save(model, _work.Data.Schema, _zip);
        var options = new ModelPoolOptions { WatchForChanges = false, Scorer = new OnnxScorerOptions { PreferCuda = false, IntraOpNumThreads = 1 } };
        _onnxRuntime = new ModelPool<ScoringWorkload.Row, ScoringWorkload.Prediction>(_zip, options);
        _engines = new ModelPool<ScoringWorkload.Row, ScoringWorkload.Prediction>(_zip, options with { PreferOnnxRuntime = false });
        if (_onnxRuntime.Backend != "onnx-runtime" || _engines.Backend != "prediction-engine")
            throw new InvalidOperationException($"Unexpected backends: {_onnxRuntime.Backend}, {_engines.Backend}.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnxRuntime.Dispose();
        _engines.Dispose();
        File.Delete(_zip);
    }

    /// <summary>Rows per call, for the images/s column.</summary>
    public double Images => ScoringWorkload.Rows;

    [Benchmark(Baseline = true, Description = "ModelPool, ONNX Runtime session, 8 threads")]
    public float SharedSession() => Serve(_onnxRuntime);

    [Benchmark(Description = "ModelPool, PredictionEngines, 8 threads")]
    public float Engines() => Serve(_engines);

    [Benchmark(Description = "ModelPool, one batched Predict(list)")]
    public float Batched() => _onnxRuntime.Predict(_work.RowObjects)[^1].Score[0];

    private float Serve(ModelPool<ScoringWorkload.Row, ScoringWorkload.Prediction> pool)
    {
        var last = new float[Threads];
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (int i = t; i < ScoringWorkload.Rows; i += Threads) last[t] = pool.Predict(_work.RowObjects[i]).Score[0];
        });
        return last.Sum();
    }
}
