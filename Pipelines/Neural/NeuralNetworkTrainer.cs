using Microsoft.ML;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Training.Recipes;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;

namespace NeuralPipelines.Pipelines.Neural;

/// <summary>ML.NET estimator that trains an MLP or a model-zoo network with our trainer on an image-vector column and a
/// class label, exports it to ONNX and returns a <see cref="NeuralNetworkTransformer"/>.</summary>
/// <remarks>Written as <c>mlContext.MulticlassClassification.Trainers.NeuralNetwork(...)</c>.</remarks>
public sealed class NeuralNetworkTrainer : IEstimator<NeuralNetworkTransformer>
{
    // Null for the catalog's trainer, whose scorer then gets a scoped context of its own (see the internal constructor).
    private readonly MLContext? _ml;

    /// <param name="ml">The context the fitted scorer is built with; ML.NET keeps the copy of the model that scorer needs in
    /// its <c>TempFilePath</c> (a <see cref="ScopedMLContext"/> removes it).</param>
    public NeuralNetworkTrainer(MLContext ml, NeuralNetworkOptions options)
    {
        _ml = ml ?? throw new ArgumentNullException(nameof(ml));
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The catalog's trainer. ML.NET keeps a catalog's context internal, so no caller's context (scoped or not)
    /// reaches it; each fitted network gets a <see cref="ScopedMLContext"/> of its own, removed when it is disposed.
    /// Otherwise ML.NET's copy of the model stayed in the temp folder for good, one per fit (per fold, in a cross-validation).</summary>
    internal NeuralNetworkTrainer(NeuralNetworkOptions options) =>
        Options = options ?? throw new ArgumentNullException(nameof(options));

    public NeuralNetworkOptions Options { get; }

    public NeuralNetworkTransformer Fit(IDataView input)
    {
        var o = Options;
        var (images, classLabels) = NeuralTrainingData.Read(input, o.FeatureColumnName, o.LabelColumnName, o.InputShape);
        var split = Split(images, o.ValidationFraction, o.Seed);
        var (model, state) = ClassifierSetup.Start(o.Architecture, split.Train, o.Recipe, o.ToChoices(), classLabels);
        model.SetMetadata("dataset", $"IDataView ({split.Train.Count} training rows, {split.Test.Count} held out)");
        var result = new Trainer(model, state).Fit(split, new TrainingCallbacks { Epoch = o.Progress }, o.Cancellation);

        var card = ModelCard.FromModel(model, state);
        var onnx = OnnxExporter.ExportBytes(model.Network, card);
        var parity = ExportParity.Check(model.Network, card, onnx);
        if (!parity.Passed)
            throw new InvalidOperationException($"The exported {o.Architecture} model differs from the trained network by {parity.MaxError:g3} (tolerance {ParityReport.Tolerance:g}).");
        return ScopedMLContext.UseOrOwn(_ml, o.Seed, (context, scope) =>
            new NeuralNetworkTransformer(OnnxModelEstimators.Create(context, onnx, o.FeatureColumnName, o.GpuDeviceId, card.ClassLabels).Fit(input),
                model, card, onnx, result, owned: scope));
    }

    /// <summary>The columns the fitted transformer adds, worked out with a one-weight stand-in model (ML.NET's
    /// <see cref="SchemaShape"/> columns can only be made by its own estimators).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var features = inputSchema.FirstOrDefault(c => c.Name == Options.FeatureColumnName);
        if (features.Name is null) throw new ArgumentException($"The feature column '{Options.FeatureColumnName}' is not in the input.");
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != Microsoft.ML.Data.NumberDataViewType.Single)
            throw new ArgumentException($"The feature column '{Options.FeatureColumnName}' is {features.ItemType} ({features.Kind}); the neural network needs a known-size vector of Single.");
        if (inputSchema.FirstOrDefault(c => c.Name == Options.LabelColumnName).Name is null)
            throw new ArgumentException($"The label column '{Options.LabelColumnName}' is not in the input.");
        var standIn = OnnxExporter.ExportBytes(new Dense(1, 2), new ModelCard { Architecture = "stand-in", InputShape = [1] });
        return OnnxEstimatorSchema.Of(context => OnnxModelEstimators.Create(context, standIn, Options.FeatureColumnName), inputSchema, Options.FeatureColumnName, width: 1);
    }

    /// <summary>A seeded shuffle, then the last <paramref name="fraction"/> of rows held out for per-epoch test figures.</summary>
    private static TrainTestSplit Split(LabelledImages images, double fraction, int seed)
    {
        if (fraction is < 0 or >= 1) throw new ArgumentException($"The validation fraction must be in [0, 1), got {fraction}.");
        int n = images.Count, held = (int)Math.Round(n * fraction), kept = n - held;
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        LabelledImages Subset(ReadOnlySpan<int> rows, string what)
        {
            var pixels = new float[rows.Length * images.ImageLength];
            var labels = new int[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                images.Image(rows[i]).CopyTo(pixels.AsSpan(i * images.ImageLength));
                labels[i] = images.Labels[rows[i]];
            }
            return new LabelledImages($"{images.Source} ({what})", pixels, labels, images.Channels, images.Height, images.Width, images.Classes);
        }
        return new TrainTestSplit("IDataView", Subset(order.AsSpan(0, kept), "training rows"), Subset(order.AsSpan(kept), "held-out rows"));
    }
}
