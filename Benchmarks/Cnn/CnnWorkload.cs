using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Benchmarks.Cnn;

/// <summary>The libtorch peer's <c>lenet</c> workload on our trainer, for any zoo network: SGD learning rate 0.05, batch 64.</summary>
public sealed class CnnWorkload(string architecture, TrainTestSplit data, int seed, int batch = 64)
    : SgdWorkload(ModelZoo.Build(architecture, new ZooOptions(data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.Classes, seed)),
        data, learningRate: 0.05f, batch, seed);
