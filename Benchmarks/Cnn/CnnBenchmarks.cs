using BenchmarkDotNet.Attributes;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Cnn;

/// <summary>One SGD step of a zoo network at batch 64 on MNIST (forward, cost, backward, update); images/s = 64 / mean.</summary>
[MemoryDiagnoser]
[Config(typeof(RateColumns.Config))]
public class CnnTrainingBenchmarks
{
    private CnnWorkload _work = null!;
    private int _start;

    [Params("lenet5", "resnet")]
    public string Network { get; set; } = "lenet5";

    [GlobalSetup]
    public void Setup()
    {
        _work = new CnnWorkload(Network, CnnWorkload.LoadMnist(), seed: 42);
        for (int i = 0; i < 20; i++) _work.TrainBatch(i * 64); // warm-up: buffers allocated, methods jitted
    }

    [Benchmark]
    public double TrainingStep()
    {
        double cost = _work.TrainBatch(_start);
        _start += _work.Batch;
        if (_start + _work.Batch > _work.TrainCount) _start = 0;
        return cost;
    }

    public double Images => 64;
}

/// <summary>LeNet-5 inference (forward in evaluation mode) at batch 256; images/s = 256 / mean.</summary>
[MemoryDiagnoser]
[Config(typeof(RateColumns.Config))]
public class CnnInferenceBenchmarks
{
    private CnnWorkload _work = null!;
    private Tensor _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _work = new CnnWorkload("lenet5", CnnWorkload.LoadMnist(), seed: 42);
        var test = _work.Data.Test;
        _batch = new Tensor(256, test.Channels, test.Height, test.Width);
        test.Pixels.AsSpan(0, _batch.Length).CopyTo(_batch.Span);
        _work.Network.Forward(_batch, training: false);
    }

    [Benchmark]
    public float Inference() => _work.Network.Forward(_batch, training: false)[0];

    public double Images => 256;
}
