using BenchmarkDotNet.Attributes;

namespace NeuralPipelines.Benchmarks;

/// <summary>One SGD step of the MLP 784-100-10 at batch 64 (forward, cost, backward, update); the images/s column is 64 / mean.</summary>
[MemoryDiagnoser]
[Config(typeof(RateColumns.Config))]
public class MlpTrainingBenchmarks
{
    private MlpWorkload _mlp = null!;
    private int _start;

    [GlobalSetup]
    public void Setup()
    {
        _mlp = new MlpWorkload(MlpWorkload.LoadMnist(), seed: 42);
        _mlp.Epoch(); // warm-up: every buffer allocated, every method jitted
    }

    [Benchmark]
    public double TrainingStep()
    {
        double cost = _mlp.TrainBatch(_start);
        _start += MlpWorkload.BatchSize;
        if (_start >= _mlp.TrainCount) _start = 0;
        return cost;
    }

    /// <summary>Images per call, for the images/s column.</summary>
    public double Images => MlpWorkload.BatchSize;
}
