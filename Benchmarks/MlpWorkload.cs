using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;

namespace NeuralPipelines.Benchmarks;

/// <summary>The libtorch peer's <c>mlp</c> workload on our trainer: 784-100-10, ReLU, SGD learning rate 0.1, batch 64.</summary>
public sealed class MlpWorkload(TrainTestSplit data, int seed) : SgdWorkload(Build(seed), data, learningRate: 0.1f, BatchSize, seed)
{
    public const int BatchSize = 64;

    private static Layer Build(int seed)
    {
        var rng = new Random(seed);
        return new Sequential(new Dense(784, 100, Initializer.He, rng), new ReLU(), new Dense(100, 10, Initializer.Scaled, rng));
    }
}
