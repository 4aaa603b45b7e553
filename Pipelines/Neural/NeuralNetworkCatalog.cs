using Microsoft.ML;

namespace NeuralPipelines.Pipelines.Neural;

/// <summary>Our neural-network trainer in ML.NET's catalog: <c>mlContext.MulticlassClassification.Trainers.NeuralNetwork(...)</c>.</summary>
/// <remarks>ML.NET keeps a catalog's environment internal, so the trainer gets a context of its own (scoped to each fitted
/// network, whose Dispose removes ML.NET's copy of the model); training draws its random numbers from
/// <see cref="NeuralNetworkOptions.Seed"/>, so nothing observable depends on which context that is.</remarks>
public static class NeuralNetworkCatalog
{
    public static NeuralNetworkTrainer NeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, NeuralNetworkOptions options) =>
        new(options);

    /// <summary>Trains <paramref name="architecture"/> ("mlp" or a zoo name) on a vector column of pixels and a class label.
    /// A training setting left null takes the architecture's recipe value (see <see cref="NeuralNetworkOptions"/>).</summary>
    public static NeuralNetworkTrainer NeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string architecture = "mlp", string labelColumnName = "Label", string featureColumnName = "Features",
        int? epochs = null, int? batchSize = null, float? learningRate = null, int seed = 1) =>
        catalog.NeuralNetwork(new NeuralNetworkOptions
        {
            Architecture = architecture,
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            Seed = seed,
        });
}
