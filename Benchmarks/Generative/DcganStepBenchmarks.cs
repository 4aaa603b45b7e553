using BenchmarkDotNet.Attributes;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Generative;

/// <summary>One DCGAN step as <c>race gan</c> runs it (D on a real batch and on G(z), then G through D; batch 64, z 64,
/// Adam 2e-4), on the shipped MNIST digits; <c>MemoryDiagnoser</c> shows the steady-state step allocates nothing
/// (<c>dotnet run -c Release --project Benchmarks -- --filter '*DcganStep*'</c>). LeNet-5 and ResNet-8 steps are
/// <see cref="Cnn.CnnTrainingBenchmarks"/>.</summary>
[MemoryDiagnoser]
[Config(typeof(RateColumns.Config))]
public class DcganStepBenchmarks
{
    private const int Batch = 64, Seed = 42;
    private GanStep _step = null!;
    private Tensor _real = null!;

    [GlobalSetup]
    public void Setup()
    {
        var train = new DatasetCatalog().LoadImages("mnist").Train;
        _real = new Tensor(Batch, train.Channels, train.Height, train.Width);
        train.Pixels.AsSpan(0, _real.Length).CopyTo(_real.Span);
        _step = GanStep.Dcgan(Dcgan.Generator(seed: Seed), Dcgan.Discriminator(seed: Seed + 1), seed: Seed);
        for (int i = 0; i < 5; i++) _step.Run(_real); // warm-up: buffers allocated, methods jitted
    }

    [Benchmark]
    public double Step() => _step.Run(_real).DiscriminatorLoss;

    public double Images => Batch;
}
